package io.meso.services.runtime;

import io.meso.codecs.TaskStates;
import io.meso.scheduler.SchedulerClient;
import io.meso.services.deploy.InstanceStatus;
import io.meso.services.store.ServicesStore;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services framework as a verticle: an ordinary framework on a {@link SchedulerClient}. It
 * subscribes as {@value #NAME} (role {@code *}, failover timeout one week, PARTITION_AWARE and
 * TASK_KILLING_STATE), launches waiting instances on the offers that fit them (one task per
 * instance), declines the rest for {@link #REFUSE_WAITING_SECONDS} while instances wait and
 * suppresses offers when none do, acknowledges every update that carries a uuid, and hands task
 * changes to {@link Services}.
 *
 * <p>It runs beside the leading master only, its state in a {@link ServicesStore} under that
 * leader's fence. On start it claims and loads the store (the apps, deployments, instances and
 * launches the leader before left), subscribes again with the stored framework id, reconciles every
 * task it knows (asking again for those the master cannot answer yet, e.g. on agents that have not
 * re-registered) and takes every deployment up where it was. Whatever follows from a change and
 * reaches the master or a client (a launch, a kill, an acknowledgement, an API answer) leaves only
 * once the change is saved ({@link SavedEffects}), so a new leader never meets a task it does not
 * know nor misses a health verdict the agent will not repeat. The first refused or failed write
 * (a newer leader holds the store) stops the framework: it closes its subscription without
 * tearing the framework down and does nothing more ({@link #stopped}).
 *
 * <p>Apps with an {@code autoscale} policy are measured and scaled by an {@link Autoscaler} every
 * {@link #autoscaleInterval}, through the same client and the same scale path as the API.
 *
 * <p>Everything runs on this verticle's event loop; other threads and contexts reach the state
 * with {@link #onLoop}.
 */
public final class ServicesFramework extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ServicesFramework.class);

  public static final String NAME = "meso-services";
  public static final String PRINCIPAL = "meso-services";
  public static final double FAILOVER_TIMEOUT_SECONDS = 7 * 24 * 3600;
  /** Refuse-seconds for offers declined while instances wait: freed resources come back soon. */
  public static final double REFUSE_WAITING_SECONDS = 1;
  /** Refuse-seconds for offers declined when nothing waits (offers are suppressed as well). */
  public static final double REFUSE_IDLE_SECONDS = 120;
  /** Pause before subscribing again after the subscription was lost. */
  public static final long RESUBSCRIBE_DELAY_MILLIS = 1000;

  /** How often apps with an autoscale policy are measured and decided on: Kubernetes HPA's 15 s sync period. */
  public static final java.time.Duration DEFAULT_AUTOSCALE_INTERVAL = java.time.Duration.ofSeconds(15);

  private final SchedulerClient client;
  private final String user;
  private java.time.Duration autoscaleInterval = DEFAULT_AUTOSCALE_INTERVAL;
  private Autoscaler autoscaler;
  private final ServicesStore store;
  private Context context;
  private Services services;
  private Persistence persistence;
  private RuntimeJson json;
  private FrameworkInfo info;
  private final List<java.util.function.Consumer<io.vertx.core.json.JsonObject>> listeners = new ArrayList<>();
  private ReadinessProbe readiness;
  private boolean suppressed;
  /** True between SUBSCRIBED and the loss of that subscription. */
  private boolean subscribed;
  /** The framework id the store holds (null until the first subscription is saved). */
  private String savedFrameworkId;
  private SavedEffects saved;
  private TaskReconciler reconciler;
  private volatile boolean started;
  private volatile boolean stopped;
  private final Promise<String> stoppedBecause = Promise.promise();
  private final Promise<Void> ended = Promise.promise();

  /** A framework on {@code client}, launching its tasks as {@code user}, its state in {@code store}. */
  public ServicesFramework(SchedulerClient client, String user, ServicesStore store) {
    this.client = client;
    this.user = user;
    this.store = store;
  }

  /**
   * How often the apps with an {@code autoscale} policy are measured and decided on (default
   * {@link #DEFAULT_AUTOSCALE_INTERVAL}); it is also the span each instance's utilisation is
   * averaged over. Set before deploying.
   */
  public ServicesFramework autoscaleInterval(java.time.Duration interval) {
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("autoscaleInterval must be at least 1 ms, was " + interval);
    }
    this.autoscaleInterval = interval;
    return this;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    services = new Services(new Effects());
    persistence = new Persistence(services, store);
    saved = new SavedEffects(context, persistence, store, () -> stopped);
    reconciler = new TaskReconciler(vertx, context, client, services, () -> subscribed && !stopped);
    readiness = new ReadinessProbe(vertx, vertx.createHttpClient());
    autoscaler = new Autoscaler(vertx, context, client, services, autoscaleInterval.toMillis(),
        () -> started && !stopped, this::scheduleSync);
    json = new RuntimeJson(services, autoscaler::lastDecision);
    info = FrameworkInfo.newBuilder()
        .setName(NAME)
        .setUser(user)
        .setRole(TaskInfos.ROLE)
        .setPrincipal(PRINCIPAL)
        .setFailoverTimeout(FAILOVER_TIMEOUT_SECONDS)
        .addCapabilities(capability(FrameworkInfo.Capability.Type.PARTITION_AWARE))
        .addCapabilities(capability(FrameworkInfo.Capability.Type.TASK_KILLING_STATE))
        .build();
    client.disconnectHandler(this::disconnected);
    store.onStop(why -> context.runOnContext(v -> storeStopped(why)));
    long began = System.nanoTime();
    return vertx.executeBlocking(store::load, false).compose(state -> {
      savedFrameworkId = state.frameworkId();
      persistence.restore(state);
      LOG.info("services state taken over fence={} apps={} instances={} deployments={} in {} ms", store.fence(),
          state.apps().size(), state.instances().size(), services.deployments().running().size(),
          (System.nanoTime() - began) / 1_000_000);
      started = true;
      saved.save();
      autoscaler.start();
      // Not waited for: the master may not take subscriptions yet right after a failover; the
      // framework serves its API meanwhile and subscribes again until it is in.
      subscribe().onFailure(this::disconnected);
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (reconciler != null) {
      reconciler.stop();
    }
    if (autoscaler != null) {
      autoscaler.stop();
    }
    ended.tryComplete();
    return client.close();
  }

  /** The framework id: the current subscription's, else the stored one; null before the first subscription. */
  public FrameworkID frameworkId() {
    FrameworkID id = client.frameworkId();
    return id != null ? id : savedFrameworkId == null ? null : FrameworkID.newBuilder().setValue(savedFrameworkId).build();
  }

  /** True once the state is loaded, until the framework stops: it may serve the API. */
  public boolean active() {
    return started && !stopped;
  }

  /**
   * Completes with the reason when the framework stopped because its store did (a newer leader
   * holds it, or a write failed); the framework has closed its subscription and does nothing more.
   */
  public Future<String> stopped() {
    return stoppedBecause.future();
  }

  /** Completes when the framework stops serving, for any reason (undeployed, or its store stopped). */
  public Future<Void> ended() {
    return ended.future();
  }

  /**
   * Runs {@code action} on the framework's event loop with its state, completing with the result
   * (or the exception it threw) once what it changed is saved; fails with
   * {@link NotLeadingException} if the framework stopped, or stops before the save.
   */
  public <T> Future<T> onLoop(Function<State, T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      if (stopped) {
        promise.fail(new NotLeadingException(stoppedBecause.future().result()));
        return;
      }
      T result;
      try {
        result = action.apply(new State(services, json));
      } catch (RuntimeException e) {
        saved.save();
        promise.fail(e);
        return;
      }
      saved.save().onComplete(ar -> {
        if (ar.succeeded()) {
          promise.complete(result);
        } else {
          promise.fail(ar.cause());
        }
      });
    });
    return promise.future();
  }

  /** The framework no longer leads: a change was not saved, or the framework had stopped already. */
  public static final class NotLeadingException extends IllegalStateException {
    NotLeadingException(String why) {
      super("the services framework stopped: " + why);
    }
  }

  /**
   * Adds a listener for the events of {@code /v2/events} (called on the framework's event loop,
   * must not block) and publishes {@code event_stream_attached} for {@code remoteAddress}.
   * Completes with the action that removes it again (and publishes {@code event_stream_detached}).
   */
  public Future<Runnable> listen(String remoteAddress, java.util.function.Consumer<io.vertx.core.json.JsonObject> listener) {
    return onLoop(s -> {
      listeners.add(listener);
      publish(Services.event("event_stream_attached").put("remoteAddress", remoteAddress));
      return () -> context.runOnContext(v -> {
        if (listeners.remove(listener)) {
          publish(Services.event("event_stream_detached").put("remoteAddress", remoteAddress));
        }
      });
    });
  }

  private void publish(io.vertx.core.json.JsonObject event) {
    for (java.util.function.Consumer<io.vertx.core.json.JsonObject> l : List.copyOf(listeners)) {
      l.accept(event);
    }
  }

  /** What {@link #onLoop} hands out: the apps and their JSON views. */
  public record State(Services services, RuntimeJson json) {
    /** Kills the given tasks of an app so that they are replaced; returns the killed tasks' JSON. */
    public List<io.vertx.core.json.JsonObject> killTasks(List<String> taskIds) {
      List<Instance> victims = taskIds.stream().map(services::instanceByTask)
          .flatMap(java.util.Optional::stream).toList();
      List<io.vertx.core.json.JsonObject> out = victims.stream().map(RuntimeJson::task).toList();
      services.killForRestart(victims);
      return out;
    }

    /** The instance id of a live task, or null. */
    public String instanceOf(String taskId) {
      return services.instanceByTask(taskId).map(i -> i.id).orElse(null);
    }
  }

  private static FrameworkInfo.Capability capability(FrameworkInfo.Capability.Type type) {
    return FrameworkInfo.Capability.newBuilder().setType(type).build();
  }

  private Future<FrameworkID> subscribe() {
    FrameworkID id = frameworkId();
    FrameworkInfo subscribing = id == null ? info : info.toBuilder().setId(id).build();
    return client.subscribe(subscribing, this::onEvent).onSuccess(subscribedId -> context.runOnContext(v -> {
      if (stopped) {
        return;
      }
      LOG.info("subscribed framework_id={}{}", subscribedId.getValue(),
          subscribedId.getValue().equals(savedFrameworkId) ? " (again, with the stored id)" : "");
      subscribed = true;
      saveFrameworkId();
      reconciler.start();
      resendKills();
      // A new subscription is not suppressed: suppress at once when nothing waits, so an idle
      // framework takes no offers from the others.
      suppressed = !services.queue().anyWaiting();
      if (suppressed) {
        client.suppress(TaskInfos.ROLE).onFailure(err -> LOG.debug("suppress failed: {}", err.getMessage()));
      } else {
        client.revive(TaskInfos.ROLE).onFailure(err -> LOG.debug("revive failed: {}", err.getMessage()));
      }
      scheduleSync();
    }));
  }

  /**
   * Saves the subscription's framework id unless the store has it; called before anything is
   * launched under it, so a new leader subscribes with it again rather than as a new framework.
   */
  private void saveFrameworkId() {
    FrameworkID id = client.frameworkId();
    if (id != null && !id.getValue().equals(savedFrameworkId)) {
      savedFrameworkId = id.getValue();
      store.saveFrameworkId(savedFrameworkId);
    }
  }

  /** Kills asked for before (maybe by the leader before, or lost with a subscription) are asked for again. */
  private void resendKills() {
    for (Instance i : services.instances(null)) {
      if (i.killGoal != Instance.KillGoal.NONE && i.live()) {
        afterSaved(() -> client.kill(i.taskId, i.agentId)
            .onFailure(err -> LOG.warn("kill failed task={}: {}", i.taskId.getValue(), err.getMessage())));
      }
    }
  }

  private void disconnected(Throwable cause) {
    if (stopped) {
      return;
    }
    LOG.warn("{} ({}), subscribing again", subscribed ? "subscription lost" : "could not subscribe",
        cause.getMessage());
    context.runOnContext(v -> subscribed = false);
    vertx.setTimer(RESUBSCRIBE_DELAY_MILLIS, t -> {
      if (!stopped) {
        subscribe().onFailure(this::disconnected);
      }
    });
  }

  /** The store refused or failed a write: another leader holds it. Stop acting at once. */
  private void storeStopped(String why) {
    if (stopped) {
      return;
    }
    stopped = true;
    LOG.error("the services framework stops: {}", why);
    reconciler.stop();
    autoscaler.stop();
    saved.stop();
    // Not a teardown: the framework and its tasks carry on under the leader that holds the store.
    client.close();
    stoppedBecause.tryComplete(why);
    ended.tryComplete();
  }

  /** Runs {@code effect} once everything changed so far is saved ({@link SavedEffects}). */
  private void afterSaved(Runnable effect) {
    saved.after(effect);
  }

  /** Saves what the current event-loop task changed, once it is done. */
  private void scheduleSync() {
    saved.schedule();
  }

  // ---- events ----

  private void onEvent(Event event) {
    context.runOnContext(v -> {
      if (stopped) {
        return;
      }
      switch (event.getType()) {
        case OFFERS -> offers(event.getOffers().getOffersList());
        case UPDATE -> update(event.getUpdate().getStatus());
        case ERROR -> LOG.error("framework error: {}", event.getError().getMessage());
        default -> { }
      }
      scheduleSync();
    });
  }

  private void offers(List<Offer> offers) {
    Instant now = Instant.now();
    saveFrameworkId();
    List<OfferID> declined = new ArrayList<>();
    for (Offer offer : offers) {
      List<TaskInfo> tasks = services.offer(offer, now);
      if (tasks.isEmpty()) {
        declined.add(offer.getId());
        continue;
      }
      Offer.Operation launch = Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
          .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(tasks)).build();
      // The instances are saved before their tasks leave: a new leader knows every task launched.
      afterSaved(() -> client.accept(List.of(offer.getId()), List.of(launch),
              io.meso.v1.Filters.newBuilder().setRefuseSeconds(REFUSE_WAITING_SECONDS).build())
          .onFailure(err -> context.runOnContext(v -> {
            // The launch never reached the master: its instances end as dropped, and are replaced.
            LOG.warn("accept failed offer={}: {}", offer.getId().getValue(), err.getMessage());
            for (TaskInfo task : tasks) {
              update(TaskStatus.newBuilder().setTaskId(task.getTaskId()).setAgentId(task.getAgentId())
                  .setState(TaskState.TASK_DROPPED).setMessage("launch failed: " + err.getMessage()).build());
            }
            scheduleSync();
          })));
    }
    boolean waiting = services.queue().anyWaiting();
    if (!declined.isEmpty()) {
      client.decline(declined, waiting ? REFUSE_WAITING_SECONDS : REFUSE_IDLE_SECONDS)
          .onFailure(err -> LOG.debug("decline failed: {}", err.getMessage()));
    }
    if (!waiting && !suppressed) {
      suppressed = true;
      client.suppress(TaskInfos.ROLE).onFailure(err -> LOG.debug("suppress failed: {}", err.getMessage()));
    }
  }

  private void update(TaskStatus status) {
    // Acknowledged once what it changed is saved: the agent repeats it until then, so a new
    // leader still hears it if this one dies first (a health verdict is not sent twice otherwise).
    if (status.hasUuid() && !status.getUuid().isEmpty()) {
      afterSaved(() -> client.acknowledge(status).onFailure(err -> LOG.debug("acknowledge failed task={}: {}",
          status.getTaskId().getValue(), err.getMessage())));
    }
    reconciler.answered(status.getTaskId().getValue());
    Instance i = services.instanceByTask(status.getTaskId().getValue()).orElse(null);
    if (i == null) {
      if (!TaskStates.isTerminal(status.getState())) {
        LOG.info("killing unknown task {}", status.getTaskId().getValue());
        client.kill(status.getTaskId(), status.getAgentId());
      }
      return;
    }
    Instant now = Instant.now();
    InstanceStatus before = i.status();
    i.state = status.getState();
    if (status.getState() == TaskState.TASK_RUNNING && i.startedAt == null) {
      i.startedAt = now;
    }
    if (i.condition() != before.condition()) {
      i.since = now;
    }
    if (status.hasHealthy()) {
      i.healthy = status.getHealthy();
      if (status.getHealthy()) {
        i.consecutiveFailures = 0;
        i.lastSuccess = now;
        if (i.firstSuccess == null) {
          i.firstSuccess = now;
        }
      } else {
        i.consecutiveFailures++;
        i.lastFailure = now;
        i.lastFailureCause = status.getMessage();
      }
    }
    publish(Services.event("status_update_event").put("slaveId", i.agentId.getValue())
        .put("taskId", i.taskId.getValue()).put("taskStatus", status.getState().name())
        .put("message", status.getMessage()).put("appId", i.app.id().toString()).put("host", i.host)
        .put("ipAddresses", new io.vertx.core.json.JsonArray()).put("ports", new io.vertx.core.json.JsonArray(i.hostPorts))
        .put("version", io.meso.services.app.json.AppWriter.timestamp(i.app.version())));
    publishHealthKill(i, status);
    services.changed(i, before, status.getMessage(), now);
  }

  /**
   * The agent killed the task for failing its health check (TASK_KILLED with healthy=false that
   * the framework did not ask for): Marathon's {@code unhealthy_instance_kill_event}.
   */
  private void publishHealthKill(Instance i, TaskStatus status) {
    if (status.getState() == TaskState.TASK_KILLED && status.hasHealthy() && !status.getHealthy()
        && i.killGoal == Instance.KillGoal.NONE) {
      publish(Services.event("unhealthy_instance_kill_event").put("appId", i.app.id().toString())
          .put("taskId", i.taskId.getValue()).put("instanceId", i.id)
          .put("version", io.meso.services.app.json.AppWriter.timestamp(i.app.version()))
          .put("reason", status.getMessage()).put("host", i.host).put("slaveId", i.agentId.getValue()));
    }
  }

  /** How {@link Services} reaches the master and the event stream. */
  private final class Effects implements Services.Effects {
    @Override
    public void publish(io.vertx.core.json.JsonObject event) {
      ServicesFramework.this.publish(event);
    }

    @Override
    public void after(java.time.Duration delay, Runnable action) {
      vertx.setTimer(Math.max(1, delay.toMillis()), t -> context.runOnContext(v -> {
        if (!stopped) {
          action.run();
          scheduleSync();
        }
      }));
    }

    @Override
    public void kill(Instance instance) {
      if (!subscribed) {
        return; // asked for again once subscribed (resendKills)
      }
      afterSaved(() -> client.kill(instance.taskId, instance.agentId)
          .onFailure(err -> LOG.warn("kill failed task={}: {}", instance.taskId.getValue(), err.getMessage())));
    }

    @Override
    public void offersWanted() {
      suppressed = false;
      if (subscribed) {
        client.revive(TaskInfos.ROLE).onFailure(err -> LOG.debug("revive failed: {}", err.getMessage()));
      }
    }

    @Override
    public void offersWantedAt(Instant at) {
      long millis = Math.max(1, java.time.Duration.between(Instant.now(), at).toMillis());
      vertx.setTimer(millis, t -> context.runOnContext(v -> {
        if (!stopped) {
          offersWanted();
        }
      }));
    }

    @Override
    public void checkReadiness(io.meso.services.app.App app, Instance instance,
        java.util.function.Consumer<io.meso.services.deploy.ReadinessCheckResult> report,
        java.util.function.BooleanSupplier wanted) {
      readiness.start(app, instance, result -> {
        if (!stopped) {
          report.accept(result);
          scheduleSync();
        }
      }, () -> !stopped && wanted.getAsBoolean());
    }
  }
}
