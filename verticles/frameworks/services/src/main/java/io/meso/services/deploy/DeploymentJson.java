package io.meso.services.deploy;

import io.meso.services.app.PathId;
import io.meso.services.app.json.AppWriter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The wire forms of deployments, as Marathon renders them ({@code raml/DeploymentPlanConversion.scala},
 * docs {@code examples/deployments.json}). Every action carries its name twice: {@code action}, as
 * Marathon sends it, and {@code type}, the field marathon-client 0.6.3 reads.
 */
public final class DeploymentJson {

  private DeploymentJson() {}

  /** An element of {@code GET /v2/deployments}: id, version, affected apps and pods, steps, progress. */
  public static JsonObject deployment(Deployment d) {
    DeploymentPlan plan = d.plan();
    JsonArray affected = new JsonArray();
    plan.affectedApps().forEach(id -> affected.add(id.toString()));
    JsonArray currentActions = new JsonArray();
    for (DeploymentAction action : d.currentActions()) {
      JsonArray results = new JsonArray();
      d.readinessResults(action).forEach(r -> results.add(r.toJson()));
      currentActions.add(action(action).put("readinessCheckResults", results));
    }
    return new JsonObject()
        .put("id", plan.id())
        .put("version", AppWriter.timestamp(plan.version()))
        .put("affectedApps", affected)
        .put("affectedPods", new JsonArray())
        .put("steps", steps(plan))
        .put("currentActions", currentActions)
        .put("currentStep", d.currentStep())
        .put("totalSteps", plan.steps().size());
  }

  /** The plan alone, as events carry it: {@code {"id","steps","version"}}. */
  public static JsonObject plan(DeploymentPlan plan) {
    return new JsonObject().put("id", plan.id()).put("steps", steps(plan))
        .put("version", AppWriter.timestamp(plan.version()));
  }

  /** One step: {@code {"actions":[{"action","type","app"}]}}. */
  public static JsonObject step(DeploymentStep step) {
    JsonArray actions = new JsonArray();
    step.actions().forEach(a -> actions.add(action(a)));
    return new JsonObject().put("actions", actions);
  }

  /** What a deployable operation answers: {@code {"deploymentId","version"}}. */
  public static JsonObject deploymentResult(DeploymentPlan plan) {
    return new JsonObject().put("deploymentId", plan.id())
        .put("version", AppWriter.timestamp(plan.version()));
  }

  /** The 404 body of an unknown deployment id. */
  public static JsonObject notFound(String id) {
    return new JsonObject().put("message", "DeploymentPlan " + id + " does not exist");
  }

  private static JsonArray steps(DeploymentPlan plan) {
    JsonArray steps = new JsonArray();
    plan.steps().forEach(s -> steps.add(step(s)));
    return steps;
  }

  private static JsonObject action(DeploymentAction a) {
    String name = a.type().wireName();
    PathId id = a.app().id();
    return new JsonObject().put("action", name).put("type", name).put("app", id.toString());
  }
}
