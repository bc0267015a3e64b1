package io.meso.executor;

import io.meso.v1.ResourceStatistics;
import io.meso.v1.TaskInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Samples the usage of the executor's running tasks for a {@link UsageRequest}: cpu and memory
 * by {@link UsageReader} (from the task's cgroups, or from /proc for POSIX isolation), the
 * sandbox's disk usage by {@link SandboxDiskUsage} (re-measured at most once per interval), and
 * the limits from the task's resources (cpus, and mem or the memory cgroup's limit, disk).
 * All reading runs in one blocking job on Vert.x's worker pool, never on the event loop;
 * requests arriving while a sample runs share it, so a burst of requests costs one sample.
 * Call {@link #sample} on the executor's event loop.
 */
final class TaskUsageSampler {

  private final Vertx vertx;
  private final SandboxDiskUsage disk;
  private Future<List<TaskUsage>> inFlight;

  TaskUsageSampler(Vertx vertx, long diskWatchIntervalMillis) {
    this.vertx = vertx;
    this.disk = new SandboxDiskUsage(diskWatchIntervalMillis);
  }

  /** The usage of the given tasks (those spawned and not yet ended; others are skipped). */
  Future<List<TaskUsage>> sample(Collection<ProcessTask> tasks) {
    if (inFlight != null) {
      return inFlight;
    }
    List<ProcessTask> running = new ArrayList<>();
    for (ProcessTask t : tasks) {
      if ((t.process != null || t.adopted) && !t.terminal) {
        running.add(t);
      }
    }
    Future<List<TaskUsage>> sample = vertx.executeBlocking(() -> read(running), false);
    inFlight = sample;
    return sample.onComplete(ar -> inFlight = null);
  }

  private List<TaskUsage> read(List<ProcessTask> running) {
    List<TaskUsage> usages = new ArrayList<>(running.size());
    Set<String> keys = new HashSet<>();
    for (ProcessTask t : running) {
      TaskInfo task = t.launch.task();
      ResourceStatistics.Builder stats = ResourceStatistics.newBuilder()
          .setTimestamp(System.currentTimeMillis() / 1000.0);
      double cpus = ProcessLauncher.scalar(task, "cpus");
      if (cpus > 0) {
        stats.setCpusLimit(cpus);
      }
      if (t.cgroup != null) {
        UsageReader.fromCgroups(t.cgroup, stats);
      } else {
        UsageReader.fromProcesses(t.members(), stats);
        double mem = ProcessLauncher.scalar(task, "mem");
        if (mem > 0) {
          stats.setMemLimitBytes((long) (mem * 1024 * 1024));
        }
      }
      String key = ExecutorVerticle.key(t.launch.frameworkId(), t.taskId());
      keys.add(key);
      stats.setDiskUsedBytes(disk.bytes(key, Path.of(t.launch.sandbox())));
      double diskMb = ProcessLauncher.scalar(task, "disk");
      if (diskMb > 0) {
        stats.setDiskLimitBytes((long) (diskMb * 1024 * 1024));
      }
      usages.add(new TaskUsage(t.launch.frameworkId(), task, stats.build()));
    }
    disk.retain(keys);
    return usages;
  }
}
