package io.meso.jobs.runtime;

import io.meso.v1.TaskState;

/**
 * What a task status means for the run it belongs to. The one subtle row: a task the master
 * does not know (unknown, gone, dropped, lost) never ran if no status of it was ever seen (the
 * launch did not reach the master, e.g. the old leader died between claiming and launching), so
 * the same attempt is launched again; if it had been seen running, it was lost, which is a failure.
 */
enum TaskOutcome {
  /** Staging, starting or running. */
  ACTIVE,
  /** Nothing to do yet: killing, or unreachable (it may come back). */
  WAIT,
  /** Exit 0. */
  SUCCESS,
  /** Failed, errored, or lost after it ran. */
  FAILURE,
  /** Killed. */
  KILLED,
  /** The master does not know the task and it was never seen running: launch the attempt again. */
  NOT_LAUNCHED;

  static TaskOutcome of(TaskState state, boolean seenRunning) {
    return switch (state) {
      case TASK_STAGING, TASK_STARTING, TASK_RUNNING -> ACTIVE;
      case TASK_KILLING, TASK_UNREACHABLE -> WAIT;
      case TASK_FINISHED -> SUCCESS;
      case TASK_FAILED, TASK_ERROR -> FAILURE;
      case TASK_KILLED -> KILLED;
      case TASK_LOST, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_UNKNOWN, TASK_DROPPED ->
          seenRunning ? FAILURE : NOT_LAUNCHED;
    };
  }
}
