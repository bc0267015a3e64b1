package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.codecs.Addresses;
import io.meso.codecs.TaskEnd;
import io.meso.internal.AgentRegisteredMessage;
import io.meso.internal.AgentReregisteredMessage;
import io.meso.internal.PingAgentMessage;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.StatusUpdate;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.Task;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.TimeInfo;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.Map;

/**
 * The master's side of the agent protocol: registration and re-registration, status updates
 * on their way to frameworks, and the ping loop that marks silent agents unreachable.
 */
final class AgentManager {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AgentManager.class);

  private final MasterVerticle m;
  /** After a failover: agents admitted before it that have not re-registered yet (see {@link #expectReregistrations}). */
  private final java.util.Set<String> awaited = new java.util.HashSet<>();
  private int awaitedTotal;
  private long awaitedSinceNanos;

  AgentManager(MasterVerticle master) {
    this.m = master;
  }

  /**
   * A new leader expects the agents admitted before the failover ({@code entries}: the registry's
   * agents section; those recorded UNREACHABLE are not expected) to re-register all at once.
   * Their re-registrations are logged at DEBUG, one line per agent being too much at thousands of
   * agents, and summed up in one INFO line when the last of them re-registered (or when
   * {@code timeoutMillis} passed).
   */
  void expectReregistrations(Map<String, byte[]> entries, long timeoutMillis) {
    entries.forEach((id, value) -> {
      String status;
      try {
        status = io.meso.ha.RegistryEntries.decode(value).label();
      } catch (IllegalArgumentException e) {
        status = "";
      }
      if (!"UNREACHABLE".equals(status)) {
        awaited.add(id);
      }
    });
    awaitedTotal = awaited.size();
    awaitedSinceNanos = System.nanoTime();
    if (awaitedTotal == 0) {
      return;
    }
    m.vertx().setTimer(timeoutMillis, t -> {
      if (!awaited.isEmpty()) {
        LOG.warn("agents re-registered after the failover: {} of {} within {} ms", awaitedTotal - awaited.size(),
            awaitedTotal, timeoutMillis);
        awaited.clear();
      }
    });
  }

  /**
   * An agent awaited after a failover will not come back (an operator marked it gone): it no
   * longer counts toward "all agents re-registered".
   */
  void notAwaited(String id) {
    if (awaited.remove(id)) {
      awaitedTotal--;
      if (awaited.isEmpty()) {
        LOG.info("all agents re-registered after the failover agents={} in {} ms", awaitedTotal,
            (System.nanoTime() - awaitedSinceNanos) / 1_000_000);
      }
    }
  }

  /** Agents admitted before the failover and still awaited (for tests and the log). */
  int awaitedCount() {
    return awaited.size();
  }

  private void reregistered(String id, String hostname, int tasks) {
    if (!awaited.remove(id)) {
      m.log("agent re-registered agent={} hostname={} tasks={}", id, hostname, tasks);
      return;
    }
    LOG.debug("agent re-registered agent={} hostname={} tasks={}", id, hostname, tasks);
    if (awaited.isEmpty()) {
      LOG.info("all agents re-registered after the failover agents={} in {} ms", awaitedTotal,
          (System.nanoTime() - awaitedSinceNanos) / 1_000_000);
    }
  }

  void handle(Message<Object> message) {
    Object body = message.body();
    try {
      if (body instanceof RegisterAgentMessage register) {
        register(message, register);
      } else if (body instanceof ReregisterAgentMessage reregister) {
        reregister(message, reregister);
      } else if (body instanceof StatusUpdate update) {
        statusUpdate(update);
      } else {
        String type = body == null ? "null" : body.getClass().getSimpleName();
        m.log("ignoring unexpected message on {} type={}", Addresses.MASTER, type);
        if (message.replyAddress() != null) {
          message.fail(400, "unexpected message type " + type + " on " + Addresses.MASTER);
        }
      }
    } catch (CallException e) {
      if (message.replyAddress() != null) {
        MasterVerticle.fail(message, e);
      }
      m.log("refused agent message: {}", e.getMessage());
    }
  }

  // ---- registration --------------------------------------------------------------------

  private Resources validateAgentInfo(AgentInfo info) {
    if (!info.hasHostname() || info.getHostname().isBlank()) {
      throw CallException.invalid("agent_info.hostname is missing; the agent must say which host it runs on");
    }
    try {
      return Resources.fromProto(info.getResourcesList());
    } catch (IllegalArgumentException e) {
      throw CallException.invalid("agent_info.resources: " + e.getMessage());
    }
  }

  private void register(Message<Object> message, RegisterAgentMessage register) {
    AgentInfo info = register.getAgentInfo();
    Resources total = validateAgentInfo(info);
    String id = info.hasId() && !info.getId().getValue().isEmpty() ? info.getId().getValue() : m.newAgentId();
    m.goneAgents.refuseIfGone(id);
    total = m.reservations.applyTo(id, total);
    AgentRecord existing = m.agents.get(id);
    if (existing != null) {
      // The agent lost its state (restarted without tasks) but kept its id: start it afresh.
      removeAgentTasks(existing, "the agent registered again without its tasks");
      for (String offerId : List.copyOf(existing.offerIds)) {
        m.rescindOffer(offerId);
      }
      m.allocator.removeAgent(id);
    }
    info = info.toBuilder().setId(AgentID.newBuilder().setValue(id)).build();
    AgentRecord agent = new AgentRecord(id, info, total, Tasks.nowSeconds());
    m.agents.put(id, agent);
    m.allocator.addAgent(id, m.agentSpec(agent), Map.of());
    m.log("agent registered agent={} hostname={} resources={}", id, info.getHostname(), total);
    m.registryAgent(agent, "ACTIVE");
    m.events.agentAdded(agent);
    message.reply(AgentRegisteredMessage.newBuilder()
        .setAgentId(info.getId())
        .setMasterInfo(m.masterInfo)
        .setPingIntervalSeconds(m.options.getAgentPingIntervalMillis() / 1000.0)
        .build());
  }

  private void reregister(Message<Object> message, ReregisterAgentMessage reregister) {
    AgentInfo info = reregister.getAgentInfo();
    if (!info.hasId() || info.getId().getValue().isEmpty()) {
      throw CallException.invalid("agent_info.id is missing; an agent re-registers with the id it was given");
    }
    String id = info.getId().getValue();
    m.goneAgents.refuseIfGone(id);
    Resources total = m.reservations.applyTo(id, validateAgentInfo(info));
    AgentRecord agent = m.agents.get(id);
    boolean wasUnreachable = agent != null && agent.status == AgentRecord.Status.UNREACHABLE;
    if (agent != null) {
      for (String offerId : List.copyOf(agent.offerIds)) {
        m.rescindOffer(offerId);
      }
      if (agent.status == AgentRecord.Status.ACTIVE) {
        m.allocator.removeAgent(id);
      }
      agent.info = info;
      agent.total = total;
      agent.status = AgentRecord.Status.ACTIVE;
      agent.missedPings = 0;
    } else {
      agent = new AgentRecord(id, info, total, Tasks.nowSeconds());
      m.agents.put(id, agent);
    }
    // The agent's report is the truth about what runs there: adopt its tasks.
    java.util.Set<String> reported = new java.util.HashSet<>();
    List<io.meso.v1.TaskID> kill = new java.util.ArrayList<>();
    List<io.meso.internal.KillTaskMessage> killTasks = new java.util.ArrayList<>();
    for (Task task : reregister.getTasksList()) {
      String frameworkId = task.getFrameworkId().getValue();
      reported.add(frameworkId + "/" + task.getTaskId().getValue());
      FrameworkRecord framework = m.frameworks.get(frameworkId);
      if (framework == null) {
        if (m.completedFrameworks.containsKey(frameworkId)) {
          kill.add(task.getTaskId());
          killTasks.add(io.meso.internal.KillTaskMessage.newBuilder().setFrameworkId(task.getFrameworkId())
              .setTaskId(task.getTaskId()).build());
          continue;
        }
        // A framework the master has not seen (yet): it may re-subscribe after a master failover.
        io.meso.v1.FrameworkInfo placeholder = reregister.getFrameworksList().stream()
            .filter(f -> f.getId().getValue().equals(frameworkId)).findFirst()
            .orElse(io.meso.v1.FrameworkInfo.newBuilder().setName("unknown").setUser("")
                .setId(task.getFrameworkId()).build());
        framework = new FrameworkRecord(frameworkId, placeholder, Tasks.nowSeconds());
        m.frameworks.put(frameworkId, framework);
        m.allocator.addFramework(frameworkId, m.frameworkSpec(framework, java.util.Set.of()), Map.of(), false);
      }
      TaskRecord record = framework.tasks.get(task.getTaskId().getValue());
      Resources resources;
      try {
        resources = Resources.fromProto(task.getResourcesList());
      } catch (IllegalArgumentException e) {
        resources = Resources.EMPTY;
      }
      if (record == null || !record.agentId.equals(id)) {
        TaskInfo taskInfo = TaskInfo.newBuilder().setName(task.getName()).setTaskId(task.getTaskId())
            .setAgentId(AgentID.newBuilder().setValue(id)).addAllResources(task.getResourcesList()).build();
        record = new TaskRecord(taskInfo, frameworkId, id, resources, Tasks.nowSeconds());
        framework.tasks.put(record.id(), record);
      }
      boolean wasTerminal = record.terminal();
      TaskState reportedBefore = record.state;
      record.state = task.getState();
      for (TaskStatus status : task.getStatusesList()) {
        record.addStatus(status);
      }
      if (!wasTerminal || !record.terminal()) {
        agent.addTask(record);
      }
      if (wasUnreachable && !record.terminal()
          && (reportedBefore == TaskState.TASK_LOST || reportedBefore == TaskState.TASK_UNREACHABLE)) {
        if (framework.partitionAware()) {
          // Partition-aware frameworks manage returning tasks themselves: tell them it runs again.
          TaskStatus back = Tasks.masterStatus(task.getTaskId(), id, record.state,
              TaskStatus.Reason.REASON_AGENT_REREGISTERED, "Agent " + id + " re-registered; the task is "
                  + record.state);
          record.addStatus(back);
          m.sendUpdate(framework, back);
        } else {
          // The framework was told TASK_LOST and may have replaced the task: don't leave a twin running.
          kill.add(task.getTaskId());
          m.bus.send(Addresses.agent(id), io.meso.internal.KillTaskMessage.newBuilder()
              .setFrameworkId(task.getFrameworkId()).setTaskId(task.getTaskId()).build());
        }
      }
    }
    // Tasks the master believed were on this agent but the agent does not report are gone.
    for (Map<String, TaskRecord> byId : List.copyOf(agent.tasks.values())) {
      for (TaskRecord task : List.copyOf(byId.values())) {
        if (!reported.contains(task.frameworkId + "/" + task.id()) && !task.terminal()) {
          FrameworkRecord framework = m.frameworks.get(task.frameworkId);
          agent.removeTask(task);
          TaskStatus status = Tasks.endStatus(TaskEnd.AGENT_REREGISTERED_WITHOUT_TASK, framework,
              task.info.getTaskId(), id, "Task was not reported by agent " + id + " when it re-registered");
          task.recordOwn(status);
          m.metrics.taskEnded(status.getState());
          if (framework != null) {
            m.sendUpdate(framework, status);
            m.completeTask(framework, task);
          }
        }
      }
    }
    m.allocator.addAgent(id, m.agentSpec(agent), agent.usedByFramework());
    m.registryAgent(agent, "ACTIVE");
    for (io.meso.v1.TaskID taskId : kill) {
      m.log("agent reported a task of a removed framework, asking it to kill task={}", taskId.getValue());
    }
    reregistered(id, info.getHostname(), reregister.getTasksCount());
    m.events.agentAdded(agent);
    message.reply(AgentReregisteredMessage.newBuilder()
        .setAgentId(info.getId())
        .setMasterInfo(m.masterInfo)
        .setPingIntervalSeconds(m.options.getAgentPingIntervalMillis() / 1000.0)
        .addAllKillTaskIds(kill)
        .addAllKillTasks(killTasks)
        .build());
  }

  // ---- status updates ------------------------------------------------------------------

  private void statusUpdate(StatusUpdate update) {
    m.metrics.statusUpdatesReceived++;
    TaskStatus status = update.getStatus();
    String agentId = update.getAgentId().getValue();
    AgentRecord agent = m.agents.get(agentId);
    if (agent == null || agent.status != AgentRecord.Status.ACTIVE) {
      // Not admitted (or unreachable): the agent keeps retrying and will re-register first.
      return;
    }
    FrameworkRecord framework = m.frameworks.get(update.getFrameworkId().getValue());
    if (framework == null) {
      return;
    }
    TaskRecord task = framework.tasks.get(status.getTaskId().getValue());
    if (task != null && status.hasUuid() && status.getUuid().equals(task.pendingUpdateUuid)) {
      m.metrics.statusUpdateRetries++; // the agent resends until the framework acknowledges
    }
    if (task != null && task.agentId.equals(agentId)) {
      boolean wasTerminal = task.terminal();
      TaskState latest = update.hasLatestState() ? update.getLatestState() : status.getState();
      task.state = latest;
      task.addStatus(status);
      if (!wasTerminal && task.terminal()) {
        m.releaseTask(task);
        m.metrics.taskEnded(task.state);
      }
      if (status.hasUuid()) {
        task.pendingUpdateState = status.getState();
        task.pendingUpdateUuid = status.getUuid();
      } else if (task.terminal()) {
        m.completeTask(framework, task);
      }
    }
    m.sendUpdate(framework, status);
  }

  // ---- health --------------------------------------------------------------------------

  /** Pings every active agent; after too many missed pongs an agent is marked unreachable. */
  void pingAgents() {
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(m.options.getAgentPingIntervalMillis());
    PingAgentMessage ping = PingAgentMessage.newBuilder().setConnected(true).build();
    for (AgentRecord agent : List.copyOf(m.agents.values())) {
      if (agent.status != AgentRecord.Status.ACTIVE || agent.pingInFlight) {
        continue;
      }
      agent.pingInFlight = true;
      m.bus.request(Addresses.agent(agent.id), ping, opts).onComplete(ar -> {
        agent.pingInFlight = false;
        if (m.agents.get(agent.id) != agent || agent.status != AgentRecord.Status.ACTIVE) {
          return;
        }
        if (ar.succeeded()) {
          agent.missedPings = 0;
          notReady(agent, ar.result().body() instanceof io.meso.internal.PongAgentMessage pong
              && pong.hasNotReadyReason() ? pong.getNotReadyReason() : null);
        } else if (++agent.missedPings >= m.options.getMaxAgentPingTimeouts()) {
          markUnreachable(agent, "it did not answer " + agent.missedPings + " pings in a row ("
              + ar.cause().getMessage() + ")");
        }
      });
    }
  }

  /** Records (and logs when it changes) what an agent says about its readiness in its pongs. */
  private static void notReady(AgentRecord agent, String reason) {
    if (java.util.Objects.equals(reason, agent.notReadyReason)) {
      return;
    }
    if (reason != null) {
      LOG.warn("agent reports it is not ready agent_id={} reason={}", agent.id, reason);
    } else {
      LOG.info("agent reports it is ready again agent_id={}", agent.id);
    }
    agent.notReadyReason = reason;
  }

  /**
   * An agent went silent: its offers are rescinded and each of its tasks ends as
   * {@link TaskEnd#AGENT_UNREACHABLE} (TASK_UNREACHABLE, or TASK_LOST for frameworks that are not
   * partition-aware). When the agent
   * comes back it re-registers and its tasks are reconciled.
   */
  void markUnreachable(AgentRecord agent, String why) {
    m.log("agent unreachable agent={} hostname={} because {}", agent.id, agent.hostname(), why);
    m.metrics.agentsMarkedUnreachable++;
    for (String offerId : List.copyOf(agent.offerIds)) {
      m.rescindOffer(offerId);
    }
    agent.status = AgentRecord.Status.UNREACHABLE;
    agent.unreachableSince = Tasks.nowSeconds();
    m.registryAgent(agent, "UNREACHABLE");
    m.events.agentRemoved(agent.id);
    m.allocator.removeAgent(agent.id);
    long nanos = (long) (agent.unreachableSince * 1e9);
    for (Map<String, TaskRecord> byId : agent.tasks.values()) {
      for (TaskRecord task : byId.values()) {
        if (task.terminal()) {
          continue;
        }
        FrameworkRecord framework = m.frameworks.get(task.frameworkId);
        TaskStatus status = Tasks.endStatus(TaskEnd.AGENT_UNREACHABLE, framework, task.info.getTaskId(), agent.id,
            "Agent " + agent.id + " (" + agent.hostname() + ") is unreachable: " + why).toBuilder()
            .setUnreachableTime(TimeInfo.newBuilder().setNanoseconds(nanos)).build();
        task.recordOwn(status);
        m.metrics.taskEnded(status.getState());
        if (framework != null) {
          m.sendUpdate(framework, status);
        }
      }
    }
  }

  private void removeAgentTasks(AgentRecord agent, String why) {
    for (Map<String, TaskRecord> byId : List.copyOf(agent.tasks.values())) {
      for (TaskRecord task : List.copyOf(byId.values())) {
        if (task.terminal()) {
          continue;
        }
        FrameworkRecord framework = m.frameworks.get(task.frameworkId);
        TaskStatus status = Tasks.endStatus(TaskEnd.AGENT_RESTARTED, framework, task.info.getTaskId(), agent.id,
            "Task is gone: " + why);
        task.recordOwn(status);
        m.metrics.taskEnded(status.getState());
        agent.removeTask(task);
        if (framework != null) {
          m.sendUpdate(framework, status);
          m.completeTask(framework, task);
        }
      }
    }
  }
}
