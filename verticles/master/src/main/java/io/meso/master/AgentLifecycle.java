package io.meso.master;

import com.google.protobuf.ByteString;
import io.meso.allocator.Resources;
import io.meso.codecs.TaskEnd;
import io.meso.ha.Registry;
import io.meso.internal.KillTaskMessage;
import io.meso.internal.ReconcileTasksMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.ShutdownAgentMessage;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Task;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.TimeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agents part of the {@link MasterState}: registration, re-registration (the agent's report
 * is the truth about its tasks), and the ways an agent's tasks end: it restarted without them,
 * it became unreachable, an operator marked it gone. How each kind of framework hears of that
 * is {@link TaskEnd}'s table. The caller has validated the agent's message.
 */
final class AgentLifecycle {

  private final MasterState s;

  AgentLifecycle(MasterState state) {
    this.s = state;
  }

  /** What a re-registration asks of the agent: kill these tasks (of removed frameworks, or lost and replaced). */
  record Reregistered(AgentRecord agent, List<TaskID> kill, List<KillTaskMessage> killTasks,
      List<ReconcileTasksMessage> reconciliations) {}

  /**
   * Admits agent {@code id} with {@code total} (its reported resources; dynamic reservations are
   * applied here). An agent that registers again under a known id lost its state: its tasks end
   * {@link TaskEnd#AGENT_RESTARTED} and it starts afresh.
   */
  AgentRecord register(String id, AgentInfo info, Resources total) {
    total = s.reservations.applyTo(id, total);
    AgentRecord existing = s.agents.get(id);
    if (existing != null) {
      endRestartedAgentTasks(existing, "the agent registered again without its tasks");
      for (String offerId : List.copyOf(existing.offerIds)) {
        s.rescindOffer(offerId);
      }
      s.allocator.removeAgent(id);
    }
    info = info.toBuilder().setId(AgentID.newBuilder().setValue(id)).build();
    AgentRecord agent = new AgentRecord(id, info, total, Tasks.nowSeconds());
    s.agents.put(id, agent);
    s.allocator.addAgent(id, s.agentSpec(agent), Map.of());
    s.log("agent registered agent={} hostname={} resources={}", id, info.getHostname(), total);
    s.registryAgent(agent, "ACTIVE");
    s.replicaFeed.agent(agent, agent.tasks);
    s.events.agentAdded(agent);
    return agent;
  }

  /**
   * Re-admits an agent with the tasks it reports ({@code total}: its reported resources). Its
   * tasks are adopted (frameworks the master does not know get a placeholder until they
   * re-subscribe); tasks of removed frameworks are to be killed; after an unreachable spell a
   * partition-aware framework hears its task runs again, another one has it killed (it was told
   * TASK_LOST); tasks the master knew on it but it does not report end
   * {@link TaskEnd#AGENT_REREGISTERED_WITHOUT_TASK}.
   */
  Reregistered reregister(ReregisterAgentMessage reregister, Resources total) {
    return reregister(reregister, total, prepare(reregister));
  }

  /**
   * What a re-registration's tasks become, worked out from the message alone (no master state is
   * read, so it may run on any thread): per task its framework id, its id, and a fresh record
   * holding its resources, reported state and statuses, taken when the master has no record of
   * the task on this agent (after a failover: every task). A new leader prepares the
   * re-registrations of thousands of agents on worker threads and only files them on its event
   * loop ({@link AgentManager}).
   */
  record PreparedTasks(String[] frameworkIds, String[] taskIds, TaskRecord[] fresh) {}

  static PreparedTasks prepare(ReregisterAgentMessage reregister) {
    AgentID shared = reregister.getAgentInfo().getId();
    int n = reregister.getTasksCount();
    String[] frameworkIds = new String[n];
    String[] taskIds = new String[n];
    TaskRecord[] fresh = new TaskRecord[n];
    double now = Tasks.nowSeconds();
    // An agent's tasks mostly belong to a few frameworks: their ids are decoded once, not per task.
    ByteString lastFrameworkBytes = null;
    String frameworkId = null;
    for (int i = 0; i < n; i++) {
      Task task = reregister.getTasks(i);
      ByteString frameworkBytes = task.getFrameworkId().getValueBytes();
      if (!frameworkBytes.equals(lastFrameworkBytes)) {
        lastFrameworkBytes = frameworkBytes;
        frameworkId = task.getFrameworkId().getValue();
      }
      frameworkIds[i] = frameworkId;
      taskIds[i] = task.getTaskId().getValue();
      fresh[i] = recordOf(task, frameworkId, shared, now);
    }
    return new PreparedTasks(frameworkIds, taskIds, fresh);
  }

