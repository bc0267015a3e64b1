package io.meso.services.deploy;

import io.meso.services.app.json.AppWriter;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The data of the deployment events the runtime publishes on {@code /v2/events}, as Marathon's
 * {@code core/event/Events.scala} defines them: {@code deployment_info},
 * {@code deployment_step_success} and {@code deployment_step_failure} carry {@code plan} and
 * {@code currentStep}; {@code deployment_success} and {@code deployment_failed} carry {@code id}
 * and {@code plan}. Each has {@code eventType} and {@code timestamp}; the time is passed in.
 */
public final class DeploymentEvents {

  public static final String INFO = "deployment_info";
  public static final String STEP_SUCCESS = "deployment_step_success";
  public static final String STEP_FAILURE = "deployment_step_failure";
  public static final String SUCCESS = "deployment_success";
  public static final String FAILED = "deployment_failed";

  private DeploymentEvents() {}

  /** {@code deployment_info}: step {@code step} (1-based) of {@code plan} began. */
  public static JsonObject info(DeploymentPlan plan, int step, Instant now) {
    return stepEvent(INFO, plan, step, now);
  }

  /** {@code deployment_step_success}: step {@code step} (1-based) of {@code plan} is done. */
  public static JsonObject stepSuccess(DeploymentPlan plan, int step, Instant now) {
    return stepEvent(STEP_SUCCESS, plan, step, now);
  }

  /** {@code deployment_step_failure}: step {@code step} (1-based) of {@code plan} failed. */
  public static JsonObject stepFailure(DeploymentPlan plan, int step, Instant now) {
    return stepEvent(STEP_FAILURE, plan, step, now);
  }

  /** {@code deployment_success}: every step of {@code plan} is done. */
  public static JsonObject success(DeploymentPlan plan, Instant now) {
    return header(SUCCESS, now).put("id", plan.id()).put("plan", DeploymentJson.plan(plan));
  }

  /** {@code deployment_failed}: {@code plan} stopped before it was done, with the reason if known. */
  public static JsonObject failed(DeploymentPlan plan, String reason, Instant now) {
    JsonObject o = header(FAILED, now).put("id", plan.id()).put("plan", DeploymentJson.plan(plan));
    return reason == null ? o : o.put("reason", reason);
  }

  private static JsonObject stepEvent(String type, DeploymentPlan plan, int step, Instant now) {
    if (step < 1 || step > plan.steps().size()) {
      throw new IllegalArgumentException("step " + step + " is not in 1.." + plan.steps().size()
          + " of deployment " + plan.id());
    }
    return header(type, now).put("plan", DeploymentJson.plan(plan))
        .put("currentStep", DeploymentJson.step(plan.steps().get(step - 1)));
  }

  private static JsonObject header(String type, Instant now) {
    return new JsonObject().put("eventType", type).put("timestamp", AppWriter.timestamp(now));
  }
}
