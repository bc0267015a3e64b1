package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.services.ServicesFixture.Response;
import io.meso.services.runtime.ServicesFramework;
import io.meso.services.store.ServicesStore;
import io.meso.services.store.StoredState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A new leader's framework taking over the store on the same master (the framework's side of a
 * failover; {@code ServicesFailoverIT} kills real master processes): a deposed framework's write
 * is refused and it stops, leaving its tasks to the new leader; a rolling restart in progress is
 * taken up where it was, and no instance that was healthy is restarted.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServicesTakeoverTest {

  ServicesFixture f;

  @BeforeEach
  void start() throws Exception {
    f = ServicesFixture.start("meso-services-takeover");
  }

  @AfterEach
  void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
  }

  static JsonObject sleeper(String id, int instances) {
    return new JsonObject().put("id", id).put("cmd", "sleep 600").put("cpus", 0.1).put("mem", 16)
        .put("instances", instances);
  }

  /** The app's live tasks by id. */
  Map<String, JsonObject> tasks(String appId) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    f.tasks(appId).forEach(t -> out.put(((JsonObject) t).getString("id"), (JsonObject) t));
    return out;
  }

  boolean settled(String appId, int running) {
    JsonObject app = f.app(appId);
    return app.getInteger("tasksRunning") == running && app.getInteger("tasksStaged") == 0
        && app.getJsonArray("deployments").isEmpty();
  }

  @Test
  void aDeposedFrameworksWriteIsRefusedItStopsAndTheNewLeaderTakesItsTasksOver() throws Exception {
    assertThat(f.post("/v2/apps", sleeper("/takeover/kept", 2)).status()).isEqualTo(201);
    waiting().until(() -> settled("/takeover/kept", 2));
    Map<String, JsonObject> before = tasks("/takeover/kept");
    ServicesFramework old = f.framework;

    // Another master is elected and claims the store; the old leader's framework does not know.
    long fence = f.electAnother("second");
    StoredState claimed = new ServicesStore(f.registry, fence).load();
    assertThat(claimed.apps()).extracting(a -> a.id().toString()).containsExactly("/takeover/kept");
    assertThat(claimed.instances()).hasSize(2);

    Response refused = f.post("/v2/apps", sleeper("/takeover/refused", 1));
    assertThat(refused.status()).as(refused.body()).isEqualTo(503);
    assertThat(refused.json().getString("message")).contains("Not the leader any more");
    // The first of its writes the store refuses stops it: this app's, or one still pending from the
    // deployment that just finished (its removal can trail the API's view on a busy machine). The
    // refused app is not stored either way (below).
    assertThat(old.stopped().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .containsPattern("the write of services-[a-z]+/\\S+ was refused: "
            + "a newer leader holds the store");
    assertThat(old.active()).isFalse();
    assertThat(f.registry.read(ServicesStore.APPS)).containsOnlyKeys("/takeover/kept");

    // The new leader's framework takes the same tasks over: same ids, same start times.
    f.framework = f.startFramework(fence);
    assertThat(f.framework.frameworkId()).isEqualTo(old.frameworkId());
    waiting().until(() -> settled("/takeover/kept", 2) && tasks("/takeover/kept").keySet().equals(before.keySet()));
    tasks("/takeover/kept").forEach((id, t) ->
        assertThat(t.getString("startedAt")).as(id).isEqualTo(before.get(id).getString("startedAt")));
    assertThat(f.get("/v2/apps/takeover/refused").status()).isEqualTo(404);
    // It works: a scale goes through.
    assertThat(f.put("/v2/apps/takeover/kept", new JsonObject().put("instances", 3)).status()).isEqualTo(200);
    waiting().until(() -> settled("/takeover/kept", 3));
    assertThat(tasks("/takeover/kept").keySet()).containsAll(before.keySet());
  }

  @Test
  void aRollingRestartIsTakenUpWhereItWasWithoutRestartingAHealthyInstance() throws Exception {
    // Each instance turns healthy about two seconds after it starts; one is replaced at a time.
    JsonObject check = new JsonObject().put("protocol", "COMMAND").put("command", new JsonObject().put("value",
        "test -f ready")).put("gracePeriodSeconds", 60).put("intervalSeconds", 1).put("timeoutSeconds", 1)
        .put("delaySeconds", 0).put("maxConsecutiveFailures", 3);
    JsonObject app = new JsonObject().put("id", "/takeover/roll").put("cmd", "(sleep 2; touch ready) & exec sleep 600")
        .put("cpus", 0.1).put("mem", 16).put("instances", 3).put("healthChecks", new JsonArray().add(check))
        .put("upgradeStrategy", new JsonObject().put("minimumHealthCapacity", 1.0).put("maximumOverCapacity", 0.0));
    assertThat(f.post("/v2/apps", app).status()).isEqualTo(201);
    waiting().until(() -> settled("/takeover/roll", 3) && f.app("/takeover/roll").getInteger("tasksHealthy") == 3);

    // Every task seen from now on, with its version.
    Map<String, String> seen = new ConcurrentHashMap<>();
    Response restart = f.post("/v2/apps/takeover/roll/restart", null);
    assertThat(restart.status()).isEqualTo(200);
    String deployment = restart.json().getString("deploymentId");
    String next = restart.json().getString("version");
    waiting().until(() -> {
      tasks("/takeover/roll").forEach((id, t) -> seen.put(id, t.getString("version")));
      return tasks("/takeover/roll").values().stream().filter(t -> t.getString("version").equals(next)
          && healthy(t)).count() == 1;
    });
    Map<String, JsonObject> healthyBefore = new LinkedHashMap<>();
    tasks("/takeover/roll").forEach((id, t) -> {
      if (healthy(t)) {
        healthyBefore.put(id, t);
      }
    });

    f.takeOver("second");

    // The same deployment goes on (not a new one begun afresh), and completes.
    JsonArray running = f.get("/v2/deployments").array();
    if (!running.isEmpty()) {
      assertThat(running).extracting(d -> ((JsonObject) d).getString("id")).containsExactly(deployment);
    }
    waiting().until(() -> {
      tasks("/takeover/roll").forEach((id, t) -> seen.put(id, t.getString("version")));
      Map<String, JsonObject> now = tasks("/takeover/roll");
      return f.get("/v2/deployments").array().isEmpty() && now.size() == 3
          && now.values().stream().allMatch(t -> t.getString("version").equals(next) && healthy(t));
    });
    Map<String, JsonObject> after = tasks("/takeover/roll");
    // No healthy instance of the new version was restarted; old ones left only as the restart replaced them.
    healthyBefore.forEach((id, t) -> {
      if (t.getString("version").equals(next)) {
        assertThat(after).as("new-version task %s healthy before the takeover", id).containsKey(id);
        assertThat(after.get(id).getString("startedAt")).isEqualTo(t.getString("startedAt"));
      }
    });
    assertThat(seen.entrySet().stream().filter(e -> e.getValue().equals(next)).map(Map.Entry::getKey))
        .as("new-version tasks ever seen: exactly the three that run").containsExactlyInAnyOrderElementsOf(after.keySet());
  }

  static boolean healthy(JsonObject task) {
    JsonArray results = task.getJsonArray("healthCheckResults");
    return results != null && !results.isEmpty() && results.getJsonObject(0).getBoolean("alive", false);
  }
}
