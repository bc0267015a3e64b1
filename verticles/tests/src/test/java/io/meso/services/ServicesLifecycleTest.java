package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.services.ServicesFixture.Response;
import io.meso.services.deploy.Submission;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the services framework does with apps over time, on a real master and agent running real
 * (cheap) processes: scaling with killSelection, relaunch with backoff after a crash, a rolling
 * restart that keeps the healthy capacity (agent-side COMMAND health checks), the queue's answer
 * for an app that cannot fit, 409 locked and force, cancelling deployments, delete.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServicesLifecycleTest {

  static ServicesFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = ServicesFixture.start("meso-services-lifecycle");
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100));
  }

  static JsonObject sleeper(String id, int instances) {
    return new JsonObject().put("id", id).put("cmd", "sleep 600").put("cpus", 0.1).put("mem", 16)
        .put("instances", instances);
  }

  static List<String> taskIds(String appId) {
    List<String> out = new ArrayList<>();
    f.tasks(appId).forEach(t -> out.add(((JsonObject) t).getString("id")));
    return out;
  }

  static void awaitSettled(String appId, int running) {
    waiting().until(() -> {
      JsonObject app = f.app(appId);
      return app.getInteger("tasksRunning") == running && app.getInteger("tasksStaged") == 0
          && app.getJsonArray("deployments").isEmpty() && f.tasks(appId).size() == running;
    });
  }

  static Optional<JsonObject> queued(String appId, boolean embed) {
    JsonArray queue = f.get("/v2/queue" + (embed ? "?embed=lastUnusedOffers" : "")).json().getJsonArray("queue");
    return queue.stream().map(o -> (JsonObject) o)
        .filter(q -> q.getJsonObject("app").getString("id").equals(appId)).findFirst();
  }

  @Test
  void scalingDownKillsByKillSelection() {
    assertThat(f.post("/v2/apps", sleeper("/life/young", 1)).status()).isEqualTo(201);
    assertThat(f.post("/v2/apps", sleeper("/life/old", 1).put("killSelection", "OLDEST_FIRST")).status())
        .isEqualTo(201);
    awaitSettled("/life/young", 1);
    awaitSettled("/life/old", 1);
    String firstYoung = taskIds("/life/young").get(0);
    String firstOld = taskIds("/life/old").get(0);

    assertThat(f.patch("/v2/apps/life/young", new JsonObject().put("instances", 3)).status()).isEqualTo(200);
    assertThat(f.patch("/v2/apps/life/old", new JsonObject().put("instances", 2)).status()).isEqualTo(200);
    awaitSettled("/life/young", 3);
    awaitSettled("/life/old", 2);
    assertThat(taskIds("/life/young")).contains(firstYoung);

    assertThat(f.patch("/v2/apps/life/young", new JsonObject().put("instances", 1)).status()).isEqualTo(200);
    assertThat(f.patch("/v2/apps/life/old", new JsonObject().put("instances", 1)).status()).isEqualTo(200);
    awaitSettled("/life/young", 1);
    awaitSettled("/life/old", 1);
    assertThat(taskIds("/life/young")).containsExactly(firstYoung);
    assertThat(taskIds("/life/old")).doesNotContain(firstOld).hasSize(1);

    f.delete("/v2/apps/life/young");
    f.delete("/v2/apps/life/old");
  }

  @Test
  void aCrashingTaskIsRelaunchedWithGrowingBackoffAndRecordedAsLastFailure() {
    JsonObject crash = new JsonObject().put("id", "/life/crash").put("cmd", "sleep 0.3; exit 3")
        .put("cpus", 0.1).put("mem", 16).put("backoffSeconds", 2).put("backoffFactor", 2.0)
        .put("maxLaunchDelaySeconds", 60);
    assertThat(f.post("/v2/apps", crash).status()).isEqualTo(201);

    JsonObject first = waiting().until(() -> f.app("/life/crash").getJsonObject("lastTaskFailure"),
        failure -> failure != null);
    assertThat(first.getString("state")).isEqualTo("TASK_FAILED");
    assertThat(first.getString("appId")).isEqualTo("/life/crash");
    assertThat(first.getString("taskId")).startsWith("life_crash.instance-");
    assertThat(first.fieldNames()).contains("host", "message", "timestamp", "version", "slaveId");

    // Held back by the delay, then launched again.
    JsonObject delayed = waiting().until(() -> queued("/life/crash", false).orElse(null),
        q -> q != null && !q.getJsonObject("delay").getBoolean("overdue"));
    assertThat(delayed.getJsonObject("delay").getLong("timeLeftSeconds")).isBetween(0L, 2L);
    JsonObject second = waiting().until(() -> f.app("/life/crash").getJsonObject("lastTaskFailure"),
        failure -> !failure.getString("taskId").equals(first.getString("taskId")));
    // The second delay is twice the first: 4 s, of which at most a moment has passed.
    JsonObject longer = queued("/life/crash", false).orElseThrow();
    assertThat(longer.getJsonObject("delay").getBoolean("overdue")).isFalse();
    assertThat(longer.getJsonObject("delay").getLong("timeLeftSeconds")).as(second.encode()).isGreaterThanOrEqualTo(2L);

    Response reset = f.delete("/v2/queue/life/crash/delay");
    assertThat(reset.status()).isEqualTo(204);
    assertThat(queued("/life/crash", false).map(q -> q.getJsonObject("delay").getBoolean("overdue")))
        .isIn(Optional.empty(), Optional.of(true));
    f.delete("/v2/apps/life/crash");
  }

  @Test
  void aRollingRestartKeepsTheHealthyCapacity() {
    JsonObject check = new JsonObject().put("protocol", "COMMAND").put("command", new JsonObject().put("value", "true"))
        .put("gracePeriodSeconds", 30).put("intervalSeconds", 1).put("timeoutSeconds", 2)
        .put("delaySeconds", 0).put("maxConsecutiveFailures", 3);
    JsonObject app = sleeper("/life/rolling", 2).put("healthChecks", new JsonArray().add(check));
    assertThat(f.post("/v2/apps", app).status()).isEqualTo(201);
    waiting().until(() -> {
      JsonObject a = f.app("/life/rolling");
      return a.getInteger("tasksHealthy") == 2 && a.getJsonArray("deployments").isEmpty();
    });
    JsonObject healthyTask = f.tasks("/life/rolling").getJsonObject(0);
    JsonObject result = healthyTask.getJsonArray("healthCheckResults").getJsonObject(0);
    assertThat(result.getBoolean("alive")).isTrue();
    assertThat(result.getString("instanceId")).isEqualTo(healthyTask.getString("id").replace("._app.1", ""));
    assertThat(result.getString("taskId")).isEqualTo(healthyTask.getString("id"));
    List<String> before = taskIds("/life/rolling");

    Response put = f.put("/v2/apps/life/rolling", new JsonObject().put("env", new JsonObject().put("V", "2")));
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    String version = put.json().getString("version");
    List<Integer> healthySamples = new ArrayList<>();
    waiting().until(() -> {
      JsonObject a = f.app("/life/rolling");
      healthySamples.add(a.getInteger("tasksHealthy"));
      JsonArray tasks = a.getJsonArray("tasks");
      return a.getJsonArray("deployments").isEmpty() && tasks.size() == 2
          && tasks.stream().allMatch(t -> ((JsonObject) t).getString("version").equals(version))
          && a.getInteger("tasksHealthy") == 2;
    });
    assertThat(healthySamples).isNotEmpty().allMatch(h -> h >= 2);
    assertThat(taskIds("/life/rolling")).doesNotContainAnyElementsOf(before);
    f.delete("/v2/apps/life/rolling");
  }

  @Test
  void anAppThatCannotFitWaitsInTheQueueWithReasonsAndLocksItsDeployment() {
    Response created = f.post("/v2/apps", sleeper("/life/big", 1).put("cpus", 100));
    assertThat(created.status()).isEqualTo(201);
    String deploymentId = created.headers().get("Marathon-Deployment-Id");

    JsonObject item = waiting().until(() -> queued("/life/big", true).orElse(null), q -> q != null
        && q.getJsonObject("processedOffersSummary").getInteger("unusedOffersCount") > 0);
    assertThat(item.getInteger("count")).isEqualTo(1);
    assertThat(item.getString("role")).isEqualTo("*");
    assertThat(item.getJsonObject("delay").getBoolean("overdue")).isTrue();
    JsonArray attempts = item.getJsonObject("processedOffersSummary").getJsonArray("rejectSummaryLaunchAttempt");
    JsonObject cpus = attempts.stream().map(o -> (JsonObject) o)
        .filter(s -> s.getString("reason").equals("InsufficientCpus")).findFirst().orElseThrow();
    assertThat(cpus.getInteger("declined")).isPositive();
    assertThat(item.getJsonArray("lastUnusedOffers").getJsonObject(0).getJsonArray("reason"))
        .contains("InsufficientCpus");

    JsonArray deployments = f.get("/v2/deployments").array();
    JsonObject deployment = deployments.stream().map(o -> (JsonObject) o)
        .filter(d -> d.getString("id").equals(deploymentId)).findFirst().orElseThrow();
    assertThat(deployment.getJsonArray("affectedApps")).containsExactly("/life/big");
    JsonObject action = deployment.getJsonArray("currentActions").getJsonObject(0);
    assertThat(action.getString("action")).isEqualTo("ScaleApplication").isEqualTo(action.getString("type"));
    assertThat(deployment.getInteger("currentStep")).isEqualTo(deployment.getInteger("totalSteps"));

    Response locked = f.patch("/v2/apps/life/big", new JsonObject().put("cpus", 0.1));
    assertThat(locked.status()).isEqualTo(409);
    assertThat(locked.json()).isEqualTo(new JsonObject().put("message", Submission.Locked.MESSAGE)
        .put("deployments", new JsonArray().add(new JsonObject().put("id", deploymentId))));

    Response forced = f.patch("/v2/apps/life/big?force=true", new JsonObject().put("cpus", 0.1));
    assertThat(forced.status()).isEqualTo(200);
    awaitSettled("/life/big", 1);
    assertThat(queued("/life/big", false)).isEmpty();
    assertThat(f.get("/v2/deployments").array().stream()
        .noneMatch(d -> ((JsonObject) d).getString("id").equals(deploymentId))).isTrue();
    f.delete("/v2/apps/life/big");
  }

  @Test
  void cancellingADeploymentRevertsItOrStopsItWithForce() {
    Response reverted = f.post("/v2/apps", sleeper("/life/revert", 1).put("cpus", 100));
    String revertId = reverted.headers().get("Marathon-Deployment-Id");
    Response cancel = f.delete("/v2/deployments/" + revertId);
    assertThat(cancel.status()).isEqualTo(200);
    assertThat(cancel.json().fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    // The revert removes the app the cancelled deployment created.
    waiting().until(() -> f.get("/v2/apps/life/revert").status() == 404
        && f.get("/v2/deployments").array().isEmpty());

    Response stopped = f.post("/v2/apps", sleeper("/life/stop", 1).put("cpus", 100));
    Response force = f.delete("/v2/deployments/" + stopped.headers().get("Marathon-Deployment-Id") + "?force=true");
    assertThat(force.status()).isEqualTo(202);
    assertThat(force.body()).isEmpty();
    assertThat(f.get("/v2/deployments").array()).isEmpty();
    assertThat(f.get("/v2/apps/life/stop").status()).isEqualTo(200);
    f.delete("/v2/apps/life/stop");
  }

  @Test
  void deletingAnAppKillsItsTasks() {
    assertThat(f.post("/v2/apps", sleeper("/life/gone", 2)).status()).isEqualTo(201);
    awaitSettled("/life/gone", 2);
    List<String> ids = taskIds("/life/gone");
    Response deleted = f.delete("/v2/apps/life/gone");
    assertThat(deleted.status()).isEqualTo(200);
    waiting().until(() -> f.get("/v2/tasks").json().getJsonArray("tasks").stream()
        .map(t -> ((JsonObject) t).getString("id")).noneMatch(ids::contains));
    assertThat(f.get("/v2/apps/life/gone").status()).isEqualTo(404);
    assertThat(f.get("/v2/deployments").array().stream()
        .noneMatch(d -> ((JsonObject) d).getJsonArray("affectedApps").contains("/life/gone"))).isTrue();
  }
}
