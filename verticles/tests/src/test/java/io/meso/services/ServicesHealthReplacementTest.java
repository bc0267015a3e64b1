package io.meso.services;

import static io.meso.services.ServicesEventsTest.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.services.ServicesFixture.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An instance whose health check starts failing is killed by its agent after
 * maxConsecutiveFailures and replaced by a new task, and lastTaskFailure and /v2/events say so;
 * a launch delay built up by crashes does not hold back the app's next version.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServicesHealthReplacementTest {

  static ServicesFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = ServicesFixture.start("meso-services-health");
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
  }

  @Test
  void anInstanceFailingItsHealthCheckIsKilledAndReplaced() throws Exception {
    Path marker = Files.createTempFile("meso-health", ".ok");
    JsonObject check = new JsonObject().put("protocol", "COMMAND")
        .put("command", new JsonObject().put("value", "test -f " + marker))
        .put("gracePeriodSeconds", 60).put("intervalSeconds", 1).put("timeoutSeconds", 5)
        .put("delaySeconds", 0).put("maxConsecutiveFailures", 2);
    JsonObject app = new JsonObject().put("id", "/health/flaky").put("cmd", "sleep 600").put("cpus", 0.1)
        .put("mem", 16).put("backoffSeconds", 1).put("healthChecks", new JsonArray().add(check));
    assertThat(f.post("/v2/apps", app).status()).isEqualTo(201);
    waiting().until(() -> f.app("/health/flaky").getInteger("tasksHealthy") == 1);
    JsonObject first = f.tasks("/health/flaky").getJsonObject(0);
    String firstTask = first.getString("id");
    String firstInstance = first.getJsonArray("healthCheckResults").getJsonObject(0).getString("instanceId");

    StringBuffer stream = new StringBuffer();
    assertThat(f.openStream("/v2/events", "text/event-stream", stream)).isEqualTo(200);
    waiting().until(() -> !events(stream, "event_stream_attached").isEmpty());

    // The check starts failing: two failures in a row, then the agent kills the task.
    Files.delete(marker);
    JsonObject failure = waiting().until(() -> f.app("/health/flaky").getJsonObject("lastTaskFailure"),
        lastFailure -> lastFailure != null);
    Files.createFile(marker);
    assertThat(failure.getString("taskId")).isEqualTo(firstTask);
    assertThat(failure.getString("state")).isEqualTo("TASK_KILLED");
    assertThat(failure.getString("message")).contains("consecutive failed health checks");
    assertThat(failure.getString("appId")).isEqualTo("/health/flaky");

    // Replaced by a new task (of a new instance), which is healthy again.
    waiting().until(() -> {
      JsonArray tasks = f.tasks("/health/flaky");
      return tasks.size() == 1 && !tasks.getJsonObject(0).getString("id").equals(firstTask)
          && f.app("/health/flaky").getInteger("tasksHealthy") == 1;
    });
    String secondTask = f.tasks("/health/flaky").getJsonObject(0).getString("id");
    assertThat(secondTask).doesNotStartWith(firstInstance);
    assertThat(f.app("/health/flaky").getInteger("instances")).isEqualTo(1);

    assertThat(events(stream, "health_status_changed_event")).anySatisfy(e -> {
      assertThat(e.getString("instanceId")).isEqualTo(firstInstance);
      assertThat(e.getBoolean("alive")).isFalse();
    });
    JsonObject kill = waiting().until(() -> events(stream, "unhealthy_instance_kill_event").stream().findFirst(),
        Optional::isPresent).orElseThrow();
    assertThat(kill.getString("appId")).isEqualTo("/health/flaky");
    assertThat(kill.getString("taskId")).isEqualTo(firstTask);
    assertThat(kill.getString("instanceId")).isEqualTo(firstInstance);
    assertThat(kill.getString("reason")).contains("consecutive failed health checks");
    assertThat(kill.getString("slaveId")).isNotEmpty();
    assertThat(events(stream, "status_update_event")).anySatisfy(e -> {
      assertThat(e.getString("taskId")).isEqualTo(firstTask);
      assertThat(e.getString("taskStatus")).isEqualTo("TASK_KILLED");
    }).anySatisfy(e -> {
      assertThat(e.getString("taskId")).isEqualTo(secondTask);
      assertThat(e.getString("taskStatus")).isEqualTo("TASK_RUNNING");
    });
    f.delete("/v2/apps/health/flaky");
    Files.deleteIfExists(marker);
  }

  @Test
  void aNewVersionIsNotHeldBackByTheLaunchDelayOfTheOldOne() {
    // An hour's backoff after the first crash: only a reset lets the next launch go within the test.
    JsonObject crash = new JsonObject().put("id", "/health/backoff").put("cmd", "sleep 0.2; exit 3")
        .put("cpus", 0.1).put("mem", 16).put("backoffSeconds", 3600).put("maxLaunchDelaySeconds", 3600);
    assertThat(f.post("/v2/apps", crash).status()).isEqualTo(201);
    JsonObject delayed = waiting().until(() -> queued("/health/backoff"),
        q -> q != null && !q.getJsonObject("delay").getBoolean("overdue"));
    assertThat(delayed.getJsonObject("delay").getLong("timeLeftSeconds")).isGreaterThan(60L);
    String crashed = f.app("/health/backoff").getJsonObject("lastTaskFailure").getString("taskId");

    Response fixed = f.patch("/v2/apps/health/backoff?force=true", new JsonObject().put("cmd", "sleep 600"));
    assertThat(fixed.status()).as(fixed.toString()).isEqualTo(200);
    String version = fixed.json().getString("version");
    waiting().until(() -> {
      JsonArray tasks = f.tasks("/health/backoff");
      return tasks.size() == 1 && tasks.getJsonObject(0).getString("version").equals(version)
          && tasks.getJsonObject(0).getString("state").equals("TASK_RUNNING");
    });
    assertThat(f.tasks("/health/backoff").getJsonObject(0).getString("id")).isNotEqualTo(crashed);
    waiting().until(() -> queued("/health/backoff") == null && f.get("/v2/deployments").array().isEmpty());
    f.delete("/v2/apps/health/backoff");
  }

  static JsonObject queued(String appId) {
    return f.get("/v2/queue").json().getJsonArray("queue").stream().map(o -> (JsonObject) o)
        .filter(q -> q.getJsonObject("app").getString("id").equals(appId)).findFirst().orElse(null);
  }
}
