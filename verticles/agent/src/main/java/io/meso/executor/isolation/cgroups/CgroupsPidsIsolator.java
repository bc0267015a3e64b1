package io.meso.executor.isolation.cgroups;

import io.meso.executor.isolation.Container;
import io.meso.executor.isolation.Isolator;
import io.meso.executor.isolation.IsolatorName;
import io.meso.executor.isolation.LaunchPlan;
import io.meso.executor.isolation.Limitation;
import io.meso.v1.TaskStatus;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code cgroups/pids}: each task's process limit ({@code pids.max}, the agent's
 * {@code --pids-max}; v1 and v2 alike), so a fork bomb stops at the limit instead of exhausting
 * the machine's pids. The kernel counts refused forks in {@code pids.events} ("max N"); a task
 * that then fails is told why (REASON_CONTAINER_LIMITATION, naming the limit). A task that
 * coped with refused forks and exited 0 still finishes: it is the shell that decides.
 */
public final class CgroupsPidsIsolator implements Isolator {

  private final long pidsMax;

  /** @param pidsMax each task's pids.max; 0 leaves it unlimited (the count is still kept) */
  public CgroupsPidsIsolator(long pidsMax) {
    this.pidsMax = pidsMax;
  }

  @Override
  public IsolatorName name() {
    return IsolatorName.CGROUPS_PIDS;
  }

  @Override
  public void prepare(Container container, LaunchPlan plan) throws IOException {
    TaskCgroup cgroup = container.cgroup();
    Path dir = cgroup == null ? null : cgroup.dir(Controller.PIDS);
    if (pidsMax > 0 && dir != null) {
      CgroupFiles.write(dir.resolve("pids.max"), Long.toString(pidsMax));
    }
  }

  @Override
  public Limitation limitation(Container container, boolean exited) {
    TaskCgroup cgroup = container.cgroup();
    Path dir = cgroup == null ? null : cgroup.dir(Controller.PIDS);
    if (!exited || dir == null) {
      return null;
    }
    long refused = CgroupFiles.keyed(dir.resolve("pids.events")).getOrDefault("max", 0L);
    if (refused <= 0) {
      return null;
    }
    long max = CgroupFiles.single(dir.resolve("pids.max"));
    String limit = max > 0 && max < Long.MAX_VALUE ? " of " + max + " processes (pids.max)" : "";
    return new Limitation(TaskStatus.Reason.REASON_CONTAINER_LIMITATION,
        "Process limit reached: the task hit its limit" + limit + " and " + refused
            + (refused == 1 ? " fork was" : " forks were") + " refused",
        Limitation.Effect.EXPLAINS_FAILURE);
  }
}
