package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.codecs.TaskEnd;
import io.meso.internal.KillTaskMessage;
import io.meso.internal.RunTaskMessage;
import io.meso.internal.StatusUpdate;
import io.meso.internal.StatusUpdateAcknowledgementMessage;
import io.meso.v1.FrameworkID;
import io.meso.v1.KillPolicy;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tasks part of the {@link MasterState}: accepting offers into tasks (launches, task
 * groups, reservations), status updates from agents, acknowledgements and kills. The caller
 * has validated the call (the offers in particular); what is left to check here is per task
 * ({@link LaunchValidator}) and ends in a TASK_ERROR update rather than a refused call.
 */
final class Launches {

  private final MasterState s;

  Launches(MasterState state) {
    this.s = state;
  }

  /**
   * ACCEPT of {@code used}, valid outstanding offers of {@code framework} on agent
   * {@code agentId}, whose reservation operations passed a dry run: the offers are used up,
   * reservations change, valid tasks launch (RunTaskMessage to the agent), invalid ones are
   * answered TASK_ERROR; what no task uses goes back to the allocator, filtered for
   * {@code refuseSeconds}, or, if the agent's reservations changed, the allocator re-learns the
   * agent and its other offers are rescinded.
   */
  void accept(FrameworkRecord framework, List<OfferRecord> used, String agentId, Call.Accept accept,
      double refuseSeconds) {
    accept(framework, used, agentId, accept, refuseSeconds, task -> null);
  }

  /**
   * {@link #accept}, with {@code unauthorized} saying why a task may not run (null: it may): such a
   * task (or every task of its group) is answered TASK_ERROR with REASON_TASK_UNAUTHORIZED
   * (REASON_TASK_GROUP_UNAUTHORIZED) and the reason, as Mesos does.
   */
  void accept(FrameworkRecord framework, List<OfferRecord> used, String agentId, Call.Accept accept,
      double refuseSeconds, java.util.function.Function<TaskInfo, String> unauthorized) {
    Resources available = Resources.EMPTY;
    String role = used.isEmpty() ? null : used.get(0).role();
    for (OfferRecord offer : used) {
      available = available.plus(offer.resources());
    }
    for (OfferRecord offer : used) {
      s.removeOffer(offer.id());
    }
    AgentRecord agent = s.agents.get(agentId);
    Resources dynamicBefore = s.reservations.of(agentId);
    Resources dynamic = dynamicBefore;
    // A live view: launch() adds each accepted task to framework.tasks, so later tasks of this
    // call see it too. (Copying it on every ACCEPT was a third of the master's time in `meso bench`.)
    Set<String> activeIds = Collections.unmodifiableSet(framework.tasks.keySet());
    for (int i = 0; i < accept.getOperationsCount(); i++) {
      Offer.Operation op = accept.getOperations(i);
      String field = "accept.operations[" + i + "]";
      if (op.getType() == Offer.Operation.Type.RESERVE || op.getType() == Offer.Operation.Type.UNRESERVE) {
        Resources[] next = ReservationOperations.apply(framework, op, field, available, dynamic);
        available = next[0];
        dynamic = next[1];
        continue;
      }
      List<TaskInfo> tasks = op.getType() == Offer.Operation.Type.LAUNCH
          ? op.getLaunch().getTaskInfosList() : op.getLaunchGroup().getTaskGroup().getTasksList();
      String listField = field + (op.getType() == Offer.Operation.Type.LAUNCH ? ".launch.task_infos" : ".launch_group.task_group.tasks");
      if (op.getType() == Offer.Operation.Type.LAUNCH_GROUP) {
        String denied = null;
        for (int t = 0; t < tasks.size() && denied == null; t++) {
          denied = unauthorized.apply(tasks.get(t));
        }
        if (denied != null) {
          for (TaskInfo task : tasks) {
            reject(framework, task, agentId, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_GROUP_UNAUTHORIZED,
                "task group is not authorized: " + denied);
          }
          continue;
        }
        // A group launches atomically: if one task is invalid, none is launched.
        Resources groupAvailable = available;
        Set<String> groupIds = new HashSet<>(activeIds);
        LaunchValidator.Rejection rejection = null;
        for (int t = 0; t < tasks.size() && rejection == null; t++) {
          rejection = LaunchValidator.validate(listField + "[" + t + "]", tasks.get(t), agentId, groupIds, groupAvailable);
          if (rejection == null) {
            groupIds.add(tasks.get(t).getTaskId().getValue());
            groupAvailable = groupAvailable.minus(Resources.fromProto(tasks.get(t).getResourcesList()));
          }
        }
        if (rejection != null) {
          for (TaskInfo task : tasks) {
            reject(framework, task, agentId, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_GROUP_INVALID,
                "task group is invalid: " + rejection.message());
          }
          continue;
        }
      }
      for (int t = 0; t < tasks.size(); t++) {
        TaskInfo task = tasks.get(t);
        LaunchValidator.Rejection rejection =
            LaunchValidator.validate(listField + "[" + t + "]", task, agentId, activeIds, available);
        if (rejection != null) {
          reject(framework, task, agentId, TaskState.TASK_ERROR, rejection.reason(), rejection.message());
          continue;
        }
        String denied = op.getType() == Offer.Operation.Type.LAUNCH ? unauthorized.apply(task) : null;
        if (denied != null) {
          reject(framework, task, agentId, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_UNAUTHORIZED,
              "task is not authorized: " + denied);
          continue;
        }
        Resources needed = Resources.fromProto(task.getResourcesList());
        available = available.minus(needed);
        launch(framework, agent, task, needed, role);
      }
    }
    if (!dynamic.equals(dynamicBefore)) {
      // The agent's total changed shape (unreserved <-> reserved): other offers on it are stale,
      // and the allocator re-learns the agent with what its tasks use; the unused rest is free.
      Resources reported = agent.total.minus(dynamicBefore).plus(Reservations.unreservedCopy(dynamicBefore));
      s.reservations.set(agentId, dynamic);
      agent.total = s.reservations.applyTo(agentId, reported);
      s.registryReservations(agentId);
      for (String offerId : List.copyOf(agent.offerIds)) {
        s.rescindOffer(offerId);
      }
      s.allocator.removeAgent(agentId);
      s.allocator.addAgent(agentId, s.agentSpec(agent), agent.usedByFramework());
      s.log("reservations changed agent={} framework={} reserved={}", agentId, framework.id, dynamic);
    } else if (!available.isEmpty()) {
      s.allocator.recoverResources(framework.id, agentId, available, refuseSeconds);
    }
  }

