package io.meso.master;

import com.google.protobuf.ByteString;
import io.meso.allocator.Resources;
import io.meso.codecs.TaskStates;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkID;
import io.meso.v1.Task;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import java.util.ArrayDeque;
import java.util.Deque;

/** The master's view of one task: what was launched, where, and its status history. */
final class TaskRecord {

  static final int MAX_STATUSES = 16;

  final TaskInfo info;
  final String frameworkId;
  final String agentId;
  final Resources resources;
  final double createdAt;
  TaskState state = TaskState.TASK_STAGING;
  /** State and uuid of the latest update forwarded to the framework and not acknowledged yet. */
  TaskState pendingUpdateState;
  ByteString pendingUpdateUuid;
  /** Most tasks see three or four statuses (STAGING, STARTING, RUNNING, an end): a small first array. */
  final Deque<TaskStatus> statuses = new ArrayDeque<>(4);
  /** When the task moved into the completed history (seconds), for its age bound. */
  double completedAt;
  /** Its neighbours in the master's {@link TaskOrder} (launch order), and whether it is linked there. */
  TaskRecord older;
  TaskRecord newer;
  boolean inMasterOrder;
  /** Its neighbours in its framework's {@link TaskOrder}, and whether it is linked there. */
  TaskRecord frameworkOlder;
  TaskRecord frameworkNewer;
  boolean inFrameworkOrder;

  /**
   * {@code agent}: the agent record's own AgentID, shared by every task on the agent and their
   * statuses. The master keeps what it reads of the TaskInfo and drops the rest (its {@code data}
   * and the command's value, arguments, environment and URIs, which only the agent needs): at a
   * million tasks each copied id and command is tens of megabytes of master heap.
   */
  TaskRecord(TaskInfo info, String frameworkId, AgentID agent, Resources resources, double createdAt) {
    this(kept(info, agent), frameworkId, agent, resources, createdAt, true);
  }

  /** {@code info} already holds only what the master keeps, with {@code agent} as its agent id. */
  private TaskRecord(TaskInfo info, String frameworkId, AgentID agent, Resources resources, double createdAt,
      boolean keptAlready) {
    this.info = info;
    this.frameworkId = frameworkId;
    this.agentId = agent.getValue();
    this.resources = resources;
    this.createdAt = createdAt;
  }

  /**
   * A task an agent reported when it re-registered: what the master keeps of it, built once (a
   * new leader builds a million of these in a failover).
   */
  static TaskRecord reported(Task task, String frameworkId, AgentID agent, Resources resources, double createdAt) {
    TaskInfo.Builder info = TaskInfo.newBuilder().setName(task.getName()).setTaskId(task.getTaskId())
        .setAgentId(agent).addAllResources(task.getResourcesList());
    if (task.hasLabels()) {
      info.setLabels(task.getLabels());
    }
    if (task.hasUser()) {
      info.setCommand(io.meso.v1.CommandInfo.newBuilder().setUser(task.getUser()));
    }
    return new TaskRecord(info.build(), frameworkId, agent, resources, createdAt, true);
  }

  private static TaskInfo kept(TaskInfo info, AgentID agent) {
    TaskInfo.Builder kept = info.toBuilder().clearData().setAgentId(agent);
    if (info.hasCommand()) {
      kept.clearCommand();
      if (info.getCommand().hasUser()) {
        kept.setCommand(io.meso.v1.CommandInfo.newBuilder().setUser(info.getCommand().getUser()));
      }
    }
    return kept.build();
  }

  String id() {
    return info.getTaskId().getValue();
  }

  void addStatus(TaskStatus status) {
    TaskStatus.Builder kept = status.toBuilder().clearData();
    // The task's own ids, not each status's copies of them.
    if (status.getTaskId().equals(info.getTaskId())) {
      kept.setTaskId(info.getTaskId());
    }
    if (status.hasAgentId() && status.getAgentId().equals(info.getAgentId())) {
      kept.setAgentId(info.getAgentId());
    }
    statuses.addLast(kept.build());
    while (statuses.size() > MAX_STATUSES) {
      statuses.removeFirst();
    }
  }

  /**
   * Adds a status an agent reports again when it re-registers, unless the record has it already
   * (the same uuid, or without one the same state, source and time): an agent that re-registers
   * twice, or whose first attempt timed out, must not double the task's history.
   */
  void addReportedStatus(TaskStatus status) {
    for (TaskStatus known : statuses) {
      boolean same = status.hasUuid() && !status.getUuid().isEmpty()
          ? status.getUuid().equals(known.getUuid())
          : !known.hasUuid() && known.getState() == status.getState() && known.getSource() == status.getSource()
              && known.getTimestamp() == status.getTimestamp();
      if (same) {
        return;
      }
    }
    addStatus(status);
  }

  /**
   * Records a status the master generated for this task and sends its framework: the task's
   * state becomes the status's, so what the master records is what the framework is told.
   */
  void recordOwn(TaskStatus status) {
    state = status.getState();
    addStatus(status);
  }

  TaskStatus latestStatus() {
    return statuses.peekLast();
  }

  /** Whether the master is done with this task ({@link TaskStates#isEndedInMaster}): it holds no resources. */
  boolean terminal() {
    return TaskStates.isEndedInMaster(state);
  }

  Task toProto() {
    Task.Builder task = Task.newBuilder()
        .setName(info.getName())
        .setTaskId(info.getTaskId())
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setAgentId(info.getAgentId())
        .setState(state)
        .addAllResources(info.getResourcesList())
        .addAllStatuses(statuses);
    if (info.hasLabels()) {
      task.setLabels(info.getLabels());
    }
    if (pendingUpdateUuid != null) {
      task.setStatusUpdateState(pendingUpdateState).setStatusUpdateUuid(pendingUpdateUuid);
    }
    return task.build();
  }
}
