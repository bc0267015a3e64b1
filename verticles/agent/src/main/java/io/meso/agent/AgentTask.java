package io.meso.agent;

import io.meso.internal.StatusUpdate;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Task;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import java.nio.file.Path;

/**
 * The agent's record of one task from RunTaskMessage until its terminal update is acknowledged.
 * Event-loop confined.
 */
final class AgentTask {

  final TaskKey key;
  final TaskInfo info;
  final Path sandbox;
  /** The framework as of its latest RunTaskMessage (capabilities may change on failover). */
  FrameworkInfo framework;
  /** The state of the newest status update (STAGING until the executor reports). */
  TaskState state = TaskState.TASK_STAGING;
  TaskStatus latestStatus;

  AgentTask(TaskKey key, FrameworkInfo framework, TaskInfo info, Path sandbox) {
    this.key = key;
    this.framework = framework;
    this.info = info;
    this.sandbox = sandbox;
  }

  /** The task as a re-registration reports it; {@code head} is its update in flight, if any. */
  Task toProto(AgentID agentId, StatusUpdate head) {
    Task.Builder task = Task.newBuilder()
        .setName(info.getName())
        .setTaskId(info.getTaskId())
        .setFrameworkId(framework.getId())
        .setAgentId(agentId)
        .setState(state)
        .addAllResources(info.getResourcesList());
    if (info.hasLabels()) {
      task.setLabels(info.getLabels());
    }
    if (latestStatus != null) {
      task.addStatuses(latestStatus);
    }
    if (head != null) {
      task.setStatusUpdateState(head.getStatus().getState()).setStatusUpdateUuid(head.getUuid());
    }
    return task.build();
  }
}
