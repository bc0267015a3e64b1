package io.meso.services.runtime;

import io.meso.services.app.App;
import io.meso.services.deploy.InstanceStatus;
import io.meso.services.placement.AgentFacts;
import io.meso.v1.AgentID;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import java.time.Instant;
import java.util.List;

/**
 * One instance of an app as the framework tracks it: the single task it launched, where, with
 * which app version and host ports, and what the agent last said about it. Mutable; owned by the
 * framework's event loop.
 */
final class Instance {

  /** Why the framework asked for an instance's kill, which decides what its end means. */
  enum KillGoal {
    /** Not asked to die. */
    NONE,
    /** Killed on request without scaling: the app keeps its count, a replacement follows. */
    RESTART,
    /** Decommissioned (scale-down, upgrade, app removed): not replaced. */
    DECOMMISSION
  }

  final String id;
  final TaskID taskId;
  final App app;
  final AgentID agentId;
  final String host;
  final AgentFacts agent;
  final List<Integer> hostPorts;
  final Instant stagedAt;
  TaskState state = TaskState.TASK_STAGING;
  Instant startedAt;
  Instant since;
  Boolean healthy;
  Instant firstSuccess;
  Instant lastSuccess;
  Instant lastFailure;
  String lastFailureCause;
  int consecutiveFailures;
  KillGoal killGoal = KillGoal.NONE;
  /** Unreachable for longer than the app's inactiveAfterSeconds: replaced, no longer counted. */
  boolean inactive;

  Instance(String id, TaskID taskId, App app, AgentID agentId, String host, AgentFacts agent,
      List<Integer> hostPorts, Instant stagedAt) {
    this.id = id;
    this.taskId = taskId;
    this.app = app;
    this.agentId = agentId;
    this.host = host;
    this.agent = agent;
    this.hostPorts = List.copyOf(hostPorts);
    this.stagedAt = stagedAt;
    this.since = stagedAt;
  }

  /** What a deployment needs to know of this instance. */
  InstanceStatus status() {
    return new InstanceStatus(id, app.id(), app.version(), condition(), since, healthy);
  }

  /** The deployment condition of the task's state (a kill in flight counts as KILLING). */
  InstanceStatus.Condition condition() {
    InstanceStatus.Condition c = switch (state) {
      case TASK_STAGING -> InstanceStatus.Condition.STAGING;
      case TASK_STARTING -> InstanceStatus.Condition.STARTING;
      case TASK_RUNNING -> InstanceStatus.Condition.RUNNING;
      case TASK_KILLING -> InstanceStatus.Condition.KILLING;
      case TASK_UNREACHABLE, TASK_UNKNOWN -> InstanceStatus.Condition.UNREACHABLE;
      case TASK_FINISHED -> InstanceStatus.Condition.FINISHED;
      case TASK_KILLED -> InstanceStatus.Condition.KILLED;
      case TASK_GONE, TASK_GONE_BY_OPERATOR -> InstanceStatus.Condition.GONE;
      case TASK_FAILED, TASK_ERROR, TASK_LOST, TASK_DROPPED -> InstanceStatus.Condition.FAILED;
    };
    if (killGoal == KillGoal.DECOMMISSION && !c.terminal()) {
      return InstanceStatus.Condition.KILLING;
    }
    return c;
  }

  /** True while the task has not ended. */
  boolean live() {
    return !condition().terminal();
  }

  /** True if the instance still counts towards its app (alive, not decommissioned, not inactive). */
  boolean meantToRun() {
    return live() && killGoal != KillGoal.DECOMMISSION && !inactive;
  }
}
