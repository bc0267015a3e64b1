package io.meso.codecs;

import io.meso.v1.TaskState;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one definition of which task states end a task, used by the master, the agent, the
 * executors, the SDK, the CLI and the operator API. The web UI's {@code app.js} keeps a copy of
 * {@link #COMPLETED} that {@code TaskStatesInAppJsTest} compares with this one.
 */
public final class TaskStates {

  private TaskStates() {}

  /**
   * FINISHED, FAILED, KILLED, ERROR, LOST, DROPPED, GONE, GONE_BY_OPERATOR: the task will not run
   * again (Mesos's {@code protobuf::isTerminalState}). These are also the states whose Mesos
   * metric ({@code master/tasks_<state>}) counts since the master started rather than now.
   */
  public static final Set<TaskState> TERMINAL = Collections.unmodifiableSet(EnumSet.of(
      TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_ERROR,
      TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR));

  /**
   * What the operator API ({@code /state}, {@code /tasks}) and the web UI list as completed rather
   * than active: the {@link #TERMINAL} states and TASK_UNKNOWN (no one knows of the task; it holds
   * nothing).
   */
  public static final Set<TaskState> COMPLETED;

  static {
    EnumSet<TaskState> completed = EnumSet.copyOf(TERMINAL);
    completed.add(TaskState.TASK_UNKNOWN);
    COMPLETED = Collections.unmodifiableSet(completed);
  }

  /** Whether the task will not run again: {@link #TERMINAL}. */
  public static boolean isTerminal(TaskState state) {
    return TERMINAL.contains(state);
  }

  /**
   * Whether the master is done with the task: terminal, except TASK_LOST. The master records
   * TASK_LOST for a task on an unreachable agent when its framework is not partition-aware; the
   * agent may re-register with the task still running, so the master keeps the task (and its
   * resources) until the agent re-registers, is removed, or is marked gone.
   */
  public static boolean isEndedInMaster(TaskState state) {
    return state != TaskState.TASK_LOST && isTerminal(state);
  }
}