  private void launch(FrameworkRecord framework, AgentRecord agent, TaskInfo task, Resources resources, String role) {
    TaskRecord record = new TaskRecord(task, framework.id, agent.info.getId(), resources, Tasks.nowSeconds());
    TaskStatus staging = TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(TaskState.TASK_STAGING)
        .setSource(TaskStatus.Source.SOURCE_MASTER).setTimestamp(record.createdAt)
        .setAgentId(task.getAgentId()).build();
    record.addStatus(staging);
    TaskRecord replaced = framework.tasks.put(record.id(), record);
    if (replaced != null) {
      TaskOrder.remove(s.taskOrder, framework, replaced);
    }
    TaskOrder.add(s.taskOrder, framework, record);
    agent.addTask(record);
    s.metrics.tasksLaunched++;
    // One Task for the standbys' copy and the operators' event.
    io.meso.v1.Task proto = record.toProto();
    s.replicaFeed.launched(proto);
    s.events.taskAdded(framework, record, proto);
    s.effects.toAgent(agent.id, RunTaskMessage.newBuilder().setFramework(framework.info).setTask(task).build());
  }

  /**
   * ACCEPT with invalid offers ({@code why}): the valid offers it named ({@code used}) go back to
   * the allocator, and every task of the call is dropped (or lost, for older frameworks).
   */
  void refuseOffers(FrameworkRecord framework, List<OfferRecord> used, Call.Accept accept, String why) {
    for (OfferRecord offer : used) {
      s.removeOffer(offer.id());
      s.allocator.recoverResources(framework.id, offer.agentId(), offer.resources(), 0);
    }
    TaskState state = TaskEnd.INVALID_OFFERS.state(framework.partitionAware());
    for (Offer.Operation op : accept.getOperationsList()) {
      List<TaskInfo> tasks = op.getType() == Offer.Operation.Type.LAUNCH
          ? op.getLaunch().getTaskInfosList() : op.getLaunchGroup().getTaskGroup().getTasksList();
      for (TaskInfo task : tasks) {
        reject(framework, task, task.getAgentId().getValue(), state, TaskEnd.INVALID_OFFERS.reason(), why);
      }
    }
  }

