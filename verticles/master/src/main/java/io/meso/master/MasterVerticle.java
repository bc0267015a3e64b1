package io.meso.master;

import io.meso.allocator.Allocation;
import io.meso.allocator.AgentSpec;
import io.meso.allocator.AllocatorOptions;
import io.meso.allocator.FrameworkSpec;
import io.meso.allocator.Resources;
import io.meso.allocator.verticle.AllocationBatch;
import io.meso.allocator.verticle.AllocatorClient;
import io.meso.allocator.verticle.AllocatorVerticle;
import io.meso.codecs.Addresses;
import io.meso.ha.LeaderElection;
import io.meso.ha.Registry;
import io.meso.ha.RegistryEntries;
import io.meso.v1.Address;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkID;
import io.meso.v1.MasterInfo;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.Resource;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master: admits agents, subscribes frameworks, turns the allocator's decisions into
 * offers, launches and kills tasks on agents, and delivers task status updates to frameworks.
 *
 * <p>All state lives on this verticle's event loop; the allocator runs beside it in its own
 * verticle and is reached over local-only addresses. Agents talk to {@link Addresses#MASTER},
 * every scheduler transport to {@link Addresses#SCHEDULER}, operators to
 * {@link Addresses#OPERATOR}. Call handling is split into {@link SchedulerCalls},
 * {@link AgentManager} and {@link OperatorCalls}; this class holds the shared state and the
 * plumbing they share (offers, event delivery, framework lifecycle).
 */
public class MasterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MasterVerticle.class);

  final MasterOptions options;
  final String masterId = UUID.randomUUID().toString();
  final Map<String, AgentRecord> agents = new LinkedHashMap<>();
  final Map<String, FrameworkRecord> frameworks = new LinkedHashMap<>();
  final Map<String, FrameworkRecord> completedFrameworks = new LinkedHashMap<>();
  final Map<String, OfferRecord> offers = new HashMap<>();
  /** Completed tasks and removed frameworks, bounded by count and age across the master. */
  final CompletedHistory completedHistory;
  final MasterMetrics metrics = new MasterMetrics();
  final Reservations reservations = new Reservations();
  /** Role weights, quotas and draining agents, as set by operators (kept in the registry). */
  final Policies policies = new Policies();
  /** Agents admitted before a failover that have not re-registered yet (reconciliation stays silent about them). */
  final Set<String> recoveringAgents = new java.util.HashSet<>();
  /** Agents the registry holds as unreachable that have not re-registered with this master: id to since (seconds). */
  final Map<String, Double> unreachableAgents = new HashMap<>();
  /** Publishes changes on {@link Addresses#MASTER_EVENTS} for the operator API and the web UI. */
  final MasterEvents events = new MasterEvents(this);
  /** Agents an operator marked gone (MarkAgentGone; kept in the registry). */
  final GoneAgents goneAgents = new GoneAgents(this);
  AllocatorClient allocator;
  EventBus bus;
  MasterInfo masterInfo;
  double startTime;
  private long nextFrameworkSeq;
  private long nextOfferSeq;
  private long nextAgentSeq;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private SchedulerCalls schedulerCalls;
  AgentManager agentManager;
  private OperatorCalls operatorCalls;
  private AllocatorVerticle allocatorVerticle;

  public MasterVerticle(MasterOptions options) {
    this.options = options;
    this.completedHistory = new CompletedHistory(frameworks, completedFrameworks, options);
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    startTime = Tasks.nowSeconds();
    masterInfo = MasterInfo.newBuilder()
        .setId(masterId)
        .setHostname(options.getHostname())
        .setPort(options.getPort())
        .setVersion(io.meso.codecs.MesoVersion.current())
        .setAddress(Address.newBuilder().setHostname(options.getHostname()).setPort(options.getPort()))
        .build();
    allocator = new AllocatorClient(bus);
    schedulerCalls = new SchedulerCalls(this);
    agentManager = new AgentManager(this);
    operatorCalls = new OperatorCalls(this);
    allocatorVerticle = new AllocatorVerticle(new AllocatorOptions()
        .setAllocationInterval(java.time.Duration.ofMillis(options.getAllocationIntervalMillis()))
        .setFrameworkSorter(options.getFrameworkSorter())
        .setRoleSorter(options.getRoleSorter()));
    MessageConsumer<AllocationBatch> allocations = bus.localConsumer(Addresses.ALLOCATIONS, m -> onAllocations(m.body()));
    consumers.add(allocations);
    vertx.setPeriodic(options.getAgentPingIntervalMillis(), id -> agentManager.pingAgents());
    vertx.setPeriodic(options.getHeartbeatIntervalMillis(), id -> heartbeat());
    if (options.getMaxCompletedAgeMillis() > 0) {
      vertx.setPeriodic(Math.min(60_000, options.getMaxCompletedAgeMillis()),
          id -> completedHistory.expire(Tasks.nowSeconds()));
    }
    return vertx.deployVerticle(allocatorVerticle)
        .compose(id -> allocations.completion())
        .compose(v -> standby ? Future.succeededFuture() : registerLeaderConsumers())
        .onSuccess(v -> log("master started id={} address={}:{}{}", masterId, options.getHostname(),
            options.getPort(), standby ? " (standby until elected)" : ""));
  }

  // ---- leadership (io.meso.ha) ---------------------------------------------------------

  private boolean standby;
  private Registry registry;
  private volatile long fence = -1;
  private volatile boolean leading;
  private boolean deposed;
  private final List<MessageConsumer<?>> leaderConsumers = new ArrayList<>();
  private java.util.function.Consumer<String> onDeposed = why -> { };

  /**
   * Makes this master a standby (call before deploying): it consumes nothing on
   * {@link Addresses#MASTER}, {@link Addresses#SCHEDULER} or {@link Addresses#OPERATOR} until
   * {@link #lead} is called by the leader election, and then keeps {@code registry} up to date.
   */
  public MasterVerticle standby(Registry registry, java.util.function.Consumer<String> onDeposed) {
    this.standby = true;
    this.registry = registry;
    this.onDeposed = onDeposed;
    return this;
  }

  /** True while this master leads (always for a master that is not a {@link #standby}). */
  public boolean isLeading() {
    return leading;
  }

  /** The fencing token of this master's term, -1 unless it leads as an elected standby. */
  public long fence() {
    return fence;
  }

  public String masterId() {
    return masterId;
  }

  private Future<Void> registerLeaderConsumers() {
    MessageConsumer<Object> agentInbox = bus.consumer(Addresses.MASTER, agentManager::handle);
    MessageConsumer<Call> schedulerInbox = bus.consumer(Addresses.SCHEDULER, schedulerCalls::handle);
    MessageConsumer<Object> operatorInbox = bus.consumer(Addresses.OPERATOR, operatorCalls::handle);
    leaderConsumers.addAll(List.of(agentInbox, schedulerInbox, operatorInbox));
    leading = true;
    return Future.all(agentInbox.completion(), schedulerInbox.completion(), operatorInbox.completion()).mapEmpty();
  }

  /**
   * This master won the election with {@code fence}: loads the registry (blocking: call it from
   * the election thread, never an event loop), then on the master's context restores the
   * frameworks (re-attached to their subscriptions, or disconnected with their failover timeout
   * running) and the admitted agents (awaited for their re-registration), starts consuming, and
   * announces itself on {@link Addresses#MASTER_ELECTED} so agents re-register at once.
   */
  public Future<Void> lead(long fence) {
    Map<String, Map<String, byte[]>> claimed = claimAll(fence, Registry.FRAMEWORKS, Registry.AGENTS,
        Reservations.REGISTRY_SECTION, Registry.ROLES, Registry.MAINTENANCE, Registry.GONE);
    Map<String, byte[]> frameworkEntries = claimed.get(Registry.FRAMEWORKS);
    Map<String, byte[]> agentEntries = claimed.get(Registry.AGENTS);
    Map<String, byte[]> reservationEntries = claimed.get(Reservations.REGISTRY_SECTION);
    Map<String, byte[]> roleEntries = claimed.get(Registry.ROLES);
    Map<String, byte[]> maintenanceEntries = claimed.get(Registry.MAINTENANCE);
    io.vertx.core.Promise<Void> led = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      this.fence = fence;
      // What the registry holds now: a re-registering agent whose entry is unchanged is not written again.
      registryValues.clear();
      frameworkEntries.forEach((id, value) -> registryValues.put(Registry.FRAMEWORKS + "/" + id, value));
      agentEntries.forEach((id, value) -> registryValues.put(Registry.AGENTS + "/" + id, value));
      reservationEntries.forEach((agentId, value) -> {
        try {
          reservations.decode(agentId, value);
        } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
          LOG.error("skipping unreadable registry entry reservations agent={}: {}", agentId, e.getMessage());
        }
      });
      // Weights, quotas and draining agents reach the allocator before any framework or agent does.
      policies.restore(roleEntries, maintenanceEntries, allocator);
      restoreFrameworks(frameworkEntries);
      goneAgents.restore(claimed.get(Registry.GONE));
      awaitAgents(goneAgents.without(agentEntries));
      registerLeaderConsumers().onComplete(ar -> {
        if (ar.succeeded()) {
          String address = options.getHostname() + ":" + options.getPort();
          LOG.info("leading master id={} fence={} frameworks={} agents_expected={}", masterId, fence,
              frameworkEntries.size(), agentEntries.size());
          bus.publish(Addresses.MASTER_ELECTED, address);
        }
        led.handle(ar);
      });
    });
    return led.future();
  }

  /**
   * Claims the registry sections side by side (each claim is a few blocking round trips, so one
   * after the other they delayed a failover by most of a second). Blocking: the election thread.
   */
  private Map<String, Map<String, byte[]>> claimAll(long fence, String... sections) {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(sections.length, r -> {
      Thread t = new Thread(r, "meso-registry-claim");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<String, java.util.concurrent.CompletableFuture<Map<String, byte[]>>> claiming = new LinkedHashMap<>();
      for (String section : sections) {
        claiming.put(section, java.util.concurrent.CompletableFuture.supplyAsync(() -> registry.claim(fence, section), pool));
      }
      Map<String, Map<String, byte[]>> out = new LinkedHashMap<>();
      for (Map.Entry<String, java.util.concurrent.CompletableFuture<Map<String, byte[]>>> e : claiming.entrySet()) {
        try {
          out.put(e.getKey(), e.getValue().join());
        } catch (java.util.concurrent.CompletionException ex) {
          throw ex.getCause() instanceof RuntimeException re ? re : ex;
        }
      }
      return out;
    } finally {
      pool.shutdown();
    }
  }

  /** This master no longer leads: it stops consuming at once (the caller should end the process). */
  public void stepDown(String why) {
    context.runOnContext(v -> {
      if (deposed) {
        return;
      }
      deposed = true;
      LOG.error("master id={} is no longer the leader (or cannot stand for election): {}", masterId, why);
      leading = false;
      fence = -1;
      for (MessageConsumer<?> c : leaderConsumers) {
        c.unregister();
      }
      leaderConsumers.clear();
      onDeposed.accept(why);
    });
  }

  private void restoreFrameworks(Map<String, byte[]> entries) {
    entries.forEach((id, value) -> {
      try {
        RegistryEntries.Entry entry = RegistryEntries.decode(value);
        io.meso.v1.FrameworkInfo info = io.meso.v1.FrameworkInfo.parseFrom(entry.message());
        if (frameworks.containsKey(id)) {
          return;
        }
        FrameworkRecord framework = new FrameworkRecord(id, info, Tasks.nowSeconds());
        frameworks.put(id, framework);
        if (!entry.label().isEmpty()) {
          // Its subscription may live on (on another master's API server): re-attach to it;
          // the next unanswered heartbeat disconnects it if it died with the old leader.
          framework.eventsAddress = entry.label();
          allocator.addFramework(id, frameworkSpec(framework, Set.of()), Map.of(), true);
          sendEvent(framework, Event.newBuilder().setType(Event.Type.SUBSCRIBED)
              .setSubscribed(Event.Subscribed.newBuilder()
                  .setFrameworkId(FrameworkID.newBuilder().setValue(id))
                  .setHeartbeatIntervalSeconds(options.getHeartbeatIntervalMillis() / 1000.0)
                  .setMasterInfo(masterInfo))
              .build());
          LOG.info("framework restored from the registry framework={} subscription={}", id, entry.label());
        } else {
          allocator.addFramework(id, frameworkSpec(framework, Set.of()), Map.of(), false);
          framework.disconnectedAt = Tasks.nowSeconds();
          startFailoverTimer(framework);
          LOG.info("framework restored from the registry disconnected framework={}", id);
        }
      } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
        LOG.error("skipping unreadable registry entry framework={}: {}", id, e.getMessage());
      }
    });
  }

  /** Agents admitted before the failover: those not re-registered within the timeout are recorded unreachable. */
  private void awaitAgents(Map<String, byte[]> entries) {
    if (entries.isEmpty()) {
      return;
    }
    noteRecovering(entries);
    agentManager.expectReregistrations(entries, reregisterTimeoutMillis);
    vertx.setTimer(reregisterTimeoutMillis, t -> {
      for (String id : entries.keySet()) {
        AgentRecord agent = agents.get(id);
        recoveringAgents.remove(id);
        if (agent == null && !goneAgents.isGone(id)) {
          unreachableAgents.putIfAbsent(id, Tasks.nowSeconds());
          LOG.warn("agent={} did not re-register within {} ms of the failover; recorded unreachable", id,
              reregisterTimeoutMillis);
          RegistryEntries.Entry entry = RegistryEntries.decode(entries.get(id));
          writeRegistry(Registry.AGENTS, id, RegistryEntries.encode(entry.message(), "UNREACHABLE"));
        }
      }
    });
  }

  /** For reconciliation: agents admitted before the failover are awaited; those already unreachable stay so. */
  private void noteRecovering(Map<String, byte[]> entries) {
    entries.forEach((id, value) -> {
      String status;
      try {
        status = RegistryEntries.decode(value).label();
      } catch (IllegalArgumentException e) {
        status = "";
      }
      if ("UNREACHABLE".equals(status)) {
        unreachableAgents.put(id, Tasks.nowSeconds());
      } else {
        recoveringAgents.add(id);
      }
    });
  }

  private long reregisterTimeoutMillis = 10_000;

  /** How long a new leader waits for the agents admitted before the failover to re-register. */
  public MasterVerticle setReregisterTimeoutMillis(long millis) {
    this.reregisterTimeoutMillis = millis;
    return this;
  }

  /** Records a framework (its info, and its subscription address while connected). */
  void registryFramework(FrameworkRecord framework) {
    writeRegistry(Registry.FRAMEWORKS, framework.id, RegistryEntries.encode(framework.info.toByteArray(),
        framework.eventsAddress));
  }

  /** Records an agent with its status (ACTIVE, UNREACHABLE), or forgets it ({@code status} null). */
  void registryAgent(AgentRecord agent, String status) {
    writeRegistry(Registry.AGENTS, agent.id, status == null ? null
        : RegistryEntries.encode(agent.info.toByteArray(), status));
  }

  /** Records an agent's dynamic reservations (removed when it has none). */
  void registryReservations(String agentId) {
    writeRegistry(Reservations.REGISTRY_SECTION, agentId,
        reservations.of(agentId).isEmpty() ? null : reservations.encode(agentId));
  }

  /**
   * Writes the registry for an operator call that must not succeed unless it is stored: completes
   * (on this master's context) once written, or fails with a 503 CallException saying why (a
   * newer leader also makes this master step down). Succeeds at once without a registry.
   */
  Future<Void> persist(String section, String key, byte[] value) {
    if (registry == null) {
      return Future.succeededFuture();
    }
    long token = fence;
    if (!leading || token < 0) {
      return Future.failedFuture(new CallException(503, "this master is not the leader; nothing was changed"));
    }
    java.util.concurrent.CompletionStage<Boolean> written;
    try {
      written = registry.put(token, section, key, value);
    } catch (RuntimeException e) {
      written = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    return Future.fromCompletionStage(written, context).transform(ar -> {
      if (ar.failed()) {
        LOG.warn("registry write failed section={} key={}: {}", section, key, ar.cause().toString());
        return Future.failedFuture(new CallException(503, "the registry write of " + section + "/" + key
            + " failed (" + ar.cause().getMessage() + "); nothing was changed, retry"));
      }
      if (!ar.result()) {
        stepDown("a newer leader holds " + section + "/" + key + " (this master's fence " + token + ")");
        return Future.failedFuture(new CallException(503, "this master is no longer the leader (a newer leader "
            + "was elected); nothing was changed, retry on the new leader"));
      }
      return Future.succeededFuture();
    });
  }

  /** Forgets an agent in the registry's agents section (it was marked gone). */
  void registryForgetAgent(String id) {
    writeRegistry(Registry.AGENTS, id, null);
  }

  void registryForgetFramework(String id) {
    writeRegistry(Registry.FRAMEWORKS, id, null);
  }

  /**
   * The value this leader last wrote (or claimed) per "section/key" of the agents and frameworks
   * sections, so that an unchanged entry is not written again: after a failover every agent
   * re-registers with the AgentInfo the registry already holds, and skipping those writes spares
   * the new leader (and the backups on the other masters) thousands of replicated writes while it
   * is busiest. Event-loop confined.
   */
  private final Map<String, byte[]> registryValues = new java.util.HashMap<>();

  private void writeRegistry(String section, String key, byte[] value) {
    if (registry == null || !leading) {
      return;
    }
    String cacheKey = section + "/" + key;
    boolean cached = Registry.AGENTS.equals(section) || Registry.FRAMEWORKS.equals(section);
    if (cached) {
      byte[] previous = value == null ? registryValues.remove(cacheKey) : registryValues.put(cacheKey, value);
      if (value != null && java.util.Arrays.equals(previous, value)) {
        return;
      }
    }
    long token = fence;
    registry.put(token, section, key, value).whenComplete((ok, err) -> {
      if (err != null) {
        LOG.warn("registry write failed section={} key={}: {}", section, key, err.toString());
        if (cached) {
          // Not known to be stored: the next write of this entry must not be skipped.
          context.runOnContext(v -> registryValues.remove(cacheKey, value));
        }
      } else if (!ok) {
        stepDown("a newer leader wrote " + section + "/" + key + " (this master's fence " + token + ")");
      }
    });
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> unregistered = new ArrayList<>();
    consumers.addAll(leaderConsumers);
    leaderConsumers.clear();
    leading = false;
    for (MessageConsumer<?> c : consumers) {
      unregistered.add(c.unregister());
    }
    return Future.join(unregistered);
  }

  /** The allocator verticle this master deployed (for metrics and tests). */
  public AllocatorVerticle allocatorVerticle() {
    return allocatorVerticle;
  }

  io.vertx.core.Vertx vertx() {
    return vertx;
  }

  /** Runs on this master's event loop (its state is confined there); for tests. */
  Future<Void> onContext(Runnable action) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      action.run();
      done.complete();
    });
    return done.future();
  }

  public MasterMetrics metrics() {
    return metrics;
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
      bus.send(framework.eventsAddress, event);
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

  /** Heartbeats every connected framework; an unanswered heartbeat means the subscriber is gone. */
  private void heartbeat() {
    Event heartbeat = Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(Math.max(5_000, options.getHeartbeatIntervalMillis()));
    for (FrameworkRecord framework : List.copyOf(frameworks.values())) {
      if (!framework.connected() || framework.heartbeatInFlight) {
        continue;
      }
      String address = framework.eventsAddress;
      framework.heartbeatInFlight = true;
      bus.request(address, heartbeat, opts).onComplete(ar -> {
        framework.heartbeatInFlight = false;
        if (ar.failed() && address.equals(framework.eventsAddress)) {
          LOG.info("framework heartbeat unanswered, disconnecting framework={} cause={}", framework.id,
              ar.cause().getMessage());
          disconnectFramework(framework);
        }
      });
    }
  }

  // ---- offers --------------------------------------------------------------------------

  private void onAllocations(AllocationBatch batch) {
    metrics.allocationRuns++;
    metrics.recordAllocationRun(batch.runNanos());
    Map<String, List<Offer>> byFramework = new LinkedHashMap<>();
    for (Allocation allocation : batch.allocations()) {
      FrameworkRecord framework = frameworks.get(allocation.frameworkId());
      AgentRecord agent = agents.get(allocation.agentId());
      if (framework == null || !framework.connected() || agent == null
          || agent.status != AgentRecord.Status.ACTIVE) {
        // The world moved on since the allocator decided: give the resources back.
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
        vertx.setTimer(options.getOfferTimeoutMillis(), t -> {
          if (offers.containsKey(offerId)) {
            LOG.info("offer timed out, rescinding offer={} framework={}", offerId, framework.id);
            rescindOffer(offerId);
          }
        });
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

  // ---- frameworks ----------------------------------------------------------------------

  FrameworkSpec frameworkSpec(FrameworkRecord framework, Set<String> suppressedRoles) {
    boolean gpuAware = framework.hasCapability(io.meso.v1.FrameworkInfo.Capability.Type.GPU_RESOURCES);
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
  void startFailoverTimer(FrameworkRecord framework) {
    double timeout = framework.info.getFailoverTimeout();
    long millis = (long) Math.min(Math.max(0, timeout) * 1000, 365L * 24 * 3600 * 1000);
    LOG.info("framework disconnected framework={} failover_timeout={}s", framework.id, timeout);
    events.frameworkUpdated(framework);
    if (millis == 0) {
      removeFramework(framework, "its failover_timeout is 0 and it disconnected");
    } else {
      framework.failoverTimerId = vertx.setTimer(millis, t -> {
        if (!framework.connected() && frameworks.get(framework.id) == framework) {
          removeFramework(framework, "it did not reconnect within its failover_timeout of " + timeout + "s");
        }
      });
    }
  }

  /** Tears a framework down: its tasks are killed on their agents and it is forgotten. */
  void removeFramework(FrameworkRecord framework, String why) {
    LOG.info("removing framework={} because {}", framework.id, why);
    if (framework.failoverTimerId >= 0) {
      vertx.cancelTimer(framework.failoverTimerId);
    }
    for (String offerId : List.copyOf(framework.offerIds)) {
      removeOffer(offerId);
    }
    Set<String> agentIds = new java.util.HashSet<>();
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
        bus.send(Addresses.agent(agentId), io.meso.internal.ShutdownFrameworkMessage.newBuilder()
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
        TaskStatus killed = Tasks.masterStatus(task.info.getTaskId(), task.agentId, io.meso.v1.TaskState.TASK_KILLED,
            TaskStatus.Reason.REASON_FRAMEWORK_REMOVED, "Framework " + framework.id + " removed: " + why);
        task.state = io.meso.v1.TaskState.TASK_KILLED;
        task.addStatus(killed);
        metrics.taskEnded(io.meso.v1.TaskState.TASK_KILLED);
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
    events.frameworkRemoved(framework);
  }

  // ---- tasks ---------------------------------------------------------------------------

  /** Moves a task that reached a terminal state and was acknowledged (or needs none) out of the active set. */
  void completeTask(FrameworkRecord framework, TaskRecord task) {
    framework.tasks.remove(task.id());
    completedHistory.addTask(framework, task, Tasks.nowSeconds());
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
    if (rehearsal) {
      LOG.debug(format, args);
    } else {
      LOG.info(format, args);
    }
  }

  /** A private master of a {@link StandbyRehearsal}: it logs its per-agent lines at DEBUG. */
  private boolean rehearsal;

  MasterVerticle rehearsal() {
    this.rehearsal = true;
    return this;
  }

  static void fail(Message<?> message, CallException e) {
    message.fail(e.code(), e.getMessage());
  }
}
