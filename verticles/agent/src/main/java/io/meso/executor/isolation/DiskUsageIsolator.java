package io.meso.executor.isolation;

import io.meso.v1.TaskStatus;

/**
 * {@code disk/du}: the task's sandbox usage (as {@code du} would count it, see
 * {@link SandboxDiskUsage}) against its {@code disk} resource, measured at most once per disk
 * watch interval (Mesos: {@code container_disk_watch_interval}, 15 s), the first time once the
 * task ran for an interval (so short tasks cost no walk). A task over its disk is
 * killed and fails with REASON_CONTAINER_LIMITATION_DISK, as with Mesos's
 * {@code --enforce_container_disk_quota}. A task without {@code disk} is not limited.
 */
public final class DiskUsageIsolator implements Isolator {

  private final SandboxDiskUsage disk;
  private final long intervalNanos;

  /** @param intervalMillis how old a measurement may get, and how long a task runs before its first */
  public DiskUsageIsolator(SandboxDiskUsage disk, long intervalMillis) {
    this.disk = disk;
    this.intervalNanos = intervalMillis * 1_000_000;
  }

  @Override
  public IsolatorName name() {
    return IsolatorName.DISK_DU;
  }

  @Override
  public Limitation limitation(Container container, boolean exited) {
    double diskMb = container.scalar("disk");
    if (exited || diskMb <= 0 || !container.ranFor(intervalNanos, System.nanoTime())) {
      return null;
    }
    long limit = (long) (diskMb * 1024 * 1024);
    long used = disk.bytes(Isolators.key(container), container.sandbox());
    if (used <= limit) {
      return null;
    }
    return new Limitation(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_DISK,
        "Disk limit exceeded: the sandbox uses " + mb(used) + " MB, over the task's disk of " + mb(limit) + " MB",
        Limitation.Effect.FAIL);
  }

  private static String mb(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
  }
}
