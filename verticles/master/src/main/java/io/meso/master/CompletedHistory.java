package io.meso.master;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * The master's memory of what ended: completed tasks (terminal and acknowledged, or belonging to a
 * removed framework) and removed frameworks, bounded across the whole master rather than per
 * framework, so that subscribing and tearing down many frameworks cannot push real history out.
 *
 * <p>Invariants: every task in {@link #tasks} is in its framework's {@code completed} deque (the
 * framework being in {@code frameworks} or {@code completedFrameworks}) and the other way round,
 * both in completion order; {@code tasks.size() <= maxTasks}; {@code completedFrameworks.size() <=
 * maxFrameworks}. When too many frameworks are remembered, the oldest one without remembered tasks
 * is forgotten first; only when every one still holds tasks is the oldest forgotten with its tasks.
 * With an age limit, tasks and removed frameworks older than it are forgotten too. Event-loop
 * confined, like the rest of the master's state.
 */
final class CompletedHistory {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CompletedHistory.class);

  private final Map<String, FrameworkRecord> frameworks;
  private final Map<String, FrameworkRecord> completedFrameworks;
  private final MasterOptions options;
  /** The master's launch-order list of tasks: a task forgotten here leaves it too. */
  private final TaskOrder order;
  /** Every remembered completed task across the master, oldest first (identity: TaskRecord keeps Object.equals). */
  private final LinkedHashSet<TaskRecord> tasks = new LinkedHashSet<>();

  CompletedHistory(Map<String, FrameworkRecord> frameworks, Map<String, FrameworkRecord> completedFrameworks,
      TaskOrder order, MasterOptions options) {
    this.order = order;
    this.frameworks = frameworks;
    this.completedFrameworks = completedFrameworks;
    this.options = options;
  }

  /** Remembers a task that left {@code framework.tasks}; forgets the oldest if over the bound. */
  void addTask(FrameworkRecord framework, TaskRecord task, double now) {
    task.completedAt = now;
    framework.completed.addLast(task);
    tasks.add(task);
    while (tasks.size() > options.getMaxCompletedTasks()) {
      forget(tasks.iterator().next());
    }
  }

  /** Remembers a removed framework (its tasks already moved to its completed deque). */
  void addFramework(FrameworkRecord framework, double now) {
    framework.removedAt = now;
    completedFrameworks.put(framework.id, framework);
    while (completedFrameworks.size() > options.getMaxCompletedFrameworks()) {
      FrameworkRecord victim = null;
      for (FrameworkRecord f : completedFrameworks.values()) {
        if (f.completed.isEmpty()) {
          victim = f;
          break;
        }
      }
      forgetFramework(victim != null ? victim : completedFrameworks.values().iterator().next());
    }
  }

  /** Forgets what is older than the age limit (called periodically). */
  void expire(double now) {
    long maxAge = options.getMaxCompletedAgeMillis();
    if (maxAge <= 0) {
      return;
    }
    double cutoff = now - maxAge / 1000.0;
    int forgotten = 0;
    while (!tasks.isEmpty() && tasks.iterator().next().completedAt < cutoff) {
      forget(tasks.iterator().next());
      forgotten++;
    }
    for (Iterator<FrameworkRecord> it = completedFrameworks.values().iterator(); it.hasNext(); ) {
      FrameworkRecord f = it.next();
      if (f.removedAt < cutoff) {
        it.remove();
        f.completed.forEach(tasks::remove);
        f.completed.forEach(t -> TaskOrder.remove(order, f, t));
        forgotten++;
      }
    }
    if (forgotten > 0) {
      LOG.debug("forgot {} completed tasks and frameworks older than {} ms", forgotten, maxAge);
    }
  }

  int size() {
    return tasks.size();
  }

  private void forget(TaskRecord task) {
    tasks.remove(task);
    FrameworkRecord framework = frameworks.get(task.frameworkId);
    if (framework == null) {
      framework = completedFrameworks.get(task.frameworkId);
    }
    TaskOrder.remove(order, framework, task);
    if (framework != null) {
      framework.completed.removeFirstOccurrence(task);
    }
  }

  private void forgetFramework(FrameworkRecord framework) {
    completedFrameworks.remove(framework.id);
    for (TaskRecord task : framework.completed) {
      tasks.remove(task);
      TaskOrder.remove(order, framework, task);
    }
  }
}
