package io.meso.master;

import java.util.function.Predicate;

/**
 * Every task the master knows (active and remembered completed), in the order it learned of them
 * (launch order, which is the order of their first status, Mesos's sort key for {@code /tasks}),
 * as a doubly linked list threaded through the {@link TaskRecord}s themselves: two references per
 * task and no allocation, so that a page of the tasks, newest or oldest first, is a walk from
 * one end that stops after the page instead of a sort of every task per request.
 *
 * <p>A task is linked when it enters a framework's {@code tasks} and unlinked when the master
 * forgets it (it leaves the completed history, or another record replaces it). Event-loop
 * confined, like the rest of the master's state.
 */
final class TaskOrder {

  private TaskRecord oldest;
  private TaskRecord newest;
  private int size;

  /** Appends a task the master just learned of (a no-op for one already linked). */
  void add(TaskRecord task) {
    if (task.ordered) {
      return;
    }
    task.ordered = true;
    task.older = newest;
    task.newer = null;
    if (newest != null) {
      newest.newer = task;
    } else {
      oldest = task;
    }
    newest = task;
    size++;
  }

  /** Unlinks a task the master forgets (a no-op for one not linked). */
  void remove(TaskRecord task) {
    if (!task.ordered) {
      return;
    }
    if (task.older != null) {
      task.older.newer = task.newer;
    } else {
      oldest = task.newer;
    }
    if (task.newer != null) {
      task.newer.older = task.older;
    } else {
      newest = task.older;
    }
    task.older = null;
    task.newer = null;
    task.ordered = false;
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
    for (TaskRecord t = ascending ? oldest : newest; t != null; t = ascending ? t.newer : t.older) {
      if (!visitor.test(t)) {
        return;
      }
    }
  }
}
