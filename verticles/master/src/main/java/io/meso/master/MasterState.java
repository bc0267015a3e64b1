package io.meso.master;

import io.meso.allocator.AgentSpec;
import io.meso.allocator.Allocation;
import io.meso.allocator.FrameworkSpec;
import io.meso.allocator.Resources;
import io.meso.allocator.verticle.AllocationBatch;
import io.meso.allocator.verticle.AllocatorCommands;
import io.meso.ha.Registry;
import io.meso.internal.ShutdownFrameworkMessage;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.MasterInfo;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.Resource;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The master's state and the operations that change it, in plain Java: agents, frameworks and
 * their tasks, outstanding offers, the bounded completed history, dynamic reservations and what
 * a new leader knows of the agents admitted before a failover. Offers and the framework
 * lifecycle live here; tasks in {@link Launches}, agents in {@link AgentLifecycle}, answers to
 * RECONCILE in {@link Reconciliation}.
 *
 * <p>Operations decide; they send nothing themselves but say what must follow through
 * {@link Effects} (the master verticle carries it out over the event bus, a test records it).
 * Confined to the master's event loop, as every record it holds.
 */
final class MasterState {

  final MasterOptions options;
  final String masterId;
  final Map<String, AgentRecord> agents = new LinkedHashMap<>();
  final Map<String, FrameworkRecord> frameworks = new LinkedHashMap<>();
  final Map<String, FrameworkRecord> completedFrameworks = new LinkedHashMap<>();
  final Map<String, OfferRecord> offers = new HashMap<>();
  /** Completed tasks and removed frameworks, bounded by count and age across the master. */
  final CompletedHistory completedHistory;
  /** Every task above (active and completed) in launch order, for paged listings ({@link TaskPages}). */
  final TaskOrder taskOrder = TaskOrder.master();
  final MasterMetrics metrics = new MasterMetrics();
  final Reservations reservations = new Reservations();
  /** Agents admitted before a failover that have not re-registered yet (reconciliation stays silent about them). */
  final Set<String> recoveringAgents = new HashSet<>();
  /** Agents the registry holds as unreachable that have not re-registered with this master: id to since (seconds). */
  final Map<String, Double> unreachableAgents = new HashMap<>();
  /** Agents an operator marked gone, never admitted again under their id: id to when (seconds; 0 unknown). */
  final Map<String, Double> goneAgents = new LinkedHashMap<>();
  /** Builds the changes published for the operator API and the web UI. */
  final MasterEvents events;
  /** The changes to the tasks for the standbys' copy of them (on while leading with standbys). */
  final ReplicaFeed replicaFeed = new ReplicaFeed();
  final Effects effects;
  final Logger logger;
  /** The allocator's mutators, as commands handed to {@link Effects#toAllocator}. */
  final AllocatorCommands allocator;
  final Launches launches;
  final AgentLifecycle agentLifecycle;
  final Reconciliation reconciliation;
  MasterInfo masterInfo;
  private long nextFrameworkSeq;
  private long nextOfferSeq;
  private long nextAgentSeq;
  /** Per-agent lines at DEBUG instead of INFO (a {@link StandbyRehearsal}'s private master). */
  boolean quiet;

  /**
   * {@code logger}: where the state's lines go (the master verticle's category, which its lines
   * have always had).
   */
  MasterState(MasterOptions options, String masterId, Effects effects, Logger logger) {
    this.logger = logger;
    this.options = options;
    this.masterId = masterId;
    this.effects = effects;
    this.allocator = new AllocatorCommands(effects::toAllocator);
    this.completedHistory = new CompletedHistory(frameworks, completedFrameworks, taskOrder, options);
    this.events = new MasterEvents(agents, effects);
    this.launches = new Launches(this);
    this.agentLifecycle = new AgentLifecycle(this);
    this.reconciliation = new Reconciliation(this);
  }

  // ---- identifiers ---------------------------------------------------------------------

  String newFrameworkId() {
    return masterId + "-" + String.format("%04d", nextFrameworkSeq++);
  }

  String newOfferId() {
    return masterId + "-O" + nextOfferSeq++;
  }

  String newAgentId() {
    return masterId + "-S" + nextAgentSeq++;
  }

  // ---- event delivery ------------------------------------------------------------------

