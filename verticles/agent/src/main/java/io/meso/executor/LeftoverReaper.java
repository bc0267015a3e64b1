package io.meso.executor;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills what a task leaves behind after its main process exited on its own (a background job, a
 * daemon) and removes its cgroups. Sweeps are batched: the first exit schedules one sweep after
 * a short delay, and that sweep handles every task that exited meanwhile with a single /proc
 * scan, so short tasks do not each pay for a scan. A task with survivors is swept again (up to
 * {@link #MAX_ATTEMPTS} times). Event-loop confined except for the sweep itself.
 */
final class LeftoverReaper {

  private static final Logger LOG = LoggerFactory.getLogger(LeftoverReaper.class);
  private static final int MAX_ATTEMPTS = 10;

  /** What to clean after one task: its session leader's pid and its cgroups, if any. */
  record Leftover(String taskId, long leader, TaskCgroup cgroup, int attempts) {}

  private final Vertx vertx;
  private final long delayMillis;
  private List<Leftover> queued = new ArrayList<>();
  private boolean scheduled;

  LeftoverReaper(Vertx vertx, long delayMillis) {
    this.vertx = vertx;
    this.delayMillis = delayMillis;
  }

  void add(String taskId, long leader, TaskCgroup cgroup) {
    queued.add(new Leftover(taskId, leader, cgroup, 0));
    schedule();
  }

  /** Sweeps whatever is queued now, once; for undeploy. */
  Future<Void> flush() {
    List<Leftover> batch = queued;
    queued = new ArrayList<>();
    return vertx.executeBlocking(() -> sweep(batch), false).mapEmpty();
  }

  private void schedule() {
    if (scheduled || queued.isEmpty()) {
      return;
    }
    scheduled = true;
    vertx.setTimer(Math.max(1, delayMillis), id -> {
      List<Leftover> batch = queued;
      queued = new ArrayList<>();
      vertx.executeBlocking(() -> sweep(batch), false).onComplete(ar -> {
        scheduled = false;
        if (ar.succeeded()) {
          queued.addAll(ar.result());
        } else {
          LOG.warn("leftover sweep failed: {}", ar.cause().toString());
        }
        schedule();
      });
    });
  }

  /** Blocking: SIGKILLs survivors, removes empty cgroups; returns what needs another sweep. */
  private static List<Leftover> sweep(List<Leftover> batch) {
    Set<Long> leaders = new HashSet<>();
    for (Leftover l : batch) {
      // A live process with the leader's pid means the pid was reused: the old session is empty.
      if (l.leader() > 0 && !ProcessTree.alive(l.leader())) {
        leaders.add(l.leader());
      }
    }
    Map<Long, Set<Long>> members = ProcessTree.members(leaders);
    List<Leftover> again = new ArrayList<>();
    for (Leftover l : batch) {
      Set<Long> survivors = new HashSet<>(members.getOrDefault(l.leader(), Set.of()));
      if (l.cgroup() != null) {
        survivors.addAll(l.cgroup().pids());
      }
      if (!survivors.isEmpty()) {
        LOG.info("killing processes left behind by task_id={} pids={}", l.taskId(), survivors);
        ProcessTree.signal(survivors, true);
      }
      boolean cgroupGone = l.cgroup() == null || (survivors.isEmpty() && l.cgroup().remove());
      if (!survivors.isEmpty() || !cgroupGone) {
        if (l.attempts() + 1 < MAX_ATTEMPTS) {
          again.add(new Leftover(l.taskId(), l.leader(), l.cgroup(), l.attempts() + 1));
        } else {
          LOG.warn("giving up cleaning after task_id={} survivors={} cgroup={}", l.taskId(), survivors, l.cgroup());
        }
      }
    }
    return again;
  }
}
