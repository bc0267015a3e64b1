package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.master.MasterOptions;
import io.meso.security.acl.Acls;
import io.meso.services.ServicesFixture.Response;
import io.meso.services.store.ServicesStore;
import io.meso.services.store.StoreCodec;
import io.meso.services.store.StoredApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Autoscaling on a real master and agent with real processes: the agent samples its tasks every
 * 200 ms and the framework evaluates every second. A cpu-burning app scales up to its maximum (also
 * after a new leader's framework took the store over, the policy read back from it); an idle one
 * scales down to its minimum once its scale-down window passed, without replacing the instances it
 * keeps; an app whose usage the master refuses (ACLs) is never scaled down; a bad policy is a 422
 * naming the field.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ServicesAutoscaleTest {

  static final ServicesFixture.Tuning QUICK = new ServicesFixture.Tuning(200, Duration.ofSeconds(1));

  ServicesFixture f;

  @BeforeEach
  void start() throws Exception {
    f = ServicesFixture.start("meso-services-autoscale", QUICK);
  }

  @AfterEach
  void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200));
  }

  static JsonObject app(String id, String cmd, int instances, JsonObject autoscale) {
    return new JsonObject().put("id", id).put("cmd", cmd).put("cpus", 0.1).put("mem", 16)
        .put("instances", instances).put("autoscale", autoscale);
  }

  boolean settled(String appId, int instances) {
    JsonObject app = f.app(appId);
    return app.getInteger("instances") == instances && app.getInteger("tasksRunning") == instances
        && app.getInteger("tasksStaged") == 0 && app.getJsonArray("deployments").isEmpty();
  }

  /** The app's {@code autoscale.lastDecision}, or null. */
  JsonObject lastDecision(String appId) {
    return f.app(appId).getJsonObject("autoscale").getJsonObject("lastDecision");
  }

  StoredApp stored(String appId) {
    return StoreCodec.decodeApp(f.registry.read(ServicesStore.APPS).get(appId));
  }

  @Test
  void aBusyAppScalesUpToItsMaximumAlsoUnderANewLeader() throws Exception {
    // A low target: under cgroups a task of 0.1 cpus gets little of a machine whose cores are all
    // busy, yet a busy loop still uses far more than 5 % of its share.
    JsonObject policy = new JsonObject().put("targetCpuUtilization", 0.05).put("minInstances", 1)
        .put("maxInstances", 3).put("scaleDownStabilizationSeconds", 3600);
    Response created = f.post("/v2/apps", app("/autoscale/burn", "while :; do :; done", 1, policy));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    waiting().until(() -> f.app("/autoscale/burn").getInteger("tasksRunning") >= 1);

    // A new leader's framework takes over; the policy comes back from the store, and it acts on it.
    f.takeOver("second");
    JsonObject expected = policy.copy().put("scaleUpStabilizationSeconds", 0).put("tolerance", 0.1);
    JsonObject read = f.app("/autoscale/burn").getJsonObject("autoscale").copy();
    read.remove("lastDecision");
    assertThat(read).isEqualTo(expected);

    waiting().until(() -> settled("/autoscale/burn", 3));
    // The first round that measured all three (one right after a deployment may still say it waited for it).
    JsonObject decision = waiting().until(() -> lastDecision("/autoscale/burn"),
        d -> d != null && d.getInteger("measuredInstances") == 3);
    assertThat(decision.getDouble("cpuUtilization")).as(decision.encode()).isGreaterThan(0.055);
    assertThat(decision.getInteger("recommendedInstances")).as(decision.encode()).isEqualTo(3);
    assertThat(decision.getInteger("desiredInstances")).as(decision.encode()).isEqualTo(3);
    // Scaled as a PUT {"instances"} would: stored under the leader's fence, with the policy.
    StoredApp saved = stored("/autoscale/burn");
    assertThat(saved.current().instances()).isEqualTo(3);
    assertThat(saved.current().autoscale().maxInstances()).isEqualTo(3);
    // Never beyond the maximum, however busy.
    assertThat(f.app("/autoscale/burn").getInteger("instances")).isEqualTo(3);
  }

  @Test
  void anIdleAppScalesDownToItsMinimumAfterTheWindowKeepingItsInstances() {
    JsonObject policy = new JsonObject().put("targetCpuUtilization", 0.5).put("minInstances", 1)
        .put("maxInstances", 3).put("scaleDownStabilizationSeconds", 3);
    Response created = f.post("/v2/apps", app("/autoscale/idle", "sleep 600", 3, policy));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Set<String> first = new HashSet<>();
    waiting().until(() -> {
      JsonArray tasks = f.tasks("/autoscale/idle");
      tasks.forEach(t -> first.add(((JsonObject) t).getString("id")));
      return first.size() >= 3;
    });
    String configured = f.app("/autoscale/idle").getJsonObject("versionInfo").getString("lastConfigChangeAt");

    waiting().until(() -> settled("/autoscale/idle", 1));
    JsonObject decision = waiting().until(() -> lastDecision("/autoscale/idle"),
        d -> d != null && d.getInteger("measuredInstances") == 1);
    JsonObject app = f.app("/autoscale/idle");
    assertThat(decision.getDouble("cpuUtilization")).as(decision.encode()).isLessThan(0.45);
    assertThat(decision.getInteger("desiredInstances")).as(decision.encode()).isEqualTo(1);
    // A scale, not a restart: the config is as it was and the instance kept is one of the first.
    assertThat(app.getJsonObject("versionInfo").getString("lastConfigChangeAt")).isEqualTo(configured);
    String kept = f.tasks("/autoscale/idle").getJsonObject(0).getString("id");
    assertThat(first).contains(kept);
    assertThat(stored("/autoscale/idle").current().instances()).isEqualTo(1);

    // The CLI shows the policy and the last decision.
    try (io.meso.testkit.CliStreams streams = new io.meso.testkit.CliStreams()) {
      int exit = io.meso.cli.Meso.run(new String[] {"app", "show", "/autoscale/idle", "--master", "127.0.0.1:" + f.port()});
      assertThat(exit).as(streams.err()).isZero();
      assertThat(streams.out()).contains("autoscale: cpu target 50% of its cpus, 1 to 3 instances "
          + "(stabilisation up 0 s, down 3 s)").contains("autoscaled: at ").contains(" -> 1, ");
    }
  }

  @Test
  void aBadPolicyIs422NamingTheFieldAndChangesNothing() {
    Response bad = f.post("/v2/apps", app("/autoscale/bad", "sleep 600", 1,
        new JsonObject().put("targetCpuUtilization", 1.5).put("maxInstances", 2)));
    assertThat(bad.status()).as(bad.body()).isEqualTo(422);
    assertThat(bad.json()).isEqualTo(new JsonObject().put("message", "Object is not valid").put("details",
        new JsonArray().add(new JsonObject().put("path", "/autoscale/targetCpuUtilization").put("errors",
            new JsonArray().add("targetCpuUtilization: got 1.5, expected a fraction of the app's cpus per instance, "
                + "greater than 0 and at most 1")))));
    assertThat(f.get("/v2/apps/autoscale/bad").status()).isEqualTo(404);

    JsonObject good = new JsonObject().put("targetCpuUtilization", 0.5).put("maxInstances", 2)
        .put("scaleDownStabilizationSeconds", 3600);
    assertThat(f.post("/v2/apps", app("/autoscale/ok", "sleep 600", 1, good)).status()).isEqualTo(201);
    Response badUpdate = f.put("/v2/apps/autoscale/ok", new JsonObject().put("autoscale",
        new JsonObject().put("targetCpuUtilization", 0.5).put("minInstances", 3).put("maxInstances", 2)));
    assertThat(badUpdate.status()).as(badUpdate.body()).isEqualTo(422);
    assertThat(badUpdate.json().getJsonArray("details").getJsonObject(0)).isEqualTo(new JsonObject()
        .put("path", "/autoscale/maxInstances")
        .put("errors", new JsonArray().add("maxInstances: got 2, expected at least minInstances (3)")));
    assertThat(f.app("/autoscale/ok").getJsonObject("autoscale").getInteger("maxInstances")).isEqualTo(2);
  }

  @Test
  void anAppWhoseUsageCannotBeReadIsNeverScaledDown() throws Exception {
    // The master's ACLs let nobody read a sandbox or usage: every instance stays unmeasured.
    f.close();
    f = null;
    f = ServicesFixture.start("meso-services-autoscale-denied", new MasterOptions().setAllocationIntervalMillis(100)
        .setAcls(Acls.parse("""
            {"permissive": true,
             "access_sandboxes": [{"principals": {"type": "ANY"}, "users": {"type": "NONE"}}]}""", "test")),
        Acls.allowAll(), QUICK);
    JsonObject policy = new JsonObject().put("targetCpuUtilization", 0.5).put("minInstances", 1)
        .put("maxInstances", 3).put("scaleDownStabilizationSeconds", 0);
    assertThat(f.post("/v2/apps", app("/autoscale/blind", "sleep 600", 3, policy)).status()).isEqualTo(201);
    waiting().until(() -> settled("/autoscale/blind", 3));

    JsonObject decision = waiting().until(() -> lastDecision("/autoscale/blind"),
        d -> d != null && d.getInteger("unmeasuredInstances") == 3);
    assertThat(decision.getInteger("measuredInstances")).isZero();
    assertThat(decision.getInteger("desiredInstances")).as(decision.encode()).isEqualTo(3);
    assertThat(decision.getString("reason")).as(decision.encode()).contains("403").contains("access_sandboxes");
    assertThat(f.app("/autoscale/blind").getInteger("instances")).isEqualTo(3);
  }
}
