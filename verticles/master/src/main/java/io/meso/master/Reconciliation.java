package io.meso.master;

import io.meso.codecs.TaskEnd;
import io.meso.v1.AgentID;
import io.meso.v1.TaskStatus;
import io.meso.v1.TimeInfo;
import io.meso.v1.scheduler.Call;
import java.util.List;

/**
 * The reconciliation part of the {@link MasterState}: what the master answers a framework that
 * asks for the state of its tasks, known ones from their records, unknown ones by what the
 * master knows of the agent named ({@link TaskEnd}'s table again says which state each kind of
 * framework gets).
 */
final class Reconciliation {

  private final MasterState s;

  Reconciliation(MasterState state) {
    this.s = state;
  }

  /**
   * RECONCILE of {@code asked} (task ids checked; none: every task the master knows for the
   * framework) answered with one update per task, except those the master cannot answer yet.
   * {@code awaited} is how many agents admitted before a failover have not re-registered yet.
   */
  void reconcile(FrameworkRecord framework, List<Call.Reconcile.Task> asked, int awaited) {
    if (asked.isEmpty()) {
      // Implicit reconciliation: the latest state of every task the master knows for this framework.
      for (TaskRecord task : framework.tasks.values()) {
        s.sendUpdate(framework, reconciled(task));
      }
      return;
    }
    for (Call.Reconcile.Task t : asked) {
      TaskRecord task = framework.tasks.get(t.getTaskId().getValue());
      if (task == null) {
        task = framework.completed.stream().filter(c -> c.id().equals(t.getTaskId().getValue()))
            .reduce((a, b) -> b).orElse(null);
      }
      if (task != null) {
        s.sendUpdate(framework, reconciled(task));
      } else {
        TaskStatus unknown = unknownTask(framework, t, awaited);
        if (unknown != null) {
          s.sendUpdate(framework, unknown);
        }
      }
    }
  }

  /**
   * The answer to reconciling a task the master does not know, as in Mesos, by what the master
   * knows of the agent named: registered, TASK_GONE (the agent would have reported it);
   * unreachable (also one the registry holds as unreachable that has not re-registered since a
   * failover), TASK_UNREACHABLE with its unreachable time; admitted before a failover and not
   * re-registered yet, no answer (the agent reports its tasks when it does, or is recorded
   * unreachable after the re-register timeout); marked gone by the operator, TASK_GONE_BY_OPERATOR;
   * not named while any agent admitted before a failover has not re-registered yet, no answer either;
   * unknown or not named, TASK_UNKNOWN. Frameworks
   * without PARTITION_AWARE get TASK_LOST instead of each of those states.
   */
  private TaskStatus unknownTask(FrameworkRecord framework, Call.Reconcile.Task t, int awaited) {
    String agentId = t.hasAgentId() && !t.getAgentId().getValue().isEmpty() ? t.getAgentId().getValue() : null;
    AgentRecord agent = agentId == null ? null : s.agents.get(agentId);
    Double unreachableSince = null;
    TaskEnd why;
    String message;
    if (agent != null && agent.status == AgentRecord.Status.ACTIVE) {
      why = TaskEnd.RECONCILED_ON_REGISTERED_AGENT;
      message = "Task is unknown to the master; agent " + agentId + " is registered and does not run it";
    } else if (agent != null) {
      unreachableSince = agent.unreachableSince;
      why = TaskEnd.RECONCILED_ON_UNREACHABLE_AGENT;
      message = "Task is unknown to the master; agent " + agentId + " is unreachable";
    } else if (s.isGone(agentId)) {
      why = TaskEnd.RECONCILED_ON_GONE_AGENT;
      message = "Task is unknown to the master; agent " + agentId + " was marked gone by the operator";
    } else if (agentId != null && s.recoveringAgents.contains(agentId)) {
      return null;
    } else if (agentId == null && awaited > 0) {
      // As Mesos: without an agent id the task could be on any agent admitted before the failover
      // that has not re-registered yet, so nothing is answered until every one of them has
      // re-registered, been marked gone, or timed out (the framework retries).
      s.log("dropping reconciliation of task={} framework={}: {} agents have not re-registered since the "
          + "failover", t.getTaskId().getValue(), framework.id, awaited);
      return null;
    } else if (agentId != null && s.unreachableAgents.containsKey(agentId)) {
      unreachableSince = s.unreachableAgents.get(agentId);
      why = TaskEnd.RECONCILED_ON_UNREACHABLE_AGENT;
      message = "Task is unknown to the master; agent " + agentId + " is unreachable (it did not re-register "
          + "after the master failover)";
    } else {
      why = TaskEnd.UNKNOWN;
      message = agentId == null ? "Task is unknown to the master"
          : "Task is unknown to the master; so is agent " + agentId;
    }
    TaskStatus status = Tasks.endStatus(why, framework, t.getTaskId(), agentId, message);
    if (unreachableSince != null) {
      status = status.toBuilder().setUnreachableTime(TimeInfo.newBuilder()
          .setNanoseconds((long) (unreachableSince * 1e9))).build();
    }
    return status;
  }

  private static TaskStatus reconciled(TaskRecord task) {
    TaskStatus latest = task.latestStatus();
    TaskStatus.Builder status = latest == null
        ? TaskStatus.newBuilder().setTaskId(task.info.getTaskId()).setState(task.state)
        : latest.toBuilder().clearUuid();
    return status.setState(task.state)
        .setSource(TaskStatus.Source.SOURCE_MASTER)
        .setReason(TaskStatus.Reason.REASON_RECONCILIATION)
        .setTimestamp(Tasks.nowSeconds())
        .setAgentId(AgentID.newBuilder().setValue(task.agentId))
        .build();
  }
}
