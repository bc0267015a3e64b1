package io.meso.executor;

import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskInfo;
import java.util.Objects;

/**
 * Agent -> executor (local event bus, {@code Addresses.executor(agentId)}): launch one task in
 * the given sandbox. The executor creates the sandbox directory in the same off-loop step that
 * spawns the process, answers with {@link TaskStatusChanged} messages, and never replies.
 *
 * <p>With a {@code checkpointDir}, the task is recoverable (see {@link RecoverTasks}): in that
 * same step, before spawning, the executor logs the framework and the task there
 * ({@link TaskCheckpoint}), runs the task under a small shell (with the native launch
 * helper: under the helper itself) that records its exit status in
 * {@code <sandbox>/exit_status} even when no agent is watching, and right after
 * spawning logs the pid and start time of the task's leader.
 *
 * @param framework the framework the task belongs to (its id is set)
 * @param task the task as the framework described it
 * @param sandbox the absolute path of the task's sandbox directory
 * @param checkpointDir the task's checkpoint directory, or null when it is not checkpointed
 */
public record LaunchTask(FrameworkInfo framework, TaskInfo task, String sandbox, String checkpointDir) {
  public LaunchTask {
    Objects.requireNonNull(framework, "framework");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(sandbox, "sandbox");
  }

  /** A task that is not checkpointed. */
  public LaunchTask(FrameworkInfo framework, TaskInfo task, String sandbox) {
    this(framework, task, sandbox, null);
  }

  public String frameworkId() {
    return framework.getId().getValue();
  }

  public String taskId() {
    return task.getTaskId().getValue();
  }

  /** The grace period of the task's kill policy, else {@code defaultMillis}: what a kill waits before SIGKILL. */
  long killGraceMillis(long defaultMillis) {
    return task.hasKillPolicy() && task.getKillPolicy().hasGracePeriod()
        ? Math.max(0, task.getKillPolicy().getGracePeriod().getNanoseconds() / 1_000_000) : defaultMillis;
  }

  /** Whether a kill reports TASK_KILLING first: the framework has the TASK_KILLING_STATE capability. */
  boolean reportsKilling() {
    return framework.getCapabilitiesList().stream()
        .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.TASK_KILLING_STATE);
  }
}
