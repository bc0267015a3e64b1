package io.meso.executor;

import io.meso.executor.isolation.Isolators;
import io.meso.executor.isolation.Limitation;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the executor's running tasks against the limits their isolators watch (an OOM kill in
 * a task's cgroup, posix/mem's resident memory, disk/du, network/ports), every watch interval,
 * in one blocking job on Vert.x's worker pool for all tasks; the next check is scheduled when
 * that one is done, so checks never pile up on a slow machine. When the isolators need the
 * tasks' processes, one /proc scan lists them for all tasks (each task's session, plus its
 * cgroups), not one scan per task. What it finds goes to the executor on its event loop. Runs
 * only when some isolator watches. Event-loop confined.
 */
final class LimitWatcher {

  private static final Logger LOG = LoggerFactory.getLogger(LimitWatcher.class);

  /** What the executor does with a limitation found while its task runs. */
  interface Listener {
    void limited(ProcessTask task, Limitation limitation);
  }

  private final Vertx vertx;
  private final Isolators isolators;
  private final long intervalMillis;
  private final Supplier<Collection<ProcessTask>> tasks;
  private final Listener listener;
  /** Whether tasks lead sessions of their own (then one /proc scan finds every task's processes). */
  private final boolean sessions;
  private long timer = -1;
  private boolean stopped;

  LimitWatcher(Vertx vertx, Isolators isolators, long intervalMillis, boolean sessions,
      Supplier<Collection<ProcessTask>> tasks, Listener listener) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.isolators = isolators;
    this.intervalMillis = intervalMillis;
    this.tasks = tasks;
    this.listener = listener;
  }

  void start() {
    if (isolators.watches()) {
      schedule();
    }
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void schedule() {
    if (!stopped) {
      timer = vertx.setTimer(intervalMillis, id -> {
        timer = -1;
        check();
      });
    }
  }

  /** Blocking: each task's processes (its session's members, and its cgroups' ones) from one /proc scan. */
  private static void listProcesses(List<ProcessTask> running) {
    List<Long> leaders = new ArrayList<>();
    running.forEach(t -> leaders.add(t.leader));
    Map<Long, Set<Long>> sessions = ProcessTree.members(leaders);
    for (ProcessTask t : running) {
      Set<Long> pids = new HashSet<>(sessions.getOrDefault(t.leader, Set.of()));
      if (t.cgroup() != null) {
        pids.addAll(t.cgroup().pids());
      }
      t.container.membersNow(pids);
    }
  }

  private void check() {
    List<ProcessTask> running = new ArrayList<>();
    for (ProcessTask t : tasks.get()) {
      if ((t.process != null || t.adopted) && !t.terminal && !t.killRequested && t.exitStatus == null) {
        running.add(t);
      }
    }
    if (running.isEmpty()) {
      schedule();
      return;
    }
    vertx.executeBlocking(() -> {
      if (sessions && isolators.watchesProcesses()) {
        listProcesses(running);
      }
      Map<ProcessTask, List<Limitation>> found = new LinkedHashMap<>();
      try {
        for (ProcessTask t : running) {
          List<Limitation> limits = isolators.limitations(t.container, false);
          if (!limits.isEmpty()) {
            found.put(t, limits);
          }
        }
      } finally {
        running.forEach(t -> t.container.membersNow(null));
      }
      return found;
    }, false).onComplete(ar -> {
      if (stopped) {
        return;
      }
      if (ar.succeeded()) {
        ar.result().forEach((task, limits) -> limits.forEach(l -> listener.limited(task, l)));
      } else {
        LOG.warn("checking running tasks against their limits failed: {}", ar.cause().toString());
      }
      schedule();
    });
  }
}
