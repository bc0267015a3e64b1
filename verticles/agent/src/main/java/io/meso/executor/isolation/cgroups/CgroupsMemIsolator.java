package io.meso.executor.isolation.cgroups;

import io.meso.executor.isolation.Container;
import io.meso.executor.isolation.Isolator;
import io.meso.executor.isolation.IsolatorName;
import io.meso.executor.isolation.LaunchPlan;
import io.meso.executor.isolation.Limitation;
import io.meso.v1.ResourceStatistics;
import io.meso.v1.TaskStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code cgroups/mem}: a task's memory limit, mem MB x 2^20 (v1 {@code memory.limit_in_bytes},
 * v2 {@code memory.max}). As Mesos's memory isolator, <em>any</em> OOM kill in the task's cgroup
 * fails the task with REASON_CONTAINER_LIMITATION_MEMORY, also when the process the kernel killed
 * was a child whose death the task's shell did not notice (the last stage of a pipeline decides
 * its exit status, so {@code head -c 200m /dev/zero | tail | wc} "succeeds" with wrong output).
 * The evidence is the kernel's own counter of the cgroup: v1 {@code memory.oom_control}'s
 * {@code oom_kill} (or, on kernels without it, a non-zero {@code memory.failcnt} with
 * {@code under_oom}), v2 {@code memory.events}' {@code oom_kill}. It is read on every watch tick
 * (the task is killed at once) and at exit. Usage: v1 {@code memory.usage_in_bytes} and
 * {@code memory.stat}'s hierarchical {@code total_*}; v2 {@code memory.current} and
 * {@code memory.stat}.
 */
public final class CgroupsMemIsolator implements Isolator {

  @Override
  public IsolatorName name() {
    return IsolatorName.CGROUPS_MEM;
  }

  @Override
  public void prepare(Container container, LaunchPlan plan) throws IOException {
    double mem = container.scalar("mem");
    TaskCgroup cgroup = container.cgroup();
    Path dir = cgroup == null ? null : cgroup.dir(Controller.MEMORY);
    if (mem <= 0 || dir == null) {
      return;
    }
    long bytes = (long) (mem * 1024 * 1024);
    CgroupFiles.write(dir.resolve(cgroup.version() == CgroupsHost.Version.V1 ? "memory.limit_in_bytes" : "memory.max"),
        Long.toString(bytes));
  }

  @Override
  public Limitation limitation(Container container, boolean exited) {
    TaskCgroup cgroup = container.cgroup();
    Path dir = cgroup == null ? null : cgroup.dir(Controller.MEMORY);
    if (dir == null) {
      return null;
    }
    long kills = oomKills(cgroup);
    if (kills <= 0) {
      return null;
    }
    long limit = limitBytes(cgroup);
    String of = limit > 0 && limit < Long.MAX_VALUE ? " of " + (limit >> 20) + " MB" : "";
    return new Limitation(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY,
        "Memory limit exceeded: the task reached its limit" + of + " and the kernel's OOM killer killed "
            + (kills == 1 ? "one of its processes" : kills + " of its processes"),
        Limitation.Effect.FAIL);
  }

  /** OOM kills in the cgroup so far (0 when none; v1 kernels without the counter count 1 for an OOM seen). */
  static long oomKills(TaskCgroup cgroup) {
    Path dir = cgroup.dir(Controller.MEMORY);
    if (cgroup.version() == CgroupsHost.Version.V2) {
      return Math.max(0, CgroupFiles.keyed(dir.resolve("memory.events")).getOrDefault("oom_kill", 0L));
    }
    Map<String, Long> control = CgroupFiles.keyed(dir.resolve("memory.oom_control"));
    if (control.containsKey("oom_kill")) {
      return control.get("oom_kill");
    }
    long failcnt = CgroupFiles.single(dir.resolve("memory.failcnt"));
    return failcnt > 0 && control.getOrDefault("under_oom", 0L) != 0 ? 1 : 0;
  }

  /** The memory limit in bytes, {@link Long#MAX_VALUE} for none, -1 when it cannot be read. */
  static long limitBytes(TaskCgroup cgroup) {
    Path dir = cgroup.dir(Controller.MEMORY);
    return CgroupFiles.single(dir.resolve(cgroup.version() == CgroupsHost.Version.V1
        ? "memory.limit_in_bytes" : "memory.max"));
  }

  @Override
  public void usage(Container container, ResourceStatistics.Builder stats) {
    TaskCgroup cgroup = container.cgroup();
    Path dir = cgroup == null ? null : cgroup.dir(Controller.MEMORY);
    if (dir == null) {
      return;
    }
    boolean v1 = cgroup.version() == CgroupsHost.Version.V1;
    long usage = CgroupFiles.single(dir.resolve(v1 ? "memory.usage_in_bytes" : "memory.current"));
    if (usage >= 0) {
      stats.setMemTotalBytes(usage);
    }
    long limit = limitBytes(cgroup);
    if (limit >= 0) {
      stats.setMemLimitBytes(limit);
    }
    Map<String, Long> mem = CgroupFiles.keyed(dir.resolve("memory.stat"));
    String prefix = v1 ? "total_" : "";
    Long cache = mem.get(prefix + (v1 ? "cache" : "file"));
    if (cache != null) {
      stats.setMemCacheBytes(cache).setMemFileBytes(cache);
    }
    Long rss = mem.get(prefix + (v1 ? "rss" : "anon"));
    if (rss != null) {
      stats.setMemRssBytes(rss).setMemAnonBytes(rss);
    }
    Long mapped = mem.get(prefix + (v1 ? "mapped_file" : "file_mapped"));
    if (mapped != null) {
      stats.setMemMappedFileBytes(mapped);
    }
    Long unevictable = mem.get(prefix + "unevictable");
    if (unevictable != null) {
      stats.setMemUnevictableBytes(unevictable);
    }
    long swap = v1 ? mem.getOrDefault("total_swap", -1L) : CgroupFiles.single(dir.resolve("memory.swap.current"));
    if (swap >= 0) {
      stats.setMemSwapBytes(swap);
    }
  }
}
