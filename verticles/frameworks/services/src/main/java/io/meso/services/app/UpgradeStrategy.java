package io.meso.services.app;

/**
 * How a rolling restart replaces an app's tasks: keep at least {@code minimumHealthCapacity × n}
 * healthy, run at most {@code (1 + maximumOverCapacity) × n}; both fractions in [0, 1].
 */
public record UpgradeStrategy(double minimumHealthCapacity, double maximumOverCapacity) {

  /** Marathon's default: replace with full capacity kept and up to twice the instances running. */
  public static final UpgradeStrategy DEFAULT = new UpgradeStrategy(1.0, 1.0);
}