  private void reject(FrameworkRecord framework, TaskInfo task, String agentId, TaskState state,
      TaskStatus.Reason reason, String message) {
    s.metrics.tasksRejected++;
    s.metrics.taskEnded(state);
    TaskID taskId = task.hasTaskId() ? task.getTaskId() : TaskID.newBuilder().setValue("").build();
    s.sendUpdate(framework, Tasks.masterStatus(taskId, agentId, state, reason, message));
  }

  /**
   * A status update from an agent: recorded on the task (if that agent runs it), the task's
   * resources released when it ends, and forwarded to the framework. An update that needs an
   * acknowledgement stays pending; a terminal task without one moves to the completed history.
   */
  void statusUpdate(StatusUpdate update) {
    s.metrics.statusUpdatesReceived++;
    TaskStatus status = update.getStatus();
    String agentId = update.getAgentId().getValue();
    AgentRecord agent = s.agents.get(agentId);
    if (agent == null || agent.status != AgentRecord.Status.ACTIVE) {
      // Not admitted (or unreachable): the agent keeps retrying and will re-register first.
      return;
    }
    FrameworkRecord framework = s.frameworks.get(update.getFrameworkId().getValue());
    if (framework == null) {
      return;
    }
    TaskRecord task = framework.tasks.get(status.getTaskId().getValue());
    if (task != null && status.hasUuid() && status.getUuid().equals(task.pendingUpdateUuid)) {
      s.metrics.statusUpdateRetries++; // the agent resends until the framework acknowledges
    }
    if (task != null && task.agentId.equals(agentId)) {
      boolean wasTerminal = task.terminal();
      TaskState latest = update.hasLatestState() ? update.getLatestState() : status.getState();
      task.state = latest;
      task.addStatus(status);
      s.replicaFeed.status(task, status);
      if (!wasTerminal && task.terminal()) {
        s.releaseTask(task);
        s.metrics.taskEnded(task.state);
      }
      if (status.hasUuid()) {
        task.pendingUpdateState = status.getState();
        task.pendingUpdateUuid = status.getUuid();
      } else if (task.terminal()) {
        s.completeTask(framework, task);
      }
    }
    s.sendUpdate(framework, status);
  }

  /**
   * A framework acknowledged an update: the pending update it names is done (a terminal task
   * moves to the completed history) and the agent is told, so it stops resending.
   */
  void acknowledge(FrameworkRecord framework, Call.Acknowledge ack) {
    TaskRecord task = framework.tasks.get(ack.getTaskId().getValue());
    if (task != null && ack.getUuid().equals(task.pendingUpdateUuid)) {
      task.pendingUpdateUuid = null;
      task.pendingUpdateState = null;
      if (task.terminal()) {
        s.completeTask(framework, task);
      }
    }
    s.effects.toAgent(ack.getAgentId().getValue(), StatusUpdateAcknowledgementMessage.newBuilder()
        .setAgentId(ack.getAgentId())
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id))
        .setTaskId(ack.getTaskId())
        .setUuid(ack.getUuid())
        .build());
  }

  /**
   * KILL: a running task is killed on its agent (with {@code policy}, else the task's own); an
   * unknown one is answered TASK_UNKNOWN; a terminal one needs nothing.
   */
  void kill(FrameworkRecord framework, TaskID taskId, String agentId, KillPolicy policy) {
    TaskRecord task = framework.tasks.get(taskId.getValue());
    if (task == null) {
      s.sendUpdate(framework, Tasks.endStatus(TaskEnd.UNKNOWN, framework, taskId, agentId,
          "Task " + taskId.getValue() + " is unknown to the master"));
    } else if (!task.terminal()) {
      killTask(task, policy);
    }
  }

  /** Asks the task's agent to kill it, with {@code policy} if given, else the task's own. */
  void killTask(TaskRecord task, KillPolicy policy) {
    KillTaskMessage.Builder kill = KillTaskMessage.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId))
        .setTaskId(task.info.getTaskId());
    if (policy != null) {
      kill.setKillPolicy(policy);
    } else if (task.info.hasKillPolicy()) {
      kill.setKillPolicy(task.info.getKillPolicy());
    }
    s.effects.toAgent(task.agentId, kill.build());
  }
}
