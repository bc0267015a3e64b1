package io.meso.executor;

import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskInfo;
import java.util.Objects;

/**
 * Agent -> executor (local event bus, {@code Addresses.executor(agentId)}): launch one task in
 * the given sandbox. The executor creates the sandbox directory in the same off-loop step that
 * spawns the process, answers with {@link TaskStatusChanged} messages, and never replies.
 *
 * @param framework the framework the task belongs to (its id is set)
 * @param task the task as the framework described it
 * @param sandbox the absolute path of the task's sandbox directory
 */
public record LaunchTask(FrameworkInfo framework, TaskInfo task, String sandbox) {
  public LaunchTask {
    Objects.requireNonNull(framework, "framework");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(sandbox, "sandbox");
  }

  public String frameworkId() {
    return framework.getId().getValue();
  }

  public String taskId() {
    return task.getTaskId().getValue();
  }
}
