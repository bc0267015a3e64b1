package io.meso.allocator;

import java.time.Duration;

/**
 * Settings of the allocator: how often the full allocation run happens and the smallest offer
 * worth making. An offer is made only if it has at least {@code minAllocatableCpus} cpus or at
 * least {@code minAllocatableMemMb} mem (like Mesos's {@code --min_allocatable_resources}
 * default {@code cpus:0.01|mem:32}).
 */
public final class AllocatorOptions {

  public static final Duration DEFAULT_ALLOCATION_INTERVAL = Duration.ofSeconds(1);
  public static final double DEFAULT_MIN_ALLOCATABLE_CPUS = 0.01;
  public static final double DEFAULT_MIN_ALLOCATABLE_MEM_MB = 32;

  /** How frameworks within a role are ordered: by weighted DRF, or in weighted random order. */
  public enum FrameworkSorter { DRF, RANDOM }

  public static final FrameworkSorter DEFAULT_FRAMEWORK_SORTER = FrameworkSorter.DRF;

  private Duration allocationInterval = DEFAULT_ALLOCATION_INTERVAL;
  private double minAllocatableCpus = DEFAULT_MIN_ALLOCATABLE_CPUS;
  private double minAllocatableMemMb = DEFAULT_MIN_ALLOCATABLE_MEM_MB;
  private FrameworkSorter frameworkSorter = DEFAULT_FRAMEWORK_SORTER;
  private FrameworkSorter roleSorter = DEFAULT_FRAMEWORK_SORTER;

  public AllocatorOptions() {}

  public AllocatorOptions(AllocatorOptions other) {
    this.allocationInterval = other.allocationInterval;
    this.minAllocatableCpus = other.minAllocatableCpus;
    this.minAllocatableMemMb = other.minAllocatableMemMb;
    this.frameworkSorter = other.frameworkSorter;
    this.roleSorter = other.roleSorter;
  }

  /**
   * How roles are ordered against their siblings at each level of the role tree: DRF (default:
   * the role furthest below its weighted share first) or RANDOM (weighted random order, as
   * Mesos's {@code --role_sorter=random}). The same kinds as {@link #getFrameworkSorter()}.
   */
  public FrameworkSorter getRoleSorter() {
    return roleSorter;
  }

  public AllocatorOptions setRoleSorter(FrameworkSorter roleSorter) {
    if (roleSorter == null) {
      throw new IllegalArgumentException("roleSorter is null; expected DRF or RANDOM");
    }
    this.roleSorter = roleSorter;
    return this;
  }

  public FrameworkSorter getFrameworkSorter() {
    return frameworkSorter;
  }

  public AllocatorOptions setFrameworkSorter(FrameworkSorter frameworkSorter) {
    if (frameworkSorter == null) {
      throw new IllegalArgumentException("frameworkSorter is null; expected DRF or RANDOM");
    }
    this.frameworkSorter = frameworkSorter;
    return this;
  }

  public Duration getAllocationInterval() {
    return allocationInterval;
  }

  /** Period of the full allocation run, and the shortest time a decline filter holds. */
  public AllocatorOptions setAllocationInterval(Duration allocationInterval) {
    if (allocationInterval == null || allocationInterval.isNegative() || allocationInterval.isZero()) {
      throw new IllegalArgumentException("allocationInterval is " + allocationInterval + "; expected a positive duration like 1s");
    }
    this.allocationInterval = allocationInterval;
    return this;
  }

  public double getMinAllocatableCpus() {
    return minAllocatableCpus;
  }

  public AllocatorOptions setMinAllocatableCpus(double minAllocatableCpus) {
    this.minAllocatableCpus = nonNegative("minAllocatableCpus", minAllocatableCpus);
    return this;
  }

  public double getMinAllocatableMemMb() {
    return minAllocatableMemMb;
  }

  public AllocatorOptions setMinAllocatableMemMb(double minAllocatableMemMb) {
    this.minAllocatableMemMb = nonNegative("minAllocatableMemMb", minAllocatableMemMb);
    return this;
  }

  private static double nonNegative(String field, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(field + " is " + v + "; expected a finite number >= 0");
    }
    return v;
  }

  @Override
  public String toString() {
    return "AllocatorOptions{allocationInterval=" + allocationInterval + ", minAllocatableCpus=" + minAllocatableCpus
        + ", minAllocatableMemMb=" + minAllocatableMemMb + "}";
  }
}
