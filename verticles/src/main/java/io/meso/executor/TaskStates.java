package io.meso.executor;

import io.meso.v1.TaskState;

/** Facts about task states shared by the agent and executors. */
public final class TaskStates {

  private TaskStates() {}

  /**
   * FINISHED, FAILED, KILLED, LOST, ERROR, DROPPED, GONE, GONE_BY_OPERATOR: the task will not run
   * again (Mesos's {@code protobuf::isTerminalState}).
   */
  public static boolean isTerminal(TaskState state) {
    switch (state) {
      case TASK_FINISHED:
      case TASK_FAILED:
      case TASK_KILLED:
      case TASK_LOST:
      case TASK_ERROR:
      case TASK_DROPPED:
      case TASK_GONE:
      case TASK_GONE_BY_OPERATOR:
        return true;
      default:
        return false;
    }
  }
}
