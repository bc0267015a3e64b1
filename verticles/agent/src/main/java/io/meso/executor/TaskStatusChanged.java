package io.meso.executor;

import io.meso.v1.TaskStatus;
import java.util.Objects;

/**
 * Executor -> agent (local event bus, {@code Addresses.executorStatus(agentId)}): a task changed
 * state. The status carries task_id, state, source (SOURCE_EXECUTOR), and message/reason when
 * there is something to say; the agent stamps agent_id, timestamp and uuid and makes it a
 * reliable StatusUpdate. Exactly one terminal status is sent per launched task, last.
 */
public record TaskStatusChanged(String frameworkId, TaskStatus status) {
  public TaskStatusChanged {
    Objects.requireNonNull(frameworkId, "frameworkId");
    Objects.requireNonNull(status, "status");
  }

  public String taskId() {
    return status.getTaskId().getValue();
  }
}
