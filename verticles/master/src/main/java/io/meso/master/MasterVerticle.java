package io.meso.master;

import io.meso.allocator.AllocatorOptions;
import io.meso.allocator.verticle.AllocationBatch;
import io.meso.allocator.verticle.AllocatorClient;
import io.meso.allocator.verticle.AllocatorVerticle;
import io.meso.codecs.Addresses;
import io.meso.ha.Registry;
import io.meso.v1.Address;
import io.meso.v1.MasterInfo;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
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
 * {@link AgentManager} and {@link OperatorCalls}, which validate messages and turn them into
 * operations on the {@link MasterState}; the state's {@link Effects} are carried out on the
 * event bus by {@link BusEffects}; leadership and the registry are {@link Leadership}'s.
 */
public class MasterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MasterVerticle.class);

  final MasterOptions options;
  /** Agents, frameworks, tasks and offers, and the operations that change them (plain Java). */
  final MasterState state;
  /** Role weights, quotas and draining agents, as set by operators (kept in the registry). */
  final Policies policies = new Policies();
  /** Agents an operator marked gone (MarkAgentGone; kept in the registry). */
  final GoneAgents goneAgents;
  /** The ACLs of {@link MasterOptions#getAcls}, applied to every scheduler and operator call. */
  final Authorization authz;
  private final Leadership leadership;
  AllocatorClient allocator;
  EventBus bus;
  double startTime;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private SchedulerCalls schedulerCalls;
  AgentManager agentManager;
  private OperatorCalls operatorCalls;
  private AllocatorVerticle allocatorVerticle;
  private boolean standby;
  private final List<MessageConsumer<?>> leaderConsumers = new ArrayList<>();
  /** A standby's copy of the leader's tasks, and a leader's feed of its standbys ({@link Replication}). */
  final Replica replica = new Replica();
  final Replication replication = new Replication(this);

  public MasterVerticle(MasterOptions options) {
    this.options = options;
    this.state = new MasterState(options, UUID.randomUUID().toString(), new BusEffects(this), LOG);
    this.leadership = new Leadership(this, state);
    this.goneAgents = new GoneAgents(this);
    this.authz = new Authorization(options.getAcls());
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    startTime = Tasks.nowSeconds();
    state.masterInfo = MasterInfo.newBuilder()
        .setId(state.masterId)
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
    MessageConsumer<AllocationBatch> allocations = bus.localConsumer(Addresses.ALLOCATIONS, m -> state.offer(m.body()));
    consumers.add(allocations);
    AgentPings pings = new AgentPings(this);
    vertx.setPeriodic(options.getAgentPingIntervalMillis(), id -> pings.pingAgents());
    vertx.setPeriodic(options.getHeartbeatIntervalMillis(), id -> heartbeat());
    if (standby) {
      replication.standby(consumers);
    }
    if (options.getMaxCompletedAgeMillis() > 0) {
      vertx.setPeriodic(Math.min(60_000, options.getMaxCompletedAgeMillis()),
          id -> state.completedHistory.expire(Tasks.nowSeconds()));
    }
    return vertx.deployVerticle(allocatorVerticle)
        .compose(id -> allocations.completion())
        .compose(v -> standby ? replication.started() : Future.succeededFuture())
        .compose(v -> standby ? Future.succeededFuture() : registerLeaderConsumers())
        .onSuccess(v -> state.log("master started id={} address={}:{}{}", state.masterId, options.getHostname(),
            options.getPort(), standby ? " (standby until elected)" : ""));
  }

  // ---- leadership (io.meso.ha, see Leadership) -----------------------------------------

  /**
   * Makes this master a standby (call before deploying): it consumes nothing on
   * {@link Addresses#MASTER}, {@link Addresses#SCHEDULER} or {@link Addresses#OPERATOR} until
   * {@link #lead} is called by the leader election, and then keeps {@code registry} up to date.
   */
  public MasterVerticle standby(Registry registry, java.util.function.Consumer<String> onDeposed) {
    this.standby = true;
    leadership.standby(registry, onDeposed);
    return this;
  }

  /** True while this master leads (always for a master that is not a {@link #standby}). */
  public boolean isLeading() {
    return leadership.isLeading();
  }

  /** The fencing token of this master's term, -1 unless it leads as an elected standby. */
  public long fence() {
    return leadership.fence();
  }

  public String masterId() {
    return state.masterId;
  }

  Future<Void> registerLeaderConsumers() {
    MessageConsumer<Object> agentInbox = bus.consumer(Addresses.MASTER, agentManager::handle);
    // Credentials an event-bus client sent are checked before anything else sees the call.
    MessageConsumer<Call> schedulerInbox = bus.consumer(Addresses.SCHEDULER,
        BusAuthentication.wrap(vertx, options.getAuthenticator(), schedulerCalls::handle));
    MessageConsumer<Object> operatorInbox = bus.consumer(Addresses.OPERATOR,
        BusAuthentication.wrap(vertx, options.getAuthenticator(), operatorCalls::handle));
    leaderConsumers.addAll(List.of(agentInbox, schedulerInbox, operatorInbox));
    List<Future<?>> registered = new ArrayList<>(List.of(agentInbox.completion(), schedulerInbox.completion(),
        operatorInbox.completion()));
    if (standby || rehearsing) {
      // Re-registrations by digest: only a master that may hold a copy of the agents' tasks takes them.
      MessageConsumer<Object> digestInbox = bus.consumer(Addresses.MASTER_DIGEST, agentManager::handleDigest);
      MessageConsumer<String> snapshots = bus.consumer(Addresses.MASTER_REPLICA_SNAPSHOT, replication::sendSnapshot);
      leaderConsumers.addAll(List.of(digestInbox, snapshots));
      registered.addAll(List.of(digestInbox.completion(), snapshots.completion()));
    }
    leadership.setLeading(true);
    return Future.all(registered).mapEmpty();
  }

  void unregisterLeaderConsumers() {
    for (MessageConsumer<?> c : leaderConsumers) {
      c.unregister();
    }
    leaderConsumers.clear();
  }

  /**
   * This master won the election with {@code fence}: loads the registry (blocking: call it from
   * the election thread, never an event loop), then on the master's context restores the
   * frameworks (re-attached to their subscriptions, or disconnected with their failover timeout
   * running) and the admitted agents (awaited for their re-registration), starts consuming, and
   * announces itself on {@link Addresses#MASTER_ELECTED} so agents re-register at once.
   */
  public Future<Void> lead(long fence) {
    return leadership.lead(fence, context);
  }

  /** This master no longer leads: it stops consuming at once (the caller should end the process). */
  public void stepDown(String why) {
    context.runOnContext(v -> leadership.stepDown(why));
  }

  /** How long a new leader waits for the agents admitted before the failover to re-register. */
  public MasterVerticle setReregisterTimeoutMillis(long millis) {
    leadership.setReregisterTimeoutMillis(millis);
    return this;
  }

  /** See {@link Leadership#persist}. */
  Future<Void> persist(String section, String key, byte[] value) {
    return leadership.persist(section, key, value, context);
  }

  /** The state's fire-and-forget registry writes (see {@link Leadership#write}). */
  void writeRegistry(String section, String key, byte[] value) {
    leadership.write(section, key, value, context);
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> unregistered = new ArrayList<>();
    consumers.addAll(leaderConsumers);
    leaderConsumers.clear();
    leadership.setLeading(false);
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

  /** Runs on this master's event loop (its state is confined there); for tests and a standby's rehearsal. */
  Future<Void> onContext(Runnable action) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      action.run();
      done.complete();
    });
    return done.future();
  }

  public MasterMetrics metrics() {
    return state.metrics;
  }

  /**
   * Heartbeats every connected framework; an unanswered heartbeat means the subscriber is gone,
   * unless calls from its subscription kept arriving meanwhile: a framework JVM too busy to answer
   * in time (the scale benchmark's, acknowledging 20,000 updates at once) is alive, and dropping
   * it stalled its launches. Nobody at its events address any more (NO_HANDLERS) is gone at once.
   */
  private void heartbeat() {
    Event heartbeat = Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(Math.max(5_000, options.getHeartbeatIntervalMillis()));
    for (FrameworkRecord framework : List.copyOf(state.frameworks.values())) {
      if (!framework.connected() || framework.heartbeatInFlight) {
        continue;
      }
      String address = framework.eventsAddress;
      framework.heartbeatInFlight = true;
      long sentAt = System.nanoTime();
      bus.request(address, heartbeat, opts).onComplete(ar -> {
        framework.heartbeatInFlight = false;
        if (ar.failed() && address.equals(framework.eventsAddress)
            && !(ar.cause() instanceof io.vertx.core.eventbus.ReplyException re
                && re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS)
            && framework.lastCallNanos - sentAt > 0) {
          LOG.debug("framework heartbeat unanswered but its calls keep arriving framework={}", framework.id);
          return;
        }
        if (ar.failed() && address.equals(framework.eventsAddress)) {
          LOG.info("framework heartbeat unanswered, disconnecting framework={} cause={}", framework.id,
              ar.cause().getMessage());
          state.disconnectFramework(framework);
          // A subscriber that is slow rather than gone would otherwise never learn it was dropped
          // (on the event bus nothing closes): its transport ends the stream so it subscribes again.
          bus.send(address, Event.newBuilder().setType(Event.Type.UNKNOWN).build(), new DeliveryOptions()
              .addHeader(Addresses.DROPPED_HEADER, "its heartbeat went unanswered for "
                  + opts.getSendTimeout() + " ms"));
        }
      });
    }
  }

  /** A private master of a {@link StandbyRehearsal}: it logs its per-agent lines at DEBUG. */
  MasterVerticle rehearsal() {
    state.quiet = true;
    rehearsing = true;
    return this;
  }

  /** Whether this is a {@link StandbyRehearsal}'s private master (it takes re-registrations by digest too). */
  private boolean rehearsing;

  static void fail(Message<?> message, CallException e) {
    message.fail(e.code(), e.getMessage());
  }
}
