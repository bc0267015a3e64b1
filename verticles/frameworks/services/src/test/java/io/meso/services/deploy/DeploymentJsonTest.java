package io.meso.services.deploy;

import static io.meso.services.deploy.Apps.T0;
import static io.meso.services.deploy.Apps.T1;
import static io.meso.services.deploy.Apps.app;
import static io.meso.services.deploy.Apps.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire forms: Marathon's examples/deployments.json, deployments_result.json and the event docs. */
class DeploymentJsonTest {

  static final Instant VERSION = Instant.parse("2015-09-30T09:09:17.614Z");
  static final Instant NOW = Instant.parse("2015-09-30T09:10:00Z");

  /** /foo scaled from 1 to 2 instances, the deployment of examples/deployments.json. */
  static Deployment scaleFoo() {
    App foo = app("/foo", 1, "foo", T0);
    App foo2 = AppChange.stamp(foo, foo.withInstances(2), VERSION);
    Deployment d = new Deployment(DeploymentPlan.of("97c136bf-5a28-4821-9d94-480d9fbb01c8",
        set(foo), set(foo2), VERSION, Map.of()));
    d.start(Harness.running(foo, 1, "foo."));
    return d;
  }

  @Test
  void deploymentHasMarathonsShape() {
    JsonObject action = new JsonObject().put("action", "ScaleApplication").put("type", "ScaleApplication")
        .put("app", "/foo");
    JsonObject expected = new JsonObject()
        .put("id", "97c136bf-5a28-4821-9d94-480d9fbb01c8")
        .put("version", "2015-09-30T09:09:17.614Z")
        .put("affectedApps", new JsonArray().add("/foo"))
        .put("affectedPods", new JsonArray())
        .put("steps", new JsonArray().add(new JsonObject().put("actions", new JsonArray().add(action))))
        .put("currentActions", new JsonArray().add(action.copy().put("readinessCheckResults", new JsonArray())))
        .put("currentStep", 1)
        .put("totalSteps", 1);
    JsonObject json = DeploymentJson.deployment(scaleFoo());
    assertThat(json).isEqualTo(expected);
    assertThat(json.fieldNames()).containsExactly("id", "version", "affectedApps", "affectedPods", "steps",
        "currentActions", "currentStep", "totalSteps");
  }

  @Test
  void readinessResultKeepsTheLastResponseWhenGiven() {
    ReadinessCheckResult r = new ReadinessCheckResult("myReadyCheck", "foo.instance-c9de6033", false,
        new ReadinessCheckResult.HttpResponse(500, "application/json", "{}"));
    assertThat(r.toJson()).isEqualTo(new JsonObject()
        .put("taskId", "foo.instance-c9de6033")
        .put("lastResponse", new JsonObject().put("body", "{}").put("contentType", "application/json").put("status", 500))
        .put("name", "myReadyCheck")
        .put("ready", false));
  }

  @Test
  void deploymentResultAndNotFound() {
    assertThat(DeploymentJson.deploymentResult(scaleFoo().plan())).isEqualTo(new JsonObject()
        .put("deploymentId", "97c136bf-5a28-4821-9d94-480d9fbb01c8").put("version", "2015-09-30T09:09:17.614Z"));
    assertThat(DeploymentJson.notFound("abc")).isEqualTo(
        new JsonObject().put("message", "DeploymentPlan abc does not exist"));
  }

  @Test
  void stepEventsCarryPlanAndCurrentStep() {
    DeploymentPlan plan = scaleFoo().plan();
    JsonObject planJson = new JsonObject().put("id", plan.id())
        .put("steps", new JsonArray().add(DeploymentJson.step(plan.steps().get(0))))
        .put("version", "2015-09-30T09:09:17.614Z");
    for (String type : List.of(DeploymentEvents.INFO, DeploymentEvents.STEP_SUCCESS, DeploymentEvents.STEP_FAILURE)) {
      JsonObject event = switch (type) {
        case DeploymentEvents.INFO -> DeploymentEvents.info(plan, 1, NOW);
        case DeploymentEvents.STEP_SUCCESS -> DeploymentEvents.stepSuccess(plan, 1, NOW);
        default -> DeploymentEvents.stepFailure(plan, 1, NOW);
      };
      assertThat(event).isEqualTo(new JsonObject().put("eventType", type)
          .put("timestamp", "2015-09-30T09:10:00.000Z").put("plan", planJson)
          .put("currentStep", new JsonObject().put("actions", new JsonArray().add(new JsonObject()
              .put("action", "ScaleApplication").put("type", "ScaleApplication").put("app", "/foo")))));
    }
    assertThatThrownBy(() -> DeploymentEvents.info(plan, 2, NOW)).hasMessageContaining("step 2 is not in 1..1");
  }

  @Test
  void endEventsCarryIdAndPlan() {
    DeploymentPlan plan = scaleFoo().plan();
    assertThat(DeploymentEvents.success(plan, NOW)).isEqualTo(new JsonObject()
        .put("eventType", "deployment_success").put("timestamp", "2015-09-30T09:10:00.000Z")
        .put("id", plan.id()).put("plan", DeploymentJson.plan(plan)));
    assertThat(DeploymentEvents.failed(plan, DeploymentRegistry.CANCELLED, NOW).getString("reason"))
        .isEqualTo("The upgrade has been cancelled");
    assertThat(DeploymentEvents.failed(plan, null, NOW).containsKey("reason")).isFalse();
  }

  @Test
  void aFinishedStepAdvancesTheJson() {
    App db = app("/db", 1, "db", T1);
    Deployment d = new Deployment(DeploymentPlan.of("x", set(), set(db), T1, Map.of()));
    d.start(List.of());
    JsonObject json = DeploymentJson.deployment(d);
    assertThat(json.getInteger("currentStep")).isEqualTo(2);
    assertThat(json.getInteger("totalSteps")).isEqualTo(2);
    assertThat(json.getJsonArray("currentActions").getJsonObject(0).getString("action")).isEqualTo("ScaleApplication");
  }
}
