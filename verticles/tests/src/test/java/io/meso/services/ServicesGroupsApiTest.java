package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.services.ServicesFixture.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The /v2/groups contract against a real master and agent: the tree built from app ids with
 * Marathon's GroupInfo shape and embeds, POST/PUT of nested apps and groups as one deployment,
 * scaleBy, dryRun, DELETE, and the 404/409/422/400 answers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServicesGroupsApiTest {

  static ServicesFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = ServicesFixture.start("meso-services-groups");
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

  static List<String> ids(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  static List<String> paths(Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.json().getString("message")).isEqualTo("Object is not valid");
    return r.json().getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")).toList();
  }

  @Test
  void aGroupIsCreatedShownUpdatedScaledAndDeletedAsOneDeploymentEach() {
    JsonObject shop = new JsonObject().put("id", "/shop")
        .put("apps", new JsonArray().add(sleeper("front", 1)))
        .put("groups", new JsonArray().add(new JsonObject().put("id", "back")
            .put("apps", new JsonArray().add(sleeper("/shop/back/api", 1).put("cpus", 100)))));
    Response created = f.post("/v2/groups", shop);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.headers().get("Location")).isEqualTo("/v2/groups/shop");
    assertThat(created.json().fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    String deploymentId = created.json().getString("deploymentId");
    assertThat(created.headers().get("Marathon-Deployment-Id")).isEqualTo(deploymentId);
    // /shop/back/api cannot fit: the one deployment of both apps stays.
    JsonObject deployment = f.get("/v2/deployments").array().stream().map(d -> (JsonObject) d)
        .filter(d -> d.getString("id").equals(deploymentId)).findFirst().orElseThrow();
    assertThat(deployment.getJsonArray("affectedApps")).containsExactly("/shop/back/api", "/shop/front");
    assertThat(deployment.getString("version")).isEqualTo(created.json().getString("version"));

    Response again = f.post("/v2/groups", shop);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().getString("message")).isEqualTo("Group /shop is already created. Use PUT to change this group.");
    Response appPath = f.post("/v2/groups", new JsonObject().put("id", "/shop/front"));
    assertThat(appPath.status()).isEqualTo(409);
    assertThat(appPath.json().getString("message")).isEqualTo("An app with the path /shop/front already exists.");

    JsonObject group = f.get("/v2/groups/shop").json();
    assertThat(group.fieldNames()).containsExactlyInAnyOrder("id", "apps", "groups", "pods", "dependencies", "version");
    assertThat(group.getString("id")).isEqualTo("/shop");
    assertThat(group.getString("version")).isEqualTo(created.json().getString("version"));
    assertThat(ids(group.getJsonArray("apps"))).containsExactly("/shop/front");
    assertThat(group.getJsonArray("apps").getJsonObject(0).containsKey("tasksRunning")).isFalse();
    JsonObject back = group.getJsonArray("groups").getJsonObject(0);
    assertThat(back.getString("id")).isEqualTo("/shop/back");
    assertThat(ids(back.getJsonArray("apps"))).containsExactly("/shop/back/api");
    assertThat(back.getJsonArray("groups")).isEmpty();
    assertThat(ids(f.get("/v2/groups").json().getJsonArray("groups"))).contains("/shop");
    assertThat(f.get("/v2/groups/").json().getString("id")).isEqualTo("/");

    JsonObject counted = f.get("/v2/groups/shop?embed=group.apps&embed=group.apps.counts").json();
    assertThat(counted.containsKey("groups")).isFalse();
    assertThat(counted.getJsonArray("apps").getJsonObject(0).fieldNames()).contains("tasksRunning", "deployments");
    Response none = f.get("/v2/groups/shop/nothing");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.json().getString("message")).isEqualTo("Group '/shop/nothing' does not exist");
    assertThat(f.get("/v2/groups/shop/front").status()).as("an app is not a group").isEqualTo(404);

    // Locked by the create; dryRun shows the steps and changes nothing.
    JsonObject fix = new JsonObject().put("groups", new JsonArray().add(new JsonObject().put("id", "back")
        .put("apps", new JsonArray().add(sleeper("api", 1)))));
    Response locked = f.put("/v2/groups/shop", fix);
    assertThat(locked.status()).isEqualTo(409);
    assertThat(locked.json().getJsonArray("deployments")).containsExactly(new JsonObject().put("id", deploymentId));
    Response dry = f.put("/v2/groups/shop?dryRun=true", fix);
    assertThat(dry.status()).as(dry.toString()).isEqualTo(200);
    JsonObject step = dry.json().getJsonArray("steps").getJsonObject(0);
    assertThat(step.getJsonArray("actions").getJsonObject(0).getString("action")).isEqualTo("RestartApplication");
    assertThat(step.getJsonArray("actions").getJsonObject(0).getString("app")).isEqualTo("/shop/back/api");
    assertThat(f.get("/v2/apps/shop/back/api").json().getJsonObject("app").getDouble("cpus")).isEqualTo(100.0);

    Response fixed = f.put("/v2/groups/shop?force=true", fix);
    assertThat(fixed.status()).as(fixed.toString()).isEqualTo(200);
    assertThat(fixed.json().fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    assertThat(fixed.headers().get("Marathon-Deployment-Id")).isEqualTo(fixed.json().getString("deploymentId"));
    waiting().until(() -> f.app("/shop/back/api").getInteger("tasksRunning") == 1
        && f.app("/shop/front").getInteger("tasksRunning") == 1 && f.get("/v2/deployments").array().isEmpty());
    String frontTask = f.tasks("/shop/front").getJsonObject(0).getString("id");
    assertThat(f.app("/shop/front").getString("version")).as("apps the update leaves out are untouched")
        .isEqualTo(created.json().getString("version"));

    Response scaled = f.put("/v2/groups/shop", new JsonObject().put("scaleBy", 2));
    assertThat(scaled.status()).as(scaled.toString()).isEqualTo(200);
    waiting().until(() -> f.app("/shop/front").getInteger("tasksRunning") == 2
        && f.app("/shop/back/api").getInteger("tasksRunning") == 2 && f.get("/v2/deployments").array().isEmpty());
    assertThat(f.tasks("/shop/front").stream().map(t -> ((JsonObject) t).getString("id")))
        .as("scaling keeps the running task").contains(frontTask);

    // The group's apps from now on: front only; the child group goes with its app.
    Response replaced = f.put("/v2/groups/shop", new JsonObject().put("apps", new JsonArray().add(sleeper("front", 2)))
        .put("groups", new JsonArray()));
    assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
    waiting().until(() -> f.get("/v2/apps/shop/back/api").status() == 404 && f.get("/v2/deployments").array().isEmpty()
        && f.get("/v2/groups/shop/back").status() == 404);
    assertThat(f.tasks("/shop/front").stream().map(t -> ((JsonObject) t).getString("id"))).contains(frontTask);

    Response deleted = f.delete("/v2/groups/shop");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().fieldNames()).containsExactlyInAnyOrder("deploymentId", "version");
    assertThat(f.get("/v2/groups/shop").status()).isEqualTo(404);
    waiting().until(() -> f.get("/v2/tasks").json().getJsonArray("tasks").stream()
        .noneMatch(t -> ((JsonObject) t).getString("appId").startsWith("/shop/")));
    Response deleteAgain = f.delete("/v2/groups/shop");
    assertThat(deleteAgain.status()).isEqualTo(404);
    assertThat(deleteAgain.json().getString("message")).isEqualTo("Group '/shop' does not exist");
  }

  @Test
  void badGroupBodiesAreRefusedWithMarathonsShapes() {
    Response notJson = f.post("/v2/groups", "{not json");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json()).isEqualTo(new JsonObject().put("message", "Invalid JSON"));
    assertThat(f.put("/v2/groups/bad", "{not json").status()).isEqualTo(400);

    JsonObject bad = new JsonObject().put("id", "/bad")
        .put("apps", new JsonArray().add(sleeper("/elsewhere/a", 1)).add(sleeper("b", 1).put("cpus", -1)))
        .put("groups", new JsonArray().add(new JsonObject().put("id", "sub")
            .put("apps", new JsonArray().add(sleeper("c", 1).put("mem", "lots")))))
        .put("dependencies", new JsonArray().add("/other"));
    Response invalid = f.post("/v2/groups", bad);
    assertThat(paths(invalid)).containsExactlyInAnyOrder("/apps(0)/id", "/apps(1)/cpus", "/groups(0)/apps(0)/mem",
        "/dependencies");
    JsonObject notChild = invalid.json().getJsonArray("details").stream().map(d -> (JsonObject) d)
        .filter(d -> d.getString("path").equals("/apps(0)/id")).findFirst().orElseThrow();
    assertThat(notChild.getJsonArray("errors")).containsExactly("Identifier is not child of '/bad'");
    assertThat(f.get("/v2/groups/bad").status()).isEqualTo(404);

    assertThat(paths(f.put("/v2/groups/bad", new JsonObject().put("scaleBy", -2)))).containsExactly("/scaleBy");
    assertThat(paths(f.put("/v2/groups/bad", new JsonObject().put("version", "2026-01-01T00:00:00.000Z"))))
        .containsExactly("/version");
  }
}
