package io.meso.codecs;

import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;

/**
 * Why the master ends (or answers for) a task that no agent reports on, and what the task's
 * framework is told: the one table the master's "end this agent's tasks" loops, the rejection of
 * launches on invalid offers and the answers to reconciliation and kills of unknown tasks use.
 *
 * <p>As in Mesos, a framework with the PARTITION_AWARE capability gets the precise state of the
 * row; every other framework gets TASK_LOST. The master records the state it sends, so what an
 * operator sees for the task is what its framework was told.
 */
public enum TaskEnd {

  /** The agent missed too many pings; it may come back with the task still running. */
  AGENT_UNREACHABLE(TaskState.TASK_UNREACHABLE, TaskStatus.Reason.REASON_AGENT_REMOVED),
  /** The agent re-registered and did not report the task. */
  AGENT_REREGISTERED_WITHOUT_TASK(TaskState.TASK_GONE, TaskStatus.Reason.REASON_AGENT_REREGISTERED),
  /** The agent registered afresh under an id the master knew (it restarted without its checkpoint). */
  AGENT_RESTARTED(TaskState.TASK_GONE, TaskStatus.Reason.REASON_AGENT_RESTARTED),
  /** An operator marked the agent gone (MARK_AGENT_GONE). */
  AGENT_GONE_BY_OPERATOR(TaskState.TASK_GONE_BY_OPERATOR, TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR),
  /** The launch named offers that are not (or no longer) valid; the task never started. */
  INVALID_OFFERS(TaskState.TASK_DROPPED, TaskStatus.Reason.REASON_INVALID_OFFERS),
  /** Reconciling a task the master does not know, on an agent that is registered (and would have reported it). */
  RECONCILED_ON_REGISTERED_AGENT(TaskState.TASK_GONE, TaskStatus.Reason.REASON_RECONCILIATION),
  /** Reconciling a task the master does not know, on an agent that is unreachable. */
  RECONCILED_ON_UNREACHABLE_AGENT(TaskState.TASK_UNREACHABLE, TaskStatus.Reason.REASON_RECONCILIATION),
  /** Reconciling a task the master does not know, on an agent an operator marked gone. */
  RECONCILED_ON_GONE_AGENT(TaskState.TASK_GONE_BY_OPERATOR, TaskStatus.Reason.REASON_RECONCILIATION),
  /** Reconciling (or killing) a task the master does not know, on no agent it knows. */
  UNKNOWN(TaskState.TASK_UNKNOWN, TaskStatus.Reason.REASON_RECONCILIATION);

  private final TaskState partitionAwareState;
  private final TaskStatus.Reason reason;

  TaskEnd(TaskState partitionAwareState, TaskStatus.Reason reason) {
    this.partitionAwareState = partitionAwareState;
    this.reason = reason;
  }

  /** The state a framework is told (and the master records): TASK_LOST unless it is partition-aware. */
  public TaskState state(boolean partitionAware) {
    return partitionAware ? partitionAwareState : TaskState.TASK_LOST;
  }

  /** The status reason, the same for both kinds of framework. */
  public TaskStatus.Reason reason() {
    return reason;
  }
}