  /** A record of a task as reported (by an agent, or a leader to its standbys): its state and statuses with it. */
  static TaskRecord recordOf(Task task, String frameworkId, AgentID shared, double createdAt) {
    Resources resources;
    try {
      resources = Resources.fromProto(task.getResourcesList());
    } catch (IllegalArgumentException e) {
      resources = Resources.EMPTY;
    }
    TaskRecord record = TaskRecord.reported(task, frameworkId, shared, resources, createdAt);
    record.state = task.getState();
    for (TaskStatus status : task.getStatusesList()) {
      record.addStatus(status);
    }
    return record;
  }

  /** {@link #reregister(ReregisterAgentMessage, Resources)} with its tasks already {@link #prepare prepared}. */
  Reregistered reregister(ReregisterAgentMessage reregister, Resources total, PreparedTasks prepared) {
    return reregister(reregister, total, prepared, false);
  }

  /**
   * {@code fromCopy}: the tasks are the new leader's copy of the agent's ({@link Replica}), which
   * matched the digest the agent sent instead of its tasks; the standbys have the same copy, so
   * nothing about the agent's tasks goes to them. Otherwise they hear the agent's tasks as filed.
   */
  Reregistered reregister(ReregisterAgentMessage reregister, Resources total, PreparedTasks prepared,
      boolean fromCopy) {
    AgentInfo info = reregister.getAgentInfo();
    String id = info.getId().getValue();
    total = s.reservations.applyTo(id, total);
    AgentRecord agent = s.agents.get(id);
    boolean wasUnreachable = agent != null && agent.status == AgentRecord.Status.UNREACHABLE;
    // An active agent that answers reconciliations is asked about the tasks it did not report.
    boolean reconcileWithAgent = reregister.getReconciles() && agent != null
        && agent.status == AgentRecord.Status.ACTIVE;
    // An agent this master knew may have had tasks it no longer reports; a new one (after a
    // failover, every one) has only those it reports: nothing to compare them with.
    boolean known = agent != null;
    if (known) {
      for (String offerId : List.copyOf(agent.offerIds)) {
        s.rescindOffer(offerId);
      }
      if (agent.status == AgentRecord.Status.ACTIVE) {
        s.allocator.removeAgent(id);
      }
      agent.info = info;
      agent.total = total;
      agent.status = AgentRecord.Status.ACTIVE;
      agent.missedPings = 0;
    } else {
      agent = new AgentRecord(id, info, total, Tasks.nowSeconds());
      s.agents.put(id, agent);
    }
    // What the agent reported, per framework: task ids.
    Map<String, Set<String>> reported = new HashMap<>();
    List<TaskID> kill = new ArrayList<>();
    List<KillTaskMessage> killTasks = new ArrayList<>();
    String lastFrameworkId = null;
    Set<String> reportedOfFramework = null;
    FrameworkID frameworkIdProto = null;
    for (int i = 0; i < prepared.taskIds().length; i++) {
      // As reported: the record a master without one of this task files.
      TaskRecord reportedTask = prepared.fresh()[i];
      TaskID taskIdProto = reportedTask.info.getTaskId();
      String frameworkId = prepared.frameworkIds()[i];
      String taskId = prepared.taskIds()[i];
      if (!frameworkId.equals(lastFrameworkId)) { // (equal ids of different records may be different strings)
        lastFrameworkId = frameworkId;
        reportedOfFramework = known ? reported.computeIfAbsent(frameworkId, f -> new HashSet<>()) : null;
        frameworkIdProto = FrameworkID.newBuilder().setValue(frameworkId).build();
      }
      if (known) {
        reportedOfFramework.add(taskId);
      }
      FrameworkRecord framework = s.frameworks.get(frameworkId);
      if (framework == null) {
        if (s.completedFrameworks.containsKey(frameworkId)) {
          kill.add(taskIdProto);
          killTasks.add(KillTaskMessage.newBuilder().setFrameworkId(frameworkIdProto).setTaskId(taskIdProto).build());
          continue;
        }
        // A framework the master has not seen (yet): it may re-subscribe after a master failover.
        String wanted = frameworkId;
        FrameworkInfo placeholder = reregister.getFrameworksList().stream()
            .filter(f -> f.getId().getValue().equals(wanted)).findFirst()
            .orElse(FrameworkInfo.newBuilder().setName("unknown").setUser("")
                .setId(frameworkIdProto).build());
        framework = new FrameworkRecord(frameworkId, placeholder, Tasks.nowSeconds());
        s.frameworks.put(frameworkId, framework);
        s.allocator.addFramework(frameworkId, s.frameworkSpec(framework, Set.of()), Map.of(), false);
      }
      TaskRecord record = framework.tasks.get(taskId);
      boolean wasTerminal;
      TaskState reportedBefore;
      if (record == null || !record.agentId.equals(id)) {
        // New to this master (after a failover, every task): the record prepared with its statuses.
        record = reportedTask;
        TaskRecord replaced = framework.tasks.put(taskId, record);
        if (replaced != null) {
          TaskOrder.remove(s.taskOrder, framework, replaced);
        }
        TaskOrder.add(s.taskOrder, framework, record);
        wasTerminal = false;
        reportedBefore = TaskState.TASK_STAGING;
      } else {
        wasTerminal = record.terminal();
        reportedBefore = record.state;
        if (reportedTask != record) { // (the same record: re-admitted by digest from what this master holds)
          record.state = reportedTask.state;
          for (TaskStatus status : reportedTask.statuses) {
            record.addReportedStatus(status);
          }
        }
      }
      if (!wasTerminal || !record.terminal()) {
        agent.addTask(record);
      }
      if (wasUnreachable && !record.terminal()
          && (reportedBefore == TaskState.TASK_LOST || reportedBefore == TaskState.TASK_UNREACHABLE)) {
        if (framework.partitionAware()) {
          // Partition-aware frameworks manage returning tasks themselves: tell them it runs again.
          TaskStatus back = Tasks.masterStatus(taskIdProto, id, record.state,
              TaskStatus.Reason.REASON_AGENT_REREGISTERED, "Agent " + id + " re-registered; the task is "
                  + record.state);
          record.addStatus(back);
          s.sendUpdate(framework, back);
        } else {
          // The framework was told TASK_LOST and may have replaced the task: don't leave a twin running.
          kill.add(taskIdProto);
          s.log("agent reported a task its framework was told was lost, asking it to kill task={} framework={}",
              taskId, frameworkId);
          s.effects.toAgent(id, KillTaskMessage.newBuilder()
              .setFrameworkId(frameworkIdProto).setTaskId(taskIdProto).build());
        }
      }
    }
    // Tasks the master believed were on this agent but the agent does not report: their launch
    // was lost, or crossed this re-registration. An agent that reconciles is asked (it ends those
    // it does not know, reliably, and leaves those it got since); for another they are gone.
    List<ReconcileTasksMessage> reconciliations = new ArrayList<>();
    for (Map.Entry<String, Map<String, TaskRecord>> byFramework
        : known ? List.copyOf(agent.tasks.entrySet()) : List.<Map.Entry<String, Map<String, TaskRecord>>>of()) {
      ReconcileTasksMessage.Builder reconcile = null;
      for (TaskRecord task : List.copyOf(byFramework.getValue().values())) {
        Set<String> ofFramework = reported.get(task.frameworkId);
        if ((ofFramework != null && ofFramework.contains(task.id())) || task.terminal()) {
          continue;
        }
        FrameworkRecord framework = s.frameworks.get(task.frameworkId);
        if (reconcileWithAgent && framework != null) {
          if (reconcile == null) {
            reconcile = ReconcileTasksMessage.newBuilder()
                .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId)).setFramework(framework.info);
          }
          reconcile.addStatuses(TaskStatus.newBuilder().setTaskId(task.info.getTaskId())
              .setAgentId(AgentID.newBuilder().setValue(id)).setState(task.state)
              .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(TaskStatus.Reason.REASON_RECONCILIATION)
              .setMessage("Reconciliation request").setTimestamp(Tasks.nowSeconds()));
          s.log("task={} framework={} unknown to agent={} when it re-registered: reconciling with the agent",
              task.id(), task.frameworkId, id);
          s.metrics.tasksReconciledWithAgents++;
          continue;
        }
        agent.removeTask(task);
        TaskStatus status = Tasks.endStatus(TaskEnd.AGENT_REREGISTERED_WITHOUT_TASK, framework,
            task.info.getTaskId(), id, "Task was not reported by agent " + id + " when it re-registered");
        task.recordOwn(status);
        s.metrics.taskEnded(status.getState());
        if (framework != null) {
          s.sendUpdate(framework, status);
          s.completeTask(framework, task);
        }
      }
      if (reconcile != null) {
        reconciliations.add(reconcile.build());
      }
    }
    Map<String, Resources> used = agent.usedByFramework();
    s.allocator.addAgent(id, s.agentSpec(agent), used);
    s.registryAgent(agent, "ACTIVE");
    if (!fromCopy) {
      s.replicaFeed.agent(agent, agent.tasks);
    }
    for (KillTaskMessage k : killTasks) {
      s.log("agent reported a task of a removed framework, asking it to kill task={} framework={}",
          k.getTaskId().getValue(), k.getFrameworkId().getValue());
    }
    Resources usedInAll = Resources.EMPTY;
    for (Resources r : used.values()) {
      usedInAll = usedInAll.plus(r);
    }
    s.events.agentAdded(agent, usedInAll);
    return new Reregistered(agent, kill, killTasks, reconciliations);
  }

  /**
   * An agent went silent: its offers are rescinded and each of its tasks ends as
   * {@link TaskEnd#AGENT_UNREACHABLE} (TASK_UNREACHABLE, or TASK_LOST for frameworks that are not
   * partition-aware). When the agent comes back it re-registers and its tasks are reconciled.
   */
  void markUnreachable(AgentRecord agent, String why) {
    s.log("agent unreachable agent={} hostname={} because {}", agent.id, agent.hostname(), why);
    s.metrics.agentsMarkedUnreachable++;
    for (String offerId : List.copyOf(agent.offerIds)) {
      s.rescindOffer(offerId);
    }
    agent.status = AgentRecord.Status.UNREACHABLE;
    agent.unreachableSince = Tasks.nowSeconds();
    s.registryAgent(agent, "UNREACHABLE");
    s.events.agentRemoved(agent.id, agent);
    s.allocator.removeAgent(agent.id);
    long nanos = (long) (agent.unreachableSince * 1e9);
    for (Map<String, TaskRecord> byId : agent.tasks.values()) {
      for (TaskRecord task : byId.values()) {
        if (task.terminal()) {
          continue;
        }
        FrameworkRecord framework = s.frameworks.get(task.frameworkId);
        TaskStatus status = Tasks.endStatus(TaskEnd.AGENT_UNREACHABLE, framework, task.info.getTaskId(), agent.id,
            "Agent " + agent.id + " (" + agent.hostname() + ") is unreachable: " + why).toBuilder()
            .setUnreachableTime(TimeInfo.newBuilder().setNanoseconds(nanos)).build();
        task.recordOwn(status);
        s.replicaFeed.status(task, status);
        s.metrics.taskEnded(status.getState());
        if (framework != null) {
          s.sendUpdate(framework, status);
        }
      }
    }
  }

  private void endRestartedAgentTasks(AgentRecord agent, String why) {
    for (Map<String, TaskRecord> byId : List.copyOf(agent.tasks.values())) {
      for (TaskRecord task : List.copyOf(byId.values())) {
        if (task.terminal()) {
          continue;
        }
        FrameworkRecord framework = s.frameworks.get(task.frameworkId);
        TaskStatus status = Tasks.endStatus(TaskEnd.AGENT_RESTARTED, framework, task.info.getTaskId(), agent.id,
            "Task is gone: " + why);
        task.recordOwn(status);
        s.metrics.taskEnded(status.getState());
        agent.removeTask(task);
        if (framework != null) {
          s.sendUpdate(framework, status);
          s.completeTask(framework, task);
        }
      }
    }
  }

  /**
   * An operator marked agent {@code id} gone at {@code at} (the mark is stored): it is never
   * admitted again under its id, and it is forgotten with its
   * dynamic reservations, its offers are rescinded, each of its non-terminal tasks ends
   * {@link TaskEnd#AGENT_GONE_BY_OPERATOR} and the agent is told to shut down. Returns how many
   * tasks' frameworks were told.
   */
  int markGone(String id, double at) {
    s.goneAgents.put(id, at);
    s.recoveringAgents.remove(id);
    s.unreachableAgents.remove(id);
    s.effects.toRegistry(Registry.AGENTS, id, null);
    s.replicaFeed.agentRemoved(id);
    if (!s.reservations.of(id).isEmpty()) {
      // Its dynamic reservations went with it.
      s.reservations.set(id, Resources.EMPTY);
      s.registryReservations(id);
    }
    AgentRecord agent = s.agents.get(id);
    int ended = 0;
    if (agent != null) {
      for (String offerId : List.copyOf(agent.offerIds)) {
        s.rescindOffer(offerId);
      }
      if (agent.status == AgentRecord.Status.ACTIVE) {
        s.allocator.removeAgent(id);
      }
      for (Map<String, TaskRecord> byId : List.copyOf(agent.tasks.values())) {
        for (TaskRecord task : List.copyOf(byId.values())) {
          agent.removeTask(task);
          if (!task.terminal() && endGoneAgentTask(agent, task)) {
            ended++;
          }
        }
      }
      s.agents.remove(id);
    }
    s.events.agentRemoved(id, agent);
    s.effects.toAgent(id, ShutdownAgentMessage.newBuilder()
        .setMessage("Agent " + id + " was marked gone by the operator (MARK_AGENT_GONE)").build());
    return ended;
  }

  /** Ends one task of a gone agent; returns whether its framework was told. */
  private boolean endGoneAgentTask(AgentRecord agent, TaskRecord task) {
    FrameworkRecord framework = s.frameworks.get(task.frameworkId);
    TaskStatus status = Tasks.endStatus(TaskEnd.AGENT_GONE_BY_OPERATOR, framework, task.info.getTaskId(), agent.id,
        "Agent " + agent.id + " (" + agent.hostname() + ") was marked gone by the operator");
    // A framework that is not partition-aware was told TASK_LOST when the agent became unreachable.
    boolean toldAlready = task.state == status.getState();
    task.recordOwn(status);
    if (!toldAlready) {
      s.metrics.taskEnded(status.getState());
    }
    if (framework == null) {
      return false;
    }
    if (!toldAlready) {
      s.sendUpdate(framework, status);
    }
    s.completeTask(framework, task);
    return !toldAlready;
  }

  /** A new leader restores the dynamic reservations a previous one recorded (per agent id). */
  void restoreReservations(Map<String, byte[]> entries) {
    entries.forEach((agentId, value) -> {
      try {
        s.reservations.decode(agentId, value);
      } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
        s.logger.error("skipping unreadable registry entry reservations agent={}: {}", agentId, e.getMessage());
      }
    });
  }

  /**
   * A new leader learnt the agents admitted before the failover ({@code entries}: the registry's
   * agents section without those marked gone): those recorded UNREACHABLE stay so (since now),
   * the others are awaited, and reconciliation stays silent about them until they re-register.
   */
  void awaitAfterFailover(Map<String, byte[]> entries) {
    entries.forEach((id, value) -> {
      String status;
      try {
        status = RegistryEntries.decode(value).label();
      } catch (IllegalArgumentException e) {
        status = "";
      }
      if ("UNREACHABLE".equals(status)) {
        s.unreachableAgents.put(id, Tasks.nowSeconds());
      } else {
        s.recoveringAgents.add(id);
      }
    });
  }

  /**
   * The re-register timeout after the failover passed for agent {@code id} ({@code entry}: its
   * registry entry): unless it re-registered or was marked gone, it is recorded
   * unreachable.
   */
  void reregistrationTimedOut(String id, byte[] entry, long timeoutMillis) {
    AgentRecord agent = s.agents.get(id);
    s.recoveringAgents.remove(id);
    if (agent == null && !s.isGone(id)) {
      s.unreachableAgents.putIfAbsent(id, Tasks.nowSeconds());
      s.logger.warn("agent={} did not re-register within {} ms of the failover; recorded unreachable", id, timeoutMillis);
      RegistryEntries.Entry decoded = RegistryEntries.decode(entry);
      s.effects.toRegistry(Registry.AGENTS, id, RegistryEntries.encode(decoded.message(), "UNREACHABLE"));
    }
  }
}
