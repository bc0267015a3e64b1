package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.services.ServicesFixture.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The /v2 REST contract, endpoint by endpoint: statuses, headers, body shapes and Marathon's error
 * bodies (400 Invalid JSON, 422 details, 404 and 409 texts), against a real master and agent:
 * apps (one, and arrays in PUT/PATCH), label selectors, versions, task kills (by id, host, with
 * scale or wipe, POST /v2/tasks/delete), tasks by status, the queue, deployment cancels. Groups
 * are {@link ServicesGroupsApiTest}; the Java client is {@link MarathonClientCompatTest}.
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
    Response unknownVersion = f.get("/v2/apps/contract/web/versions/2001-01-01T00:00:00.000Z");
    assertThat(unknownVersion.status()).isEqualTo(404);
    assertThat(unknownVersion.json().getString("message"))
        .isEqualTo("App '/contract/web' does not exist in version 2001-01-01T00:00:00.000Z");
    // Percent-encoded as Feign-based clients send it.
    assertThat(f.get("/v2/apps/contract%2Fweb/versions/" + app.getString("version").replace(":", "%3A")).json()
        .getString("version")).isEqualTo(app.getString("version"));

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

    // Anything else under /v2 answers JSON too (marathon-client cannot read a 4xx without it).
    Response unknown = f.get("/v2/eventSubscriptions");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json()).isEqualTo(new JsonObject().put("message", "URI not found"));
    Response tooLarge = f.post("/v2/apps", "x".repeat(2 * 1024 * 1024));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.json().getString("message")).contains("at most 1048576 bytes");

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

  static JsonArray details(Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.json().getString("message")).isEqualTo("Object is not valid");
    return r.json().getJsonArray("details");
  }

  static List<String> paths(Response r) {
    return details(r).stream().map(d -> ((JsonObject) d).getString("path")).toList();
  }

  static List<String> ids(JsonArray tasks) {
    return tasks.stream().map(t -> ((JsonObject) t).getString("id")).toList();
  }

  @Test
  void invalidFieldsAre422sNamingTheirPaths() {
    record Case(JsonObject body, String path) {}
    List<Case> cases = List.of(
        new Case(sleeper("/contract/bad", 1).put("mem", "lots"), "/mem"),
        new Case(sleeper("/contract/bad", -1), "/instances"),
        new Case(sleeper("/contract/Bad_Id", 1), "/id"),
        new Case(sleeper("/contract/bad", 1).put("constraints", new JsonArray().add(new JsonArray().add("hostname")
            .add("MAX_PER"))), "/constraints(0)"),
        new Case(sleeper("/contract/bad", 1).put("healthChecks", new JsonArray().add(new JsonObject()
            .put("protocol", "GOPHER"))), "/healthChecks(0)/protocol"),
        new Case(sleeper("/contract/bad", 1).put("portDefinitions", new JsonArray().add(new JsonObject()
            .put("port", 70000))), "/portDefinitions(0)/port"),
        new Case(sleeper("/contract/bad", 1).put("env", new JsonObject().put("X", 1)), "/env/X"),
        new Case(sleeper("/contract/bad", 1).put("upgradeStrategy", new JsonObject()
            .put("minimumHealthCapacity", 2)), "/upgradeStrategy/minimumHealthCapacity"));
    for (Case c : cases) {
      Response r = f.post("/v2/apps", c.body());
      assertThat(paths(r)).as(c.body().encode()).containsExactly(c.path());
      assertThat(details(r).getJsonObject(0).getJsonArray("errors").getString(0)).as(r.toString()).isNotEmpty();
    }
    // Several at once: one detail per path.
    assertThat(paths(f.post("/v2/apps", sleeper("/contract/bad", 1).put("cpus", 0).put("disk", -1))))
        .containsExactlyInAnyOrder("/cpus", "/disk");
    assertThat(f.get("/v2/apps/contract/bad").status()).isEqualTo(404);

    for (String path : List.of("/v2/apps/contract/bad", "/v2/apps")) {
      Response put = f.put(path, "{not json");
      assertThat(put.status()).as(path).isEqualTo(400);
      assertThat(put.json()).isEqualTo(new JsonObject().put("message", "Invalid JSON"));
    }
    assertThat(f.patch("/v2/apps", "[{").json()).isEqualTo(new JsonObject().put("message", "Invalid JSON"));
  }

  @Test
  void labelSelectorsFilterTheAppList() {
    assertThat(f.post("/v2/apps", sleeper("/contract/lab/a", 0).put("labels", new JsonObject().put("tier", "web")
        .put("env", "prod"))).status()).isEqualTo(201);
    assertThat(f.post("/v2/apps", sleeper("/contract/lab/b", 0).put("labels", new JsonObject().put("tier", "db")))
        .status()).isEqualTo(201);
    Function<String, List<String>> select = selector -> f.get("/v2/apps?id=contract/lab&label="
        + URLEncoder.encode(selector, StandardCharsets.UTF_8)).json().getJsonArray("apps")
        .stream().map(a -> ((JsonObject) a).getString("id")).sorted().toList();
    assertThat(select.apply("tier")).containsExactly("/contract/lab/a", "/contract/lab/b");
    assertThat(select.apply("env")).containsExactly("/contract/lab/a");
    assertThat(select.apply("tier==db")).containsExactly("/contract/lab/b");
    assertThat(select.apply("tier!=db")).containsExactly("/contract/lab/a");
    assertThat(select.apply("env!=dev")).as("!= needs the label").containsExactly("/contract/lab/a");
    assertThat(select.apply("tier in (web, db)")).containsExactly("/contract/lab/a", "/contract/lab/b");
    assertThat(select.apply("tier notin (web)")).containsExactly("/contract/lab/b");
    assertThat(select.apply("tier==web,env==prod")).containsExactly("/contract/lab/a");
    assertThat(select.apply("tier==web,env==dev")).isEmpty();
    Response bad = f.get("/v2/apps?label=tier%3Dweb");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().getString("message")).startsWith("Can not parse label selector tier=web. Reason: ");
    f.delete("/v2/apps/contract/lab/a");
    f.delete("/v2/apps/contract/lab/b");
  }

  @Test
  void putAndPatchOfAnArrayOfAppsAreOneDeployment() {
    JsonArray both = new JsonArray().add(sleeper("/contract/arr/a", 1)).add(sleeper("/contract/arr/b", 1).put("cpus", 100));
    Response put = f.put("/v2/apps", both);
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.json().fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    String deploymentId = put.json().getString("deploymentId");
    assertThat(put.headers().get("Marathon-Deployment-Id")).isEqualTo(deploymentId);
    assertThat(f.app("/contract/arr/a").getString("version")).isEqualTo(put.json().getString("version"));
    assertThat(f.app("/contract/arr/b").getString("version")).isEqualTo(put.json().getString("version"));
    // /contract/arr/b cannot fit, so the one deployment of both stays.
    JsonObject deployment = f.get("/v2/deployments").array().stream().map(d -> (JsonObject) d)
        .filter(d -> d.getString("id").equals(deploymentId)).findFirst().orElseThrow();
    assertThat(deployment.getJsonArray("affectedApps")).containsExactly("/contract/arr/a", "/contract/arr/b");

    JsonArray patch = new JsonArray().add(new JsonObject().put("id", "/contract/arr/a").put("instances", 2))
        .add(new JsonObject().put("id", "contract/arr/b").put("cpus", 0.1));
    Response locked = f.patch("/v2/apps", patch);
    assertThat(locked.status()).isEqualTo(409);
    assertThat(locked.json().getJsonArray("deployments"))
        .containsExactly(new JsonObject().put("id", deploymentId));
    Response patched = f.patch("/v2/apps?force=true", patch);
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    assertThat(patched.json().fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    JsonObject a = f.app("/contract/arr/a");
    assertThat(a.getInteger("instances")).isEqualTo(2);
    assertThat(a.getString("cmd")).as("PATCH keeps what it leaves out").isEqualTo("sleep 600");
    awaitRunning("/contract/arr/a", 2);
    awaitRunning("/contract/arr/b", 1);

    Response missing = f.patch("/v2/apps", new JsonArray().add(new JsonObject().put("id", "/contract/arr/none")
        .put("instances", 1)));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getString("message")).isEqualTo("App '/contract/arr/none' does not exist");
    assertThat(paths(f.put("/v2/apps", new JsonArray().add(new JsonObject().put("id", "/contract/arr/a")
        .put("cpus", -1)).add(new JsonObject().put("cmd", "x"))))).containsExactly("/(0)/cpus", "/(1)/id");
    assertThat(paths(f.put("/v2/apps", sleeper("/contract/arr/c", 1)))).containsExactly("/");

    // partialUpdate=false: each element a whole definition, defaults for what it leaves out.
    Response replaced = f.put("/v2/apps?partialUpdate=false&force=true", new JsonArray()
        .add(new JsonObject().put("id", "/contract/arr/a").put("cmd", "sleep 601").put("cpus", 0.1).put("mem", 16)));
    assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
    assertThat(f.app("/contract/arr/a").getInteger("instances")).isEqualTo(1);
    f.delete("/v2/apps/contract/arr/a");
    f.delete("/v2/apps/contract/arr/b");
  }

  @Test
  void deletingTasksByHostWithScaleOrWipeAndByIds() {
    assertThat(f.post("/v2/apps", sleeper("/contract/kill", 2)).status()).isEqualTo(201);
    awaitRunning("/contract/kill", 2);
    List<String> first = ids(f.tasks("/contract/kill"));

    Response elsewhere = f.delete("/v2/apps/contract/kill/tasks?host=elsewhere.example");
    assertThat(elsewhere.status()).isEqualTo(200);
    assertThat(elsewhere.json()).isEqualTo(new JsonObject().put("tasks", new JsonArray()));
    for (String path : List.of("/v2/apps/contract/kill/tasks?scale=true&wipe=true",
        "/v2/apps/contract/kill/tasks/" + first.get(0) + "?scale=true&wipe=true")) {
      Response both = f.delete(path);
      assertThat(both.status()).as(path).isEqualTo(400);
      assertThat(both.json().getString("message")).isEqualTo("You cannot use scale and wipe at the same time.");
    }
    Response scaleWipeIds = f.post("/v2/tasks/delete?scale=true&wipe=true",
        new JsonObject().put("ids", new JsonArray().add(first.get(0))));
    assertThat(scaleWipeIds.status()).isEqualTo(400);

    Response wiped = f.delete("/v2/apps/contract/kill/tasks?host=" + ServicesFixture.HOST + "&wipe=true");
    assertThat(wiped.status()).isEqualTo(200);
    assertThat(wiped.json().fieldNames()).containsExactly("tasks");
    assertThat(ids(wiped.json().getJsonArray("tasks"))).containsExactlyInAnyOrderElementsOf(first);
    JsonObject killed = wiped.json().getJsonArray("tasks").getJsonObject(0);
    assertThat(killed.fieldNames()).contains("id", "appId", "host", "ports", "slaveId", "agentId", "state",
        "stagedAt", "version", "healthCheckResults");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      List<String> now = ids(f.tasks("/contract/kill"));
      return now.size() == 2 && now.stream().noneMatch(first::contains)
          && f.app("/contract/kill").getInteger("tasksRunning") == 2;
    });
    assertThat(f.app("/contract/kill").getInteger("instances")).isEqualTo(2);

    // GET /v2/tasks by status: running and staging (also status[]); anything else is ignored.
    List<String> running = ids(f.tasks("/contract/kill"));
    assertThat(ids(f.get("/v2/tasks?status[]=running").json().getJsonArray("tasks"))).containsAll(running);
    assertThat(ids(f.get("/v2/tasks?status=staging&status=running").json().getJsonArray("tasks")))
        .containsAll(running);
    assertThat(ids(f.get("/v2/tasks?status=bogus").json().getJsonArray("tasks"))).containsAll(running);

    Response unknownIds = f.post("/v2/tasks/delete", new JsonObject().put("ids", new JsonArray()
        .add("contract_kill.instance-00000000-0000-0000-0000-000000000000._app.1")));
    assertThat(unknownIds.status()).isEqualTo(200);
    assertThat(unknownIds.json()).isEqualTo(new JsonObject().put("tasks", new JsonArray()));
    Response noIds = f.post("/v2/tasks/delete", new JsonObject());
    assertThat(noIds.status()).isEqualTo(400);
    Response byId = f.post("/v2/tasks/delete", new JsonObject().put("ids", new JsonArray().add(running.get(0))));
    assertThat(byId.status()).isEqualTo(200);
    assertThat(ids(byId.json().getJsonArray("tasks"))).containsExactly(running.get(0));

    Response scaled = f.delete("/v2/apps/contract/kill/tasks?scale=true");
    assertThat(scaled.status()).as(scaled.toString()).isEqualTo(200);
    assertThat(scaled.json().fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    assertThat(scaled.headers().get("Marathon-Deployment-Id")).isEqualTo(scaled.json().getString("deploymentId"));
    assertThat(f.app("/contract/kill").getInteger("instances")).isZero();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> f.tasks("/contract/kill").isEmpty());
    f.delete("/v2/apps/contract/kill");
  }

  @Test
  void theQueueShowsAWaitingAppWithAndWithoutItsLastUnusedOffers() {
    Response created = f.post("/v2/apps", sleeper("/contract/wait", 1).put("cpus", 100));
    String deploymentId = created.headers().get("Marathon-Deployment-Id");
    JsonObject item = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> queued("/contract/wait", ""), q -> q != null
            && q.getJsonObject("processedOffersSummary").getInteger("unusedOffersCount") > 0);
    assertThat(item.fieldNames()).containsExactlyInAnyOrder("app", "count", "role", "delay", "since",
        "processedOffersSummary");
    assertThat(item.getJsonObject("app").getString("id")).isEqualTo("/contract/wait");
    assertThat(item.getJsonObject("delay").fieldNames()).containsExactlyInAnyOrder("timeLeftSeconds", "overdue");
    assertThat(item.getJsonObject("processedOffersSummary").fieldNames()).contains("processedOffersCount",
        "unusedOffersCount", "lastUnusedOfferAt", "rejectSummaryLastOffers", "rejectSummaryLaunchAttempt");

    JsonObject embedded = queued("/contract/wait", "?embed=lastUnusedOffers");
    JsonObject unused = embedded.getJsonArray("lastUnusedOffers").getJsonObject(0);
    assertThat(unused.fieldNames()).containsExactlyInAnyOrder("offer", "reason", "timestamp");
    assertThat(unused.getJsonObject("offer").fieldNames()).contains("id", "agentId", "hostname");
    assertThat(unused.getJsonObject("offer").getString("hostname")).isEqualTo(ServicesFixture.HOST);
    assertThat(unused.getJsonArray("reason")).contains("InsufficientCpus");

    // Cancelled without rollback: 202 and no body; then the deployment is gone, both ways.
    Response stopped = f.delete("/v2/deployments/" + deploymentId + "?force=true");
    assertThat(stopped.status()).isEqualTo(202);
    assertThat(stopped.body()).isEmpty();
    for (String query : List.of("", "?force=true")) {
      Response gone = f.delete("/v2/deployments/" + deploymentId + query);
      assertThat(gone.status()).isEqualTo(404);
      assertThat(gone.json()).isEqualTo(new JsonObject().put("message",
          "DeploymentPlan " + deploymentId + " does not exist"));
    }
    f.delete("/v2/apps/contract/wait");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> queued("/contract/wait", "") == null);
  }

  static JsonObject queued(String appId, String query) {
    return f.get("/v2/queue" + query).json().getJsonArray("queue").stream().map(o -> (JsonObject) o)
        .filter(q -> q.getJsonObject("app").getString("id").equals(appId)).findFirst().orElse(null);
  }
}
