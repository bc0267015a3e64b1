package io.meso.services.app.json;

import io.meso.services.app.AutoscalePolicy;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Reads an app's {@code autoscale} object ({@link AutoscalePolicy}): {@code targetCpuUtilization}
 * (required, greater than 0 and at most 1), {@code maxInstances} (required, at least
 * {@code minInstances}), {@code minInstances} (default 1, at least 1), the two stabilisation windows
 * in seconds (defaults 0 up and 300 down, at most a day) and {@code tolerance} (default 0.1, in
 * [0, 1)). Each problem is a {@link Violation} at {@code /autoscale/<field>} saying the value and
 * what is allowed. {@code lastDecision}, which GET adds, is ignored, so a client may send back what
 * it read.
 */
final class AutoscaleReader {

  static final String FIELD = "autoscale";

  private static final String TARGET = "a fraction of the app's cpus per instance, greater than 0 and at most 1";

  private AutoscaleReader() {}

  /** The policy, or null when {@code json} is null or has a violation (then recorded in {@code out}). */
  static AutoscalePolicy read(JsonObject json, String path, List<Violation> out) {
    if (json == null) {
      return null;
    }
    int before = out.size();
    Fields f = new Fields(json, path, out);
    Object rawTarget = json.getValue("targetCpuUtilization");
    double target = rawTarget instanceof Number n ? n.doubleValue() : Double.NaN;
    if (!(target > 0 && target <= 1)) {
      f.bad("targetCpuUtilization", rawTarget, TARGET);
    }
    int min = f.integer("minInstances", AutoscalePolicy.DEFAULT_MIN_INSTANCES, 1, Integer.MAX_VALUE);
    Integer max = f.integer("maxInstances", null, 1, Integer.MAX_VALUE);
    if (!f.has("maxInstances")) {
      f.bad("maxInstances", null, "the most instances to scale to, at least minInstances (" + min + ")");
    } else if (max != null && max < min) {
      f.bad("maxInstances", json.getValue("maxInstances"), "at least minInstances (" + min + ")");
    }
    int up = f.integer("scaleUpStabilizationSeconds", AutoscalePolicy.DEFAULT_SCALE_UP_STABILIZATION_SECONDS,
        0, AutoscalePolicy.MAX_STABILIZATION_SECONDS);
    int down = f.integer("scaleDownStabilizationSeconds", AutoscalePolicy.DEFAULT_SCALE_DOWN_STABILIZATION_SECONDS,
        0, AutoscalePolicy.MAX_STABILIZATION_SECONDS);
    double tolerance = f.number("tolerance", AutoscalePolicy.DEFAULT_TOLERANCE, 0, 1);
    if (tolerance == 1) {
      f.bad("tolerance", json.getValue("tolerance"), "a fraction from 0 up to (not including) 1");
    }
    if (out.size() != before) {
      return null;
    }
    return new AutoscalePolicy(target, min, max, up, down, tolerance);
  }

  /** The policy as the app's {@code autoscale} object. */
  static JsonObject render(AutoscalePolicy p) {
    return new JsonObject()
        .put("targetCpuUtilization", p.targetCpuUtilization())
        .put("minInstances", p.minInstances())
        .put("maxInstances", p.maxInstances())
        .put("scaleUpStabilizationSeconds", p.scaleUpStabilizationSeconds())
        .put("scaleDownStabilizationSeconds", p.scaleDownStabilizationSeconds())
        .put("tolerance", p.tolerance());
  }
}
