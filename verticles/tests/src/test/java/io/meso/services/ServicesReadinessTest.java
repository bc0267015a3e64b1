package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.services.ServicesFixture.Response;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Readiness checks gate a deployment: the framework GETs the check's path on the task's port
 * named by the check, shows each answer in the deployment's currentActions, and the deployment
 * finishes only once the answer is ready. The task's fixed host port (requirePorts) is served by
 * the test itself, so it decides when the instance becomes ready.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServicesReadinessTest {

  static final int PORT = 31050;
  static ServicesFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = ServicesFixture.start("meso-services-readiness");
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void aDeploymentWaitsForTheReadinessCheck() throws Exception {
    JsonObject app = new JsonObject().put("id", "/ready/web").put("cmd", "sleep 600").put("cpus", 0.1)
        .put("mem", 16).put("requirePorts", true)
        .put("portDefinitions", new JsonArray().add(new JsonObject().put("port", PORT).put("name", "http-api")))
        .put("readinessChecks", new JsonArray().add(new JsonObject().put("name", "warm").put("portName", "http-api")
            .put("path", "/ready").put("intervalSeconds", 2).put("timeoutSeconds", 1)));
    Response created = f.post("/v2/apps", app);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String deploymentId = created.headers().get("Marathon-Deployment-Id");

    JsonObject notReady = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> readiness(deploymentId), r -> r != null);
    assertThat(notReady.getString("name")).isEqualTo("warm");
    assertThat(notReady.getBoolean("ready")).isFalse();
    assertThat(f.app("/ready/web").getInteger("tasksRunning")).isEqualTo(1);
    JsonObject task = f.tasks("/ready/web").getJsonObject(0);
    assertThat(task.getJsonArray("ports")).containsExactly(PORT);
    assertThat(notReady.getString("taskId")).isEqualTo(task.getString("id").replace("._app.1", ""));

    HttpServer server = f.vertx.createHttpServer()
        .requestHandler(req -> req.response().setStatusCode(req.path().equals("/ready") ? 200 : 404).end("ok"))
        .listen(PORT, ServicesFixture.HOST).await(30, TimeUnit.SECONDS);
    try {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> f.get("/v2/deployments").array().isEmpty());
      assertThat(f.app("/ready/web").getInteger("tasksRunning")).isEqualTo(1);
    } finally {
      server.close().await(30, TimeUnit.SECONDS);
    }
    f.delete("/v2/apps/ready/web");
  }

  /** The first readiness result shown for the deployment's current action, or null. */
  private static JsonObject readiness(String deploymentId) {
    for (Object o : f.get("/v2/deployments").array()) {
      JsonObject d = (JsonObject) o;
      if (d.getString("id").equals(deploymentId) && !d.getJsonArray("currentActions").isEmpty()) {
        JsonArray results = d.getJsonArray("currentActions").getJsonObject(0).getJsonArray("readinessCheckResults");
        return results.isEmpty() ? null : results.getJsonObject(0);
      }
    }
    return null;
  }
}
