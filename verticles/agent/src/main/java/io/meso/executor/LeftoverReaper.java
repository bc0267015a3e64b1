package io.meso.executor;

import io.meso.executor.isolation.Container;
import io.meso.executor.isolation.cgroups.TaskCgroup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills what a task leaves behind after its main process exited on its own (a background job, a
 * daemon), then has the isolators clean up after it (its cgroups are removed). Sweeps are batched: the first exit schedules one sweep after
 * a short delay, and that sweep handles every task that exited meanwhile with a single /proc
 * scan, so short tasks do not each pay for a scan. A task with survivors is swept again (up to
 * {@link #MAX_ATTEMPTS} times). Event-loop confined except for the sweep itself.
 */
final class LeftoverReaper {

  private static final Logger LOG = LoggerFactory.getLogger(LeftoverReaper.class);
  private static final int MAX_ATTEMPTS = 10;
  /**
   * How long {@link #flush} keeps sweeping: SIGKILLed processes leave their cgroups only once
   * the kernel has run their exit, which on a loaded machine (or for a process the freezer holds)
   * takes longer than the few milliseconds a quiet one needs.
   */
  static final long FLUSH_MILLIS = 5_000;

  /** What to clean after one task: its session leader's pid and what the isolators made for it. */
  record Leftover(String taskId, long leader, Container container, int attempts) {}

  private final Vertx vertx;
  private final long delayMillis;
  /** The isolators' cleanup (blocking): false while something is left to clean. */
  private final Predicate<Container> cleanup;
  private List<Leftover> queued = new ArrayList<>();
  private boolean scheduled;
  /** The sweep running now (its leftovers are queued again when it completes). */
  private Future<List<Leftover>> sweeping = Future.succeededFuture(List.of());

  LeftoverReaper(Vertx vertx, long delayMillis, Predicate<Container> cleanup) {
    this.vertx = vertx;
    this.delayMillis = delayMillis;
    this.cleanup = cleanup;
  }

  void add(String taskId, long leader, Container container) {
    queued.add(new Leftover(taskId, leader, container, 0));
    schedule();
  }

  /**
   * For undeploy: queues a task killed on stop whose cleanup found something left (its processes
   * not yet gone from its cgroups), for {@link #flush}; no sweep is scheduled.
   */
  void addForFlush(String taskId, long leader, Container container) {
    queued.add(new Leftover(taskId, leader, container, 0));
  }

  /**
   * For undeploy: waits for a sweep in progress, then sweeps whatever is queued until nothing is
   * left, passes a few milliseconds apart for at most {@link #FLUSH_MILLIS} (SIGKILLed processes
   * take a moment to leave their cgroups, which cannot be removed before); what is still left
   * then is logged and left to the sweep of the agent's next start.
   */
  Future<Void> flush() {
    return sweeping.transform(ar -> {
      List<Leftover> batch = queued;
      queued = new ArrayList<>();
      return vertx.executeBlocking(() -> {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS);
        List<Leftover> left = batch;
        for (int pass = 0; !left.isEmpty(); pass++) {
          if (pass > 0) {
            if (pass == 1) {
              LOG.info("waiting for killed tasks to leave their cgroups: {}", left.stream().map(Leftover::taskId).toList());
            }
            if (System.nanoTime() > deadline) {
              LOG.warn("killed tasks still in their cgroups after {} ms, left for the next start's sweep: {}",
                  FLUSH_MILLIS, left.stream().map(l -> l.taskId() + " " + l.container().cgroup()).toList());
              break;
            }
            Thread.sleep(5);
          }
          left = sweep(left, Integer.MAX_VALUE);
        }
        return null;
      }, false);
    }).mapEmpty();
  }

  private void schedule() {
    if (scheduled || queued.isEmpty()) {
      return;
    }
    scheduled = true;
    vertx.setTimer(Math.max(1, delayMillis), id -> {
      List<Leftover> batch = queued;
      queued = new ArrayList<>();
      sweeping = vertx.executeBlocking(() -> sweep(batch, MAX_ATTEMPTS), false);
      sweeping.onComplete(ar -> {
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

  /** Blocking: SIGKILLs survivors, then cleans up after the tasks left empty; returns what needs another sweep. */
  private List<Leftover> sweep(List<Leftover> batch, int maxAttempts) {
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
      TaskCgroup cgroup = l.container().cgroup();
      if (cgroup != null) {
        survivors.addAll(cgroup.pids());
      }
      if (!survivors.isEmpty()) {
        if (l.attempts() == 0) {
          LOG.info("killing processes left behind by task_id={} pids={}", l.taskId(), survivors);
        }
        if (cgroup != null) {
          cgroup.kill();
        }
        ProcessTree.signal(survivors, true);
      }
      boolean cleaned = survivors.isEmpty() && cleanup.test(l.container());
      if (!cleaned) {
        if (l.attempts() + 1 < maxAttempts) {
          again.add(new Leftover(l.taskId(), l.leader(), l.container(), l.attempts() + 1));
        } else {
          LOG.warn("giving up cleaning after task_id={} survivors={} cgroup={}", l.taskId(), survivors, cgroup);
        }
      }
    }
    return again;
  }
}