  /** Sends an event to the framework's current subscription, if it has one. */
  void sendEvent(FrameworkRecord framework, Event event) {
    if (framework.eventsAddress != null) {
      effects.toFramework(framework.id, framework.eventsAddress, event);
    }
  }

  void sendUpdate(FrameworkRecord framework, TaskStatus status) {
    sendEvent(framework, Event.newBuilder().setType(Event.Type.UPDATE)
        .setUpdate(Event.Update.newBuilder().setStatus(status)).build());
    metrics.statusUpdatesForwarded++;
    events.taskUpdated(framework, status);
  }

  void sendError(FrameworkRecord framework, String message) {
    sendEvent(framework, Event.newBuilder().setType(Event.Type.ERROR)
        .setError(Event.Error.newBuilder().setMessage(message)).build());
  }

  private void sendSubscribed(FrameworkRecord framework) {
    sendEvent(framework, Event.newBuilder().setType(Event.Type.SUBSCRIBED)
        .setSubscribed(Event.Subscribed.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id))
            .setHeartbeatIntervalSeconds(options.getHeartbeatIntervalMillis() / 1000.0)
            .setMasterInfo(masterInfo))
        .build());
  }

  // ---- registry ------------------------------------------------------------------------

  /** Records a framework (its info, and its subscription address while connected). */
  void registryFramework(FrameworkRecord framework) {
    effects.toRegistry(Registry.FRAMEWORKS, framework.id, RegistryEntries.encode(framework.info.toByteArray(),
        framework.eventsAddress));
  }

  /** Records an agent with its status (ACTIVE, UNREACHABLE), or forgets it ({@code status} null). */
  void registryAgent(AgentRecord agent, String status) {
    effects.toRegistry(Registry.AGENTS, agent.id, status == null ? null
        : RegistryEntries.encode(agent.info.toByteArray(), status));
  }

  /** Records an agent's dynamic reservations (removed when it has none). */
  void registryReservations(String agentId) {
    effects.toRegistry(Reservations.REGISTRY_SECTION, agentId,
        reservations.of(agentId).isEmpty() ? null : reservations.encode(agentId));
  }

  // ---- offers --------------------------------------------------------------------------

  /**
   * Turns the allocator's decisions into offers, one OFFERS event per framework; an allocation
   * the world moved on from (framework gone or disconnected, agent gone or unreachable) goes back
   * to the allocator. With an offer timeout, each offer is rescinded if still outstanding then.
   */
  void offer(AllocationBatch batch) {
    metrics.allocationRuns++;
    metrics.recordAllocationRun(batch.runNanos());
    Map<String, List<Offer>> byFramework = new LinkedHashMap<>();
    for (Allocation allocation : batch.allocations()) {
      FrameworkRecord framework = frameworks.get(allocation.frameworkId());
      AgentRecord agent = agents.get(allocation.agentId());
      if (framework == null || !framework.connected() || agent == null
          || agent.status != AgentRecord.Status.ACTIVE) {
        allocator.recoverResources(allocation.frameworkId(), allocation.agentId(), allocation.resources(), 0);
        continue;
      }
      Offer offer = buildOffer(allocation, agent);
      double offeredAt = Tasks.nowSeconds();
      OfferRecord record = new OfferRecord(offer.getId().getValue(), framework.id, agent.id, allocation.role(),
          allocation.resources(), offer, offeredAt,
          options.getOfferTimeoutMillis() > 0 ? offeredAt + options.getOfferTimeoutMillis() / 1000.0 : 0);
      offers.put(record.id(), record);
      if (options.getOfferTimeoutMillis() > 0) {
        // An unanswered offer holds resources other frameworks could use: take it back.
        String offerId = record.id();
        effects.setTimer(options.getOfferTimeoutMillis(), () -> expireOffer(offerId));
      }
      framework.offerIds.add(record.id());
      agent.offerIds.add(record.id());
      byFramework.computeIfAbsent(framework.id, f -> new ArrayList<>()).add(offer);
    }
    byFramework.forEach((frameworkId, list) -> {
      metrics.offersMade += list.size();
      sendEvent(frameworks.get(frameworkId), Event.newBuilder().setType(Event.Type.OFFERS)
          .setOffers(Event.Offers.newBuilder().addAllOffers(list)).build());
    });
  }

  private Offer buildOffer(Allocation allocation, AgentRecord agent) {
    Resource.AllocationInfo allocationInfo = Resource.AllocationInfo.newBuilder().setRole(allocation.role()).build();
    Offer.Builder offer = Offer.newBuilder()
        .setId(OfferID.newBuilder().setValue(newOfferId()))
        .setFrameworkId(FrameworkID.newBuilder().setValue(allocation.frameworkId()))
        .setAgentId(AgentID.newBuilder().setValue(agent.id))
        .setHostname(agent.hostname())
        .addAllAttributes(agent.info.getAttributesList())
        .setAllocationInfo(allocationInfo);
    for (Resource r : allocation.resources().toProto()) {
      offer.addResources(r.toBuilder().setAllocationInfo(allocationInfo));
    }
    return offer.build();
  }

  /** The offer timeout passed: rescinds the offer if it is still outstanding. */
  void expireOffer(String offerId) {
    OfferRecord offer = offers.get(offerId);
    if (offer != null) {
      logger.info("offer timed out, rescinding offer={} framework={}", offerId, offer.frameworkId());
      rescindOffer(offerId);
    }
  }

  /** Forgets an offer; the caller decides what happens to its resources. */
  OfferRecord removeOffer(String offerId) {
    OfferRecord offer = offers.remove(offerId);
    if (offer != null) {
      FrameworkRecord framework = frameworks.get(offer.frameworkId());
      if (framework != null) {
        framework.offerIds.remove(offerId);
      }
      AgentRecord agent = agents.get(offer.agentId());
      if (agent != null) {
        agent.offerIds.remove(offerId);
      }
    }
    return offer;
  }

  /** Takes an offer back: tells the framework (RESCIND) and returns its resources to the allocator. */
  void rescindOffer(String offerId) {
    OfferRecord offer = removeOffer(offerId);
    if (offer == null) {
      return;
    }
    metrics.offersRescinded++;
    FrameworkRecord framework = frameworks.get(offer.frameworkId());
    if (framework != null) {
      sendEvent(framework, Event.newBuilder().setType(Event.Type.RESCIND)
          .setRescind(Event.Rescind.newBuilder().setOfferId(offer.offer().getId())).build());
    }
    allocator.recoverResources(offer.frameworkId(), offer.agentId(), offer.resources(), 0);
  }

  /** Declines an outstanding offer of {@code framework} (others are ignored, as in Mesos). */
  void declineOffer(FrameworkRecord framework, String offerId, double refuseSeconds) {
    OfferRecord offer = offers.get(offerId);
    if (offer == null || !offer.frameworkId().equals(framework.id)) {
      return;
    }
    removeOffer(offer.id());
    metrics.offersDeclined++;
    allocator.recoverResources(framework.id, offer.agentId(), offer.resources(), refuseSeconds);
  }

  // ---- frameworks ----------------------------------------------------------------------

  FrameworkSpec frameworkSpec(FrameworkRecord framework, Set<String> suppressedRoles) {
    boolean gpuAware = framework.hasCapability(FrameworkInfo.Capability.Type.GPU_RESOURCES);
    return new FrameworkSpec(framework.roles, suppressedRoles, gpuAware);
  }

  /** Used resources of a framework per agent (what its non-terminal tasks hold). */
  Map<String, Resources> usedByAgent(FrameworkRecord framework) {
    Map<String, Resources> used = new LinkedHashMap<>();
    for (TaskRecord task : framework.tasks.values()) {
      if (!task.terminal()) {
        used.merge(task.agentId, task.resources, Resources::plus);
      }
    }
    return used;
  }

  /**
   * SUBSCRIBE of a valid {@code info} from the subscription at {@code eventsAddress}: a new
   * framework, a known one failing over (the new subscription replaces the old one, its offers
   * are rescinded), or an unknown id (a framework re-subscribing after a master failover). A
   * framework that was removed cannot come back (403).
   */
  FrameworkRecord subscribe(FrameworkInfo info, Set<String> suppressed, String eventsAddress) {
    FrameworkRecord framework;
    if (info.hasId() && !info.getId().getValue().isEmpty()) {
      String id = info.getId().getValue();
      framework = frameworks.get(id);
      if (framework == null && completedFrameworks.containsKey(id)) {
        throw CallException.forbidden("framework '" + id + "' was removed; subscribe without an id to start anew");
      }
      if (framework == null) {
        // Unknown id: a framework re-subscribing after a master failover. Its tasks are re-learned from agents.
        framework = new FrameworkRecord(id, info, Tasks.nowSeconds());
        frameworks.put(id, framework);
        attach(framework, eventsAddress);
        allocator.addFramework(id, frameworkSpec(framework, suppressed), usedByAgent(framework), true);
      } else {
        // Failover of a known framework: the new subscription replaces the old one.
        if (framework.connected() && !eventsAddress.equals(framework.eventsAddress)) {
          sendError(framework, "Framework failed over: a newer subscription for " + id + " replaced this one");
        }
        if (framework.failoverTimerId >= 0) {
          effects.cancelTimer(framework.failoverTimerId);
          framework.failoverTimerId = -1;
        }
        framework.update(info.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build());
        for (String offerId : List.copyOf(framework.offerIds)) {
          rescindOffer(offerId);
        }
        attach(framework, eventsAddress);
        allocator.updateFramework(id, frameworkSpec(framework, suppressed));
        allocator.activateFramework(id);
      }
      log("framework re-subscribed framework={} name={}", id, info.getName());
      events.frameworkUpdated(framework);
    } else {
      String id = newFrameworkId();
      framework = new FrameworkRecord(id, info.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build(),
          Tasks.nowSeconds());
      frameworks.put(id, framework);
      attach(framework, eventsAddress);
      allocator.addFramework(id, frameworkSpec(framework, suppressed), Map.of(), true);
      log("framework subscribed framework={} name={} roles={}", id, info.getName(), framework.roles);
      events.frameworkAdded(framework);
    }
    return framework;
  }

  private void attach(FrameworkRecord framework, String eventsAddress) {
    framework.eventsAddress = eventsAddress;
    registryFramework(framework);
    sendSubscribed(framework);
  }

  /**
   * A framework a previous leader recorded: re-attached to its subscription ({@code subscription},
   * which may live on on another master's API server; the next unanswered heartbeat disconnects
   * it if it died with the old leader), or disconnected with its failover timeout running.
   */
  void restoreFramework(String id, FrameworkInfo info, String subscription) {
    if (frameworks.containsKey(id)) {
      return;
    }
    FrameworkRecord framework = new FrameworkRecord(id, info, Tasks.nowSeconds());
    frameworks.put(id, framework);
    if (!subscription.isEmpty()) {
      framework.eventsAddress = subscription;
      allocator.addFramework(id, frameworkSpec(framework, Set.of()), Map.of(), true);
      sendSubscribed(framework);
      logger.info("framework restored from the registry framework={} subscription={}", id, subscription);
    } else {
      allocator.addFramework(id, frameworkSpec(framework, Set.of()), Map.of(), false);
      framework.disconnectedAt = Tasks.nowSeconds();
      startFailoverTimer(framework);
      logger.info("framework restored from the registry disconnected framework={}", id);
    }
  }

  /**
   * The subscriber is gone: stop offering, take back outstanding offers, and start the
   * failover timeout after which the framework and its tasks are removed.
   */
  void disconnectFramework(FrameworkRecord framework) {
    if (!framework.connected()) {
      return;
    }
    framework.eventsAddress = null;
    framework.disconnectedAt = Tasks.nowSeconds();
    allocator.deactivateFramework(framework.id);
    for (String offerId : List.copyOf(framework.offerIds)) {
      OfferRecord offer = removeOffer(offerId);
      allocator.recoverResources(offer.frameworkId(), offer.agentId(), offer.resources(), 0);
    }
    registryFramework(framework);
    startFailoverTimer(framework);
  }

  /** Removes the disconnected framework unless it re-subscribes within its failover_timeout. */
  private void startFailoverTimer(FrameworkRecord framework) {
    double timeout = framework.info.getFailoverTimeout();
    long millis = (long) Math.min(Math.max(0, timeout) * 1000, 365L * 24 * 3600 * 1000);
    logger.info("framework disconnected framework={} failover_timeout={}s", framework.id, timeout);
    events.frameworkUpdated(framework);
    if (millis == 0) {
      removeFramework(framework, "its failover_timeout is 0 and it disconnected");
    } else {
      framework.failoverTimerId = effects.setTimer(millis, () -> {
        if (!framework.connected() && frameworks.get(framework.id) == framework) {
          removeFramework(framework, "it did not reconnect within its failover_timeout of " + timeout + "s");
        }
      });
    }
  }

  /**
   * Tears a framework down: its tasks are killed on their agents, recorded TASK_KILLED, and it
   * is remembered in the bounded completed history.
   */
  void removeFramework(FrameworkRecord framework, String why) {
    logger.info("removing framework={} because {}", framework.id, why);
    if (framework.failoverTimerId >= 0) {
      effects.cancelTimer(framework.failoverTimerId);
    }
    for (String offerId : List.copyOf(framework.offerIds)) {
      removeOffer(offerId);
    }
    Set<String> agentIds = new HashSet<>();
    for (TaskRecord task : framework.tasks.values()) {
      agentIds.add(task.agentId);
      AgentRecord agent = agents.get(task.agentId);
      if (agent != null) {
        agent.removeTask(task);
      }
    }
    for (String agentId : agentIds) {
      AgentRecord agent = agents.get(agentId);
      if (agent != null && agent.status == AgentRecord.Status.ACTIVE) {
        effects.toAgent(agentId, ShutdownFrameworkMessage.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id)).build());
      }
    }
    if (framework.connected()) {
      sendError(framework, "Framework " + framework.id + " has been removed: " + why);
      framework.eventsAddress = null;
    }
    // As Mesos: the framework's tasks are implicitly killed and recorded TASK_KILLED with
    // REASON_FRAMEWORK_REMOVED (the agents' own updates for them are dropped: the framework is
    // gone), so nothing stays RUNNING in GET_TASKS, /state-summary or the web UI.
    double now = Tasks.nowSeconds();
    for (TaskRecord task : List.copyOf(framework.tasks.values())) {
      if (!task.terminal()) {
        TaskStatus killed = Tasks.masterStatus(task.info.getTaskId(), task.agentId, TaskState.TASK_KILLED,
            TaskStatus.Reason.REASON_FRAMEWORK_REMOVED, "Framework " + framework.id + " removed: " + why);
        task.state = TaskState.TASK_KILLED;
        task.addStatus(killed);
        metrics.taskEnded(TaskState.TASK_KILLED);
        events.taskUpdated(framework, killed);
      }
      task.pendingUpdateUuid = null;
      task.pendingUpdateState = null;
      framework.tasks.remove(task.id());
      completedHistory.addTask(framework, task, now);
    }
    frameworks.remove(framework.id);
    completedHistory.addFramework(framework, now);
    allocator.removeFramework(framework.id);
    replicaFeed.frameworkRemoved(framework.id);
    events.frameworkRemoved(framework);
  }

  // ---- tasks and agents ----------------------------------------------------------------

  boolean isGone(String agentId) {
    return agentId != null && goneAgents.containsKey(agentId);
  }

  /** Moves a task that reached a terminal state and was acknowledged (or needs none) out of the active set. */
  void completeTask(FrameworkRecord framework, TaskRecord task) {
    framework.tasks.remove(task.id());
    completedHistory.addTask(framework, task, Tasks.nowSeconds());
    replicaFeed.forgotten(task);
  }

  /** Frees a task's resources once it is terminal (exactly once per task). */
  void releaseTask(TaskRecord task) {
    AgentRecord agent = agents.get(task.agentId);
    if (agent != null) {
      agent.removeTask(task);
      if (agent.status == AgentRecord.Status.ACTIVE) {
        allocator.recoverResources(task.frameworkId, task.agentId, task.resources, 0);
      }
    }
  }

  AgentSpec agentSpec(AgentRecord agent) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (io.meso.v1.Attribute a : agent.info.getAttributesList()) {
      attributes.put(a.getName(), a.hasText() ? a.getText().getValue()
          : a.hasScalar() ? String.valueOf(a.getScalar().getValue()) : a.toString());
    }
    return new AgentSpec(agent.hostname(), agent.total, attributes);
  }

  void log(String format, Object... args) {
    if (quiet) {
      logger.debug(format, args);
    } else {
      logger.info(format, args);
    }
  }
}
