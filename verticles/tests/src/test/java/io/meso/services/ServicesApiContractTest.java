package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.services.ServicesFixture.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The /v2 REST contract, endpoint by endpoint: statuses, headers, body shapes and Marathon's error
 * bodies (400 Invalid JSON, 422 details, 404 and 409 texts), against a real master and agent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServicesApiContractTest {

  static ServicesFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = ServicesFixture.start("meso-services-contract");
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  static JsonObject sleeper(String id, int instances) {
    return new JsonObject().put("id", id).put("cmd", "sleep 600").put("cpus", 0.1).put("mem", 16)
        .put("instances", instances);
  }

  static void awaitRunning(String id, int n) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> f.app(id).getInteger("tasksRunning"), r -> r == n);
  }

  @Test
  void pingInfoAndLeader() {
    Response ping = f.get("/ping");
    assertThat(ping.status()).isEqualTo(200);
    assertThat(ping.body()).isEqualTo("pong");
    assertThat(ping.headers().get("Content-Type")).startsWith("text/plain");

    JsonObject info = f.get("/v2/info").json();
    assertThat(info.getString("name")).isEqualTo("meso-services");
    assertThat(info.getBoolean("elected")).isTrue();
    assertThat(info.getString("frameworkId")).isNotEmpty();
    assertThat(info.fieldNames()).contains("version", "buildref", "leader", "marathon_config",
        "zookeeper_config", "http_config");
    assertThat(f.get("/v2/leader").json().getString("leader")).isEqualTo(info.getString("leader"))
        .startsWith("127.0.0.1:");
  }

  @Test
  void createRejectsBadBodiesWithMarathonsShapes() {
    Response notJson = f.post("/v2/apps", "{not json");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json()).isEqualTo(new JsonObject().put("message", "Invalid JSON"));

    Response invalid = f.post("/v2/apps", new JsonObject().put("id", "/bad").put("cmd", "x").put("cpus", -1));
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.json().getString("message")).isEqualTo("Object is not valid");
    JsonArray details = invalid.json().getJsonArray("details");
    assertThat(details.getJsonObject(0).getString("path")).isEqualTo("/cpus");
    assertThat(details.getJsonObject(0).getJsonArray("errors")).isNotEmpty();

    Response neither = f.post("/v2/apps", new JsonObject().put("id", "/nocmd"));
    assertThat(neither.status()).isEqualTo(422);
    assertThat(neither.json().getJsonArray("details").getJsonObject(0).getString("path")).isEqualTo("/");
  }

  @Test
  void createGetListVersionsAndDelete() {
    Response created = f.post("/v2/apps", sleeper("/contract/web", 1));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.headers().get("Location")).isEqualTo("/v2/apps/contract/web");
    String deploymentId = created.headers().get("Marathon-Deployment-Id");
    assertThat(deploymentId).isNotEmpty();
    JsonObject app = created.json();
    assertThat(app.getString("id")).isEqualTo("/contract/web");
    assertThat(app.getString("version")).isNotEmpty();
    assertThat(app.getInteger("tasksRunning")).isZero();
    assertThat(app.getJsonArray("deployments"))
        .isEqualTo(new JsonArray().add(new JsonObject().put("id", deploymentId)));

    Response again = f.post("/v2/apps", sleeper("/contract/web", 1));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().getString("message")).isEqualTo("An app with id [/contract/web] already exists.");

    awaitRunning("/contract/web", 1);
    JsonObject one = f.app("/contract/web");
    assertThat(one.getJsonArray("tasks")).hasSize(1);
    JsonObject task = one.getJsonArray("tasks").getJsonObject(0);
    assertThat(task.getString("id")).matches("contract_web\\.instance-[0-9a-f-]{36}\\._app\\.1");
    assertThat(task.getString("appId")).isEqualTo("/contract/web");
    assertThat(task.getString("slaveId")).isNotEmpty().isEqualTo(task.getString("agentId"));
    assertThat(task.getString("state")).isEqualTo("TASK_RUNNING");
    assertThat(task.getJsonArray("ports")).hasSize(1);
    assertThat(task.getString("stagedAt")).isNotEmpty();
    assertThat(task.getString("startedAt")).isNotEmpty();
    assertThat(task.getString("version")).isEqualTo(app.getString("version"));

    JsonArray listed = f.get("/v2/apps?id=CONTRACT/W").json().getJsonArray("apps");
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).getString("id")).isEqualTo("/contract/web");
    assertThat(listed.getJsonObject(0).containsKey("tasks")).isFalse();
    assertThat(f.get("/v2/apps?embed=apps.tasks&id=contract/web").json().getJsonArray("apps")
        .getJsonObject(0).getJsonArray("tasks")).hasSize(1);
    assertThat(f.get("/v2/apps?cmd=nothing-like-this").json().getJsonArray("apps")).isEmpty();

    JsonArray versions = f.get("/v2/apps/contract/web/versions").json().getJsonArray("versions");
    assertThat(versions).containsExactly(app.getString("version"));
    Response version = f.get("/v2/apps/contract/web/versions/" + app.getString("version"));
    assertThat(version.status()).isEqualTo(200);
    assertThat(version.json().getString("cmd")).isEqualTo("sleep 600");
    assertThat(f.get("/v2/apps/contract/web/versions/2001-01-01T00:00:00.000Z").status()).isEqualTo(404);

    assertThat(f.get("/v2/tasks?status=running").json().getJsonArray("tasks").stream()
        .map(t -> ((JsonObject) t).getString("id"))).contains(task.getString("id"));
    assertThat(f.get("/v2/tasks?status=staging").json().getJsonArray("tasks").stream()
        .map(t -> ((JsonObject) t).getString("id"))).doesNotContain(task.getString("id"));

    Response deleted = f.delete("/v2/apps/contract/web");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    assertThat(deleted.headers().get("Marathon-Deployment-Id")).isEqualTo(deleted.json().getString("deploymentId"));
    assertThat(f.get("/v2/apps/contract/web").status()).isEqualTo(404);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> f.get("/v2/tasks").json().getJsonArray("tasks").stream()
            .noneMatch(t -> ((JsonObject) t).getString("appId").equals("/contract/web")));
  }

  @Test
  void notFoundAnswersUseMarathonsTexts() {
    Response app = f.get("/v2/apps/nope/nothing");
    assertThat(app.status()).isEqualTo(404);
    assertThat(app.json().getString("message")).isEqualTo("App '/nope/nothing' does not exist");
    assertThat(f.get("/v2/apps/nope/versions").status()).isEqualTo(404);
    assertThat(f.get("/v2/apps/nope/tasks").status()).isEqualTo(404);
    assertThat(f.patch("/v2/apps/nope", new JsonObject().put("instances", 2)).status()).isEqualTo(404);
    assertThat(f.delete("/v2/apps/nope").status()).isEqualTo(404);
    assertThat(f.post("/v2/apps/nope/restart", null).status()).isEqualTo(404);

    Response deployment = f.delete("/v2/deployments/no-such-id");
    assertThat(deployment.status()).isEqualTo(404);
    assertThat(deployment.json().getString("message")).isEqualTo("DeploymentPlan no-such-id does not exist");

    Response queue = f.delete("/v2/queue/nope/delay");
    assertThat(queue.status()).isEqualTo(404);
    assertThat(queue.json().getString("message")).isEqualTo("Application /nope not found in tasks queue.");

    Response badId = f.post("/v2/tasks/delete", new JsonObject().put("ids", new JsonArray().add("garbage")));
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.json().getString("message")).isEqualTo("Invalid task id 'garbage'");
  }

  @Test
  void putCreatesAndUpdatesPatchMergesAndTasksCanBeKilled() {
    Response created = f.put("/v2/apps/contract/put", sleeper("ignored", 1));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    awaitRunning("/contract/put", 1);

    Response taskMissing = f.delete("/v2/apps/contract/put/tasks/contract_put.instance-x._app.1");
    assertThat(taskMissing.status()).isEqualTo(404);
    assertThat(taskMissing.json().getString("message"))
        .isEqualTo("Task 'contract_put.instance-x._app.1' does not exist");
    assertThat(f.delete("/v2/apps/contract/put/tasks?scale=true&wipe=true").status()).isEqualTo(400);

    Response patched = f.patch("/v2/apps/contract/put", new JsonObject().put("labels",
        new JsonObject().put("tier", "web")));
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    assertThat(patched.headers().get("Marathon-Deployment-Id")).isEqualTo(patched.json().getString("deploymentId"));
    JsonObject app = f.app("/contract/put");
    assertThat(app.getJsonObject("labels").getString("tier")).isEqualTo("web");
    assertThat(app.getString("cmd")).isEqualTo("sleep 600");
    assertThat(f.get("/v2/apps?label=tier==web").json().getJsonArray("apps")).hasSize(1);
    assertThat(f.get("/v2/apps?label=tier!=web").json().getJsonArray("apps")).isEmpty();
    assertThat(f.get("/v2/apps?label=tier%20in%20(db,%20web)").json().getJsonArray("apps")).hasSize(1);

    // A label change is a config change: the task is replaced by one of the new version.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      JsonArray tasks = f.tasks("/contract/put");
      return tasks.size() == 1 && tasks.getJsonObject(0).getString("version").equals(
          patched.json().getString("version")) && tasks.getJsonObject(0).getString("state").equals("TASK_RUNNING")
          && f.get("/v2/deployments").array().isEmpty();
    });

    String taskId = f.tasks("/contract/put").getJsonObject(0).getString("id");
    Response killed = f.delete("/v2/apps/contract/put/tasks/" + taskId);
    assertThat(killed.status()).isEqualTo(200);
    assertThat(killed.json().getJsonObject("task").getString("id")).isEqualTo(taskId);
    // Killed without scale: replaced by a new task.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      JsonArray tasks = f.tasks("/contract/put");
      return tasks.size() == 1 && !tasks.getJsonObject(0).getString("id").equals(taskId)
          && tasks.getJsonObject(0).getString("state").equals("TASK_RUNNING");
    });
    assertThat(f.app("/contract/put").getInteger("instances")).isEqualTo(1);

    String second = f.tasks("/contract/put").getJsonObject(0).getString("id");
    Response viaDelete = f.post("/v2/tasks/delete?scale=true", new JsonObject().put("ids", new JsonArray().add(second)));
    assertThat(viaDelete.status()).as(viaDelete.toString()).isEqualTo(200);
    assertThat(viaDelete.json().fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> f.tasks("/contract/put").isEmpty());
    assertThat(f.app("/contract/put").getInteger("instances")).isZero();
    f.delete("/v2/apps/contract/put");
  }

  @Test
  void restartReplacesTheTasksAndAVersionCanBeRolledBackTo() {
    Response created = f.post("/v2/apps", sleeper("/contract/roll", 1));
    String v1 = created.json().getString("version");
    awaitRunning("/contract/roll", 1);
    String first = f.tasks("/contract/roll").getJsonObject(0).getString("id");

    Response restarted = f.post("/v2/apps/contract/roll/restart", null);
    assertThat(restarted.status()).as(restarted.toString()).isEqualTo(200);
    assertThat(restarted.json().fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      JsonArray tasks = f.tasks("/contract/roll");
      return tasks.size() == 1 && !tasks.getJsonObject(0).getString("id").equals(first)
          && tasks.getJsonObject(0).getString("state").equals("TASK_RUNNING")
          && f.get("/v2/deployments").array().isEmpty();
    });
    assertThat(f.app("/contract/roll").getJsonObject("versionInfo").getString("lastConfigChangeAt"))
        .isEqualTo(restarted.json().getString("version"));

    Response changed = f.patch("/v2/apps/contract/roll", new JsonObject().put("cmd", "sleep 601"));
    assertThat(changed.status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> f.get("/v2/deployments").array().isEmpty());
    assertThat(f.get("/v2/apps/contract/roll/versions").json().getJsonArray("versions"))
        .hasSize(3).contains(v1, changed.json().getString("version"));

    Response unknown = f.put("/v2/apps/contract/roll", new JsonObject().put("version", "2001-01-01T00:00:00.000Z"));
    assertThat(unknown.status()).isEqualTo(404);
    Response rolledBack = f.put("/v2/apps/contract/roll", new JsonObject().put("version", v1));
    assertThat(rolledBack.status()).as(rolledBack.toString()).isEqualTo(200);
    assertThat(f.app("/contract/roll").getString("cmd")).isEqualTo("sleep 600");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      JsonArray tasks = f.tasks("/contract/roll");
      return tasks.size() == 1 && tasks.getJsonObject(0).getString("version")
          .equals(rolledBack.json().getString("version")) && f.get("/v2/deployments").array().isEmpty();
    });
    f.delete("/v2/apps/contract/roll");
  }
}
