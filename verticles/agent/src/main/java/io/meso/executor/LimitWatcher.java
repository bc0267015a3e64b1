package io.meso.executor;

import io.meso.executor.isolation.Isolators;
import io.meso.executor.isolation.Limitation;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the executor's running tasks against the limits their isolators watch (an OOM kill in
 * a task's cgroup, posix/mem's resident memory, disk/du, network/ports), every watch interval,
 * in one blocking job on Vert.x's worker pool for all tasks; the next check is scheduled when
 * that one is done, so checks never pile up on a slow machine. What it finds goes to the
 * executor on its event loop. Runs only when some isolator watches. Event-loop confined.
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
  private long timer = -1;
  private boolean stopped;

  LimitWatcher(Vertx vertx, Isolators isolators, long intervalMillis, Supplier<Collection<ProcessTask>> tasks,
      Listener listener) {
    this.vertx = vertx;
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
      Map<ProcessTask, List<Limitation>> found = new LinkedHashMap<>();
      for (ProcessTask t : running) {
        List<Limitation> limits = isolators.limitations(t.container, false);
        if (!limits.isEmpty()) {
          found.put(t, limits);
        }
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
