package io.meso.executor;

import java.util.Objects;

/**
 * Agent -> executor (local event bus, {@code Addresses.executor(agentId)}): kill one task.
 * SIGTERM to its whole process tree, SIGKILL to what is left after {@code gracePeriodMillis},
 * then TASK_KILLED. A kill for a task the executor does not run is logged and ignored.
 *
 * @param reportKilling whether to report TASK_KILLING first (the framework has the
 *     TASK_KILLING_STATE capability)
 */
public record KillTask(String frameworkId, String taskId, long gracePeriodMillis, boolean reportKilling) {
  public KillTask {
    Objects.requireNonNull(frameworkId, "frameworkId");
    Objects.requireNonNull(taskId, "taskId");
    if (gracePeriodMillis < 0) {
      throw new IllegalArgumentException("gracePeriodMillis must be >= 0, was " + gracePeriodMillis);
    }
  }
}
