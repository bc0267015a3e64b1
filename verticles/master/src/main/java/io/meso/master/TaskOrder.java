package io.meso.master;

import java.util.function.Predicate;

/**
 * Tasks in the order the master learned of them (launch order, which is the order of their first
 * status, Mesos's sort key for {@code /tasks}), as a doubly linked list threaded through the
 * {@link TaskRecord}s themselves: two references per task and no allocation, so that a page of
 * the tasks, newest or oldest first, is a walk from one end that stops after the page instead of
 * a sort of every task per request.
 *
 * <p>Two lists run through each task: the master's ({@link MasterState#taskOrder}, every task it
 * knows, active and remembered completed) and its framework's ({@link FrameworkRecord#taskOrder}),
 * so that a page of one framework walks only that framework's tasks. {@link #add} links a task
 * into both when it enters its framework's {@code tasks}; {@link #remove} unlinks it from both
 * when the master forgets it (it leaves the completed history, or another record replaces it).
 * Event-loop confined, like the rest of the master's state.
 */
final class TaskOrder {

  private final boolean perFramework;
  private TaskRecord oldest;
  private TaskRecord newest;
  private int size;

  private TaskOrder(boolean perFramework) {
    this.perFramework = perFramework;
  }

  /** The master's list of every task. */
  static TaskOrder master() {
    return new TaskOrder(false);
  }

  /** One framework's list. */
  static TaskOrder framework() {
    return new TaskOrder(true);
  }

  /** Appends a task the master just learned of to its list and its framework's (no-op where linked). */
  static void add(TaskOrder master, FrameworkRecord framework, TaskRecord task) {
    master.link(task);
    framework.taskOrder.link(task);
  }

  /** Unlinks a task the master forgets from its list and its framework's (no-op where not linked). */
  static void remove(TaskOrder master, FrameworkRecord framework, TaskRecord task) {
    master.unlink(task);
    if (framework != null) {
      framework.taskOrder.unlink(task);
    }
  }

  private TaskRecord older(TaskRecord t) {
    return perFramework ? t.frameworkOlder : t.older;
  }

  private TaskRecord newer(TaskRecord t) {
    return perFramework ? t.frameworkNewer : t.newer;
  }

  private void setOlder(TaskRecord t, TaskRecord v) {
    if (perFramework) {
      t.frameworkOlder = v;
    } else {
      t.older = v;
    }
  }

  private void setNewer(TaskRecord t, TaskRecord v) {
    if (perFramework) {
      t.frameworkNewer = v;
    } else {
      t.newer = v;
    }
  }

  private boolean linked(TaskRecord t) {
    return perFramework ? t.inFrameworkOrder : t.inMasterOrder;
  }

  private void setLinked(TaskRecord t, boolean v) {
    if (perFramework) {
      t.inFrameworkOrder = v;
    } else {
      t.inMasterOrder = v;
    }
  }

  void link(TaskRecord task) {
    if (linked(task)) {
      return;
    }
    setLinked(task, true);
    setOlder(task, newest);
    setNewer(task, null);
    if (newest != null) {
      setNewer(newest, task);
    } else {
      oldest = task;
    }
    newest = task;
    size++;
  }

  void unlink(TaskRecord task) {
    if (!linked(task)) {
      return;
    }
    TaskRecord older = older(task);
    TaskRecord newer = newer(task);
    if (older != null) {
      setNewer(older, newer);
    } else {
      oldest = newer;
    }
    if (newer != null) {
      setOlder(newer, older);
    } else {
      newest = older;
    }
    setOlder(task, null);
    setNewer(task, null);
    setLinked(task, false);
    size--;
  }

  int size() {
    return size;
  }

  /**
   * Walks the tasks oldest first ({@code ascending}) or newest first, handing each to
   * {@code visitor} until it answers false.
   */
  void walk(boolean ascending, Predicate<TaskRecord> visitor) {
    for (TaskRecord t = ascending ? oldest : newest; t != null; t = ascending ? newer(t) : older(t)) {
      if (!visitor.test(t)) {
        return;
      }
    }
  }
}
