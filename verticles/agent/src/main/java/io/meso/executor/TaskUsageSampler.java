package io.meso.executor;

import io.meso.v1.ResourceStatistics;
import io.meso.v1.TaskInfo;
import io.meso.executor.isolation.Isolators;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Samples the usage of the executor's running tasks for a {@link UsageRequest}: what the
 * isolators measure ({@link Isolators#usage}: cpu and memory from the task's cgroups, or from
 * /proc without them, and the sandbox's disk usage, re-measured at most once per interval) and
 * the limits from the task's resources. All reading runs in one blocking job on Vert.x's worker
 * pool, never on the event loop; requests arriving while a sample runs share it, so a burst of
 * requests costs one sample. Call {@link #sample} on the executor's event loop.
 */
final class TaskUsageSampler {

  private final Vertx vertx;
  private final Isolators isolators;
  private Future<List<TaskUsage>> inFlight;

  TaskUsageSampler(Vertx vertx, Isolators isolators) {
    this.vertx = vertx;
    this.isolators = isolators;
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
      isolators.usage(t.container, stats);
      keys.add(Isolators.key(t.container));
      usages.add(new TaskUsage(t.launch.frameworkId(), task, stats.build()));
    }
    isolators.retainMeasurements(keys);
    return usages;
  }
}
