package io.meso.services.app;

/**
 * How the services framework scales an app by its cpu load, as Kubernetes' HorizontalPodAutoscaler
 * does: it keeps each instance's cpu use near {@code targetCpuUtilization} of the app's
 * {@code cpus}, between {@code minInstances} and {@code maxInstances} instances. The wanted count
 * is {@code ceil(instances × utilisation / target)}, left alone while utilisation is within
 * {@code tolerance} of the target; a scale-up takes the lowest count wanted over the last
 * {@code scaleUpStabilizationSeconds} (0: at once), a scale-down the highest count wanted over the
 * last {@code scaleDownStabilizationSeconds}, so load that comes back soon does not make it flap.
 *
 * <p>On the wire this is the app's top-level {@code autoscale} object. Marathon has no such field:
 * Marathon-compatible readers (marathon-client's Gson, the UI, jq scripts) skip fields they do not
 * know, so a top-level object costs them nothing, while keeping it out of {@code labels} keeps
 * labels' plain string values and label selectors meaning what they mean to Marathon, and gives
 * the policy typed fields that are validated (422 naming the field) like the rest of the app.
 *
 * <p>{@code minInstances} is at least 1: an app scaled to 0 has no running instance whose load
 * could ever scale it up again.
 */
public record AutoscalePolicy(double targetCpuUtilization, int minInstances, int maxInstances,
    int scaleUpStabilizationSeconds, int scaleDownStabilizationSeconds, double tolerance) {

  /** Kubernetes' default: scale up as soon as it is needed. */
  public static final int DEFAULT_SCALE_UP_STABILIZATION_SECONDS = 0;
  /** Kubernetes' default: scale down only after five minutes of lower load. */
  public static final int DEFAULT_SCALE_DOWN_STABILIZATION_SECONDS = 300;
  /** Kubernetes' default band around the target within which nothing changes. */
  public static final double DEFAULT_TOLERANCE = 0.1;
  public static final int DEFAULT_MIN_INSTANCES = 1;
  /** Upper bound of both stabilisation windows: one day. */
  public static final int MAX_STABILIZATION_SECONDS = 86_400;

  public AutoscalePolicy {
    if (!(targetCpuUtilization > 0 && targetCpuUtilization <= 1)) {
      throw new IllegalArgumentException("targetCpuUtilization must be in (0, 1], was " + targetCpuUtilization);
    }
    if (minInstances < 1 || maxInstances < minInstances) {
      throw new IllegalArgumentException("need 1 <= minInstances <= maxInstances, were " + minInstances
          + " and " + maxInstances);
    }
    if (scaleUpStabilizationSeconds < 0 || scaleDownStabilizationSeconds < 0) {
      throw new IllegalArgumentException("stabilization windows must be >= 0");
    }
    if (!(tolerance >= 0 && tolerance < 1)) {
      throw new IllegalArgumentException("tolerance must be in [0, 1), was " + tolerance);
    }
  }

  /** {@code instances} brought into [minInstances, maxInstances]. */
  public int clamp(int instances) {
    return Math.max(minInstances, Math.min(maxInstances, instances));
  }
}
