package io.meso.executor.isolation.cgroups;

import io.meso.executor.isolation.Container;
import io.meso.executor.isolation.Isolator;
import io.meso.executor.isolation.IsolatorName;
import io.meso.executor.isolation.LaunchPlan;
import io.meso.v1.ResourceStatistics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code cgroups/cpu}: a task's cpu share and, with CFS on, its hard cap. Shares are relative
 * (1024 x cpus: what the task gets when every task wants cpu); the CFS quota is absolute (cpus x
 * the 100 ms period per period, so 0.2 cpus runs at most 20 ms of every 100 ms and is throttled
 * for the rest, even on an idle machine). v1 writes {@code cpu.shares} and
 * {@code cpu.cfs_quota_us} (the period stays at its 100 ms default), v2 {@code cpu.weight} and
 * {@code cpu.max}. Usage: cpu time (v1 {@code cpuacct.stat} in clock ticks, v2 {@code cpu.stat}
 * in microseconds) and the CFS counters (periods, throttled periods, throttled time).
 */
public final class CgroupsCpuIsolator implements Isolator {

  /** USER_HZ: the unit of cpuacct.stat (100 on every Linux ABI). */
  static final double TICKS_PER_SECOND = 100.0;

  private final boolean cfs;

  /** @param cfs whether tasks also get a CFS quota (a hard cap at their cpus) */
  public CgroupsCpuIsolator(boolean cfs) {
    this.cfs = cfs;
  }

  @Override
  public IsolatorName name() {
    return IsolatorName.CGROUPS_CPU;
  }

  @Override
  public void prepare(Container container, LaunchPlan plan) throws IOException {
    double cpus = container.scalar("cpus");
    TaskCgroup cgroup = container.cgroup();
    Path dir = cgroup == null ? null : cgroup.dir(Controller.CPU);
    if (cpus <= 0 || dir == null) {
      return;
    }
    long shares = CgroupFiles.cpuShares(cpus);
    if (cgroup.version() == CgroupsHost.Version.V1) {
      CgroupFiles.write(dir.resolve("cpu.shares"), Long.toString(shares));
      if (cfs) {
        CgroupFiles.write(dir.resolve("cpu.cfs_quota_us"), Long.toString(CgroupFiles.cfsQuotaMicros(cpus)));
      }
    } else {
      CgroupFiles.write(dir.resolve("cpu.weight"), Long.toString(CgroupFiles.cpuWeight(shares)));
      if (cfs) {
        CgroupFiles.write(dir.resolve("cpu.max"), CgroupFiles.cpuMax(cpus));
      }
    }
  }

  @Override
  public void usage(Container container, ResourceStatistics.Builder stats) {
    TaskCgroup cgroup = container.cgroup();
    if (cgroup != null) {
      read(cgroup, stats);
    }
  }

  /** The cpu fields of a usage sample from the task's cgroups. */
  static void read(TaskCgroup cgroup, ResourceStatistics.Builder stats) {
    if (cgroup.version() == CgroupsHost.Version.V1) {
      Path cpuacct = cgroup.dir(Controller.CPUACCT);
      if (cpuacct != null) {
        Map<String, Long> times = CgroupFiles.keyed(cpuacct.resolve("cpuacct.stat"));
        if (times.containsKey("user")) {
          stats.setCpusUserTimeSecs(times.get("user") / TICKS_PER_SECOND);
        }
        if (times.containsKey("system")) {
          stats.setCpusSystemTimeSecs(times.get("system") / TICKS_PER_SECOND);
        }
      }
      Path cpu = cgroup.dir(Controller.CPU);
      if (cpu != null) {
        Map<String, Long> stat = CgroupFiles.keyed(cpu.resolve("cpu.stat"));
        counters(stat, stats);
        if (stat.containsKey("throttled_time")) {
          stats.setCpusThrottledTimeSecs(stat.get("throttled_time") / 1e9);
        }
      }
      return;
    }
    Path dir = cgroup.dirs().isEmpty() ? null : cgroup.dirs().get(0);
    if (dir == null) {
      return;
    }
    Map<String, Long> stat = CgroupFiles.keyed(dir.resolve("cpu.stat"));
    if (stat.containsKey("user_usec")) {
      stats.setCpusUserTimeSecs(stat.get("user_usec") / 1e6);
    }
    if (stat.containsKey("system_usec")) {
      stats.setCpusSystemTimeSecs(stat.get("system_usec") / 1e6);
    }
    counters(stat, stats);
    if (stat.containsKey("throttled_usec")) {
      stats.setCpusThrottledTimeSecs(stat.get("throttled_usec") / 1e6);
    }
  }

  private static void counters(Map<String, Long> stat, ResourceStatistics.Builder stats) {
    if (stat.containsKey("nr_periods")) {
      stats.setCpusNrPeriods((int) Math.min(Integer.MAX_VALUE, stat.get("nr_periods")));
    }
    if (stat.containsKey("nr_throttled")) {
      stats.setCpusNrThrottled((int) Math.min(Integer.MAX_VALUE, stat.get("nr_throttled")));
    }
  }
}
