package io.meso.master;

import io.meso.proto.MasterEvent;
import io.meso.proto.TaskSummary;
import io.meso.codecs.Addresses;
import io.meso.v1.AgentID;
import io.meso.v1.TaskStatus;

/**
 * Builds the master's changes as they happen and hands them to {@link Effects#publish} (the
 * master verticle publishes them on {@link Addresses#MASTER_EVENTS}), for the operator API's
 * SUBSCRIBE stream and the web UI. Event-loop confined, like the master.
 */
final class MasterEvents {

  private final java.util.Map<String, AgentRecord> agents;
  private final Effects effects;

  MasterEvents(java.util.Map<String, AgentRecord> agents, Effects effects) {
    this.agents = agents;
    this.effects = effects;
  }

  private void publish(MasterEvent.Builder event) {
    effects.publish(event.setTime(Tasks.nowSeconds()).build());
  }

  void taskAdded(FrameworkRecord framework, TaskRecord task) {
    taskAdded(framework, task, task.toProto());
  }

  /** {@code proto}: the task's {@link TaskRecord#toProto}, built already. */
  void taskAdded(FrameworkRecord framework, TaskRecord task, io.meso.v1.Task proto) {
    publish(MasterEvent.newBuilder().setType(MasterEvent.Type.TASK_ADDED).setTask(summary(framework, task, proto))
        .setFrameworkUser(framework.info.getUser()).setTaskUser(orEmpty(Authorization.userOf(task.info, framework.info))));
  }

  /** A status reached the master; the task (if the master knows it) carries its new state. */
  void taskUpdated(FrameworkRecord framework, TaskStatus status) {
    TaskRecord task = framework.tasks.get(status.getTaskId().getValue());
    MasterEvent.Builder event = MasterEvent.newBuilder().setType(MasterEvent.Type.TASK_UPDATED)
        .setStatus(status.toBuilder().clearData()).setFrameworkUser(framework.info.getUser());
    if (task != null) {
      event.setTask(summary(framework, task)).setTaskUser(orEmpty(Authorization.userOf(task.info, framework.info)));
    }
    publish(event);
  }

  void agentAdded(AgentRecord agent) {
    agentAdded(agent, agent.used());
  }

  /** {@code used}: what the agent's tasks use, summed already. */
  void agentAdded(AgentRecord agent, io.meso.allocator.Resources used) {
    publish(MasterEvent.newBuilder().setType(MasterEvent.Type.AGENT_ADDED)
        .setAgent(io.meso.proto.AgentSummary.newBuilder().setAgentInfo(agent.info)
            .addAllTotal(agent.total.toProto()).addAllUsed(used.toProto())
            .setActive(agent.status == AgentRecord.Status.ACTIVE).setRegisteredTime(agent.registeredAt)));
  }

  /** {@code agent}: the removed agent's record (for its hostname), or null when the master no longer has it. */
  void agentRemoved(String agentId, AgentRecord agent) {
    MasterEvent.Builder event = MasterEvent.newBuilder().setType(MasterEvent.Type.AGENT_REMOVED)
        .setAgentId(AgentID.newBuilder().setValue(agentId));
    if (agent != null) {
      event.setAgentHostname(agent.hostname());
    }
    publish(event);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  void frameworkAdded(FrameworkRecord framework) {
    publish(MasterEvent.newBuilder().setType(MasterEvent.Type.FRAMEWORK_ADDED).setFramework(frameworkSummary(framework)));
  }

  void frameworkUpdated(FrameworkRecord framework) {
    publish(MasterEvent.newBuilder().setType(MasterEvent.Type.FRAMEWORK_UPDATED).setFramework(frameworkSummary(framework)));
  }

  void frameworkRemoved(FrameworkRecord framework) {
    publish(MasterEvent.newBuilder().setType(MasterEvent.Type.FRAMEWORK_REMOVED).setFramework(frameworkSummary(framework)));
  }

  private io.meso.proto.FrameworkSummary.Builder frameworkSummary(FrameworkRecord framework) {
    int active = 0;
    for (TaskRecord t : framework.tasks.values()) {
      if (!t.terminal()) {
        active++;
      }
    }
    return io.meso.proto.FrameworkSummary.newBuilder().setFrameworkInfo(framework.info)
        .setConnected(framework.connected()).setActiveTasks(active);
  }

  private TaskSummary summary(FrameworkRecord framework, TaskRecord task) {
    return summary(framework, task, task.toProto());
  }

  private TaskSummary summary(FrameworkRecord framework, TaskRecord task, io.meso.v1.Task proto) {
    AgentRecord agent = agents.get(task.agentId);
    return TaskSummary.newBuilder()
        .setTask(proto)
        .setHostname(agent == null ? "" : agent.hostname())
        .setFrameworkName(framework.info.getName())
        .setCreatedAt(task.createdAt)
        .build();
  }
}
