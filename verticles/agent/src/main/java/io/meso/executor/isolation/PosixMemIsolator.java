package io.meso.executor.isolation;

import io.meso.v1.TaskStatus;

/**
 * {@code posix/mem}: where there are no cgroups, a task's memory limit is still enforced by
 * polling: on every watch tick the resident memory of its processes is summed from /proc
 * ({@link ProcUsage#rss}), and a task over its mem is killed and fails with
 * REASON_CONTAINER_LIMITATION_MEMORY. Weaker than a cgroup: a task can go over between two ticks
 * (and a fast allocator can take the machine's memory in that time), and shared pages count
 * once per process. A task without mem is not limited.
 */
public final class PosixMemIsolator implements Isolator {

  @Override
  public IsolatorName name() {
    return IsolatorName.POSIX_MEM;
  }

  @Override
  public Limitation limitation(Container container, boolean exited) {
    double mem = container.scalar("mem");
    if (exited || mem <= 0) {
      return null;
    }
    long limit = (long) (mem * 1024 * 1024);
    long rss = ProcUsage.rss(container.members());
    if (rss <= limit) {
      return null;
    }
    return new Limitation(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY,
        "Memory limit exceeded: the task's processes held " + (rss >> 20) + " MB of resident memory, over its limit of "
            + (limit >> 20) + " MB (polled, no cgroups)",
        Limitation.Effect.FAIL);
  }
}
