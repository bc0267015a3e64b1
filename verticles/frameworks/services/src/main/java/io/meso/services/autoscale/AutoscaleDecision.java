package io.meso.services.autoscale;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One evaluation of an app's autoscale policy: how many instances it had and how many of them
 * were measured, their mean utilisation (fraction of the app's cpus, NaN when none was measured),
 * the count the load alone asks for ({@code recommended}, already within min and max), the count
 * chosen after the stabilisation windows ({@code desired}) and why, in words. Shown as the app's
 * {@code autoscale.lastDecision}.
 */
public record AutoscaleDecision(Instant at, int instances, int measured, int missing, double utilization,
    double target, int recommended, int desired, String reason) {

  /** True if the app should be scaled to {@link #desired}. */
  public boolean scales() {
    return desired != instances;
  }

  /** A decision that takes no measurement into account (paused, locked by a deployment, ...). */
  public static AutoscaleDecision unchanged(Instant at, int instances, double target, String reason) {
    return new AutoscaleDecision(at, instances, 0, 0, Double.NaN, target, instances, instances, reason);
  }

  /** This decision, with another reason (e.g. why carrying it out failed). */
  public AutoscaleDecision because(String why) {
    return new AutoscaleDecision(at, instances, measured, missing, utilization, target, recommended, desired, why);
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject()
        .put("timestamp", io.meso.services.app.json.AppWriter.timestamp(at))
        .put("instances", instances)
        .put("measuredInstances", measured)
        .put("unmeasuredInstances", missing);
    if (!Double.isNaN(utilization)) {
      o.put("cpuUtilization", Math.round(utilization * 10_000) / 10_000.0);
    }
    return o.put("targetCpuUtilization", target)
        .put("recommendedInstances", recommended)
        .put("desiredInstances", desired)
        .put("reason", reason);
  }
}
