package io.meso.services.runtime;

import io.meso.codecs.TaskStates;
import io.meso.scheduler.SchedulerClient;
import io.meso.services.deploy.InstanceStatus;
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
 * TASK_KILLING_STATE), reconciles every task after each (re)subscription, launches waiting
 * instances on the offers that fit them (one task per instance), declines the rest for
 * {@link #REFUSE_WAITING_SECONDS} while instances wait and suppresses offers when none do,
 * acknowledges every update that carries a uuid, and hands task changes to {@link Services}.
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

  private final SchedulerClient client;
  private final String user;
  private Context context;
  private Services services;
  private RuntimeJson json;
  private FrameworkInfo info;
  private final List<java.util.function.Consumer<io.vertx.core.json.JsonObject>> listeners = new ArrayList<>();
  private ReadinessProbe readiness;
  private boolean suppressed;
  private boolean stopped;

  /** A framework on {@code client}, launching its tasks as {@code user}. */
  public ServicesFramework(SchedulerClient client, String user) {
    this.client = client;
    this.user = user;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    services = new Services(new Effects());
    readiness = new ReadinessProbe(vertx, vertx.createHttpClient());
    json = new RuntimeJson(services);
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
    return subscribe();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return client.close();
  }

  /** The framework id once subscribed, else null. */
  public FrameworkID frameworkId() {
    return client.frameworkId();
  }

  /**
   * Runs {@code action} on the framework's event loop with its state, completing with the result
   * (or the exception it threw).
   */
  public <T> Future<T> onLoop(Function<State, T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        promise.complete(action.apply(new State(services, json)));
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
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
    FrameworkInfo subscribing = client.frameworkId() == null ? info : info.toBuilder().setId(client.frameworkId()).build();
    return client.subscribe(subscribing, this::onEvent).onSuccess(id -> {
      LOG.info("subscribed framework_id={}", id.getValue());
      client.reconcile(List.of()).onFailure(err -> LOG.warn("reconcile failed: {}", err.getMessage()));
      context.runOnContext(v -> {
        // A new subscription is not suppressed: suppress at once when nothing waits, so an idle
        // framework takes no offers from the others.
        suppressed = !services.queue().anyWaiting();
        if (suppressed) {
          client.suppress(TaskInfos.ROLE).onFailure(err -> LOG.debug("suppress failed: {}", err.getMessage()));
        }
      });
    });
  }

  private void disconnected(Throwable cause) {
    if (stopped) {
      return;
    }
    LOG.warn("subscription lost ({}), subscribing again", cause.getMessage());
    vertx.setTimer(RESUBSCRIBE_DELAY_MILLIS, t -> {
      if (!stopped) {
        subscribe().onFailure(this::disconnected);
      }
    });
  }

  private void onEvent(Event event) {
    context.runOnContext(v -> {
      switch (event.getType()) {
        case OFFERS -> offers(event.getOffers().getOffersList());
        case UPDATE -> update(event.getUpdate().getStatus());
        case ERROR -> LOG.error("framework error: {}", event.getError().getMessage());
        default -> { }
      }
    });
  }

  private void offers(List<Offer> offers) {
    Instant now = Instant.now();
    List<OfferID> declined = new ArrayList<>();
    for (Offer offer : offers) {
      List<TaskInfo> tasks = services.offer(offer, now);
      if (tasks.isEmpty()) {
        declined.add(offer.getId());
        continue;
      }
      Offer.Operation launch = Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
          .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(tasks)).build();
      client.accept(List.of(offer.getId()), List.of(launch),
              io.meso.v1.Filters.newBuilder().setRefuseSeconds(REFUSE_WAITING_SECONDS).build())
          .onFailure(err -> context.runOnContext(v -> {
            // The launch never reached the master: its instances end as dropped, and are replaced.
            LOG.warn("accept failed offer={}: {}", offer.getId().getValue(), err.getMessage());
            for (TaskInfo task : tasks) {
              update(TaskStatus.newBuilder().setTaskId(task.getTaskId()).setAgentId(task.getAgentId())
                  .setState(TaskState.TASK_DROPPED).setMessage("launch failed: " + err.getMessage()).build());
            }
          }));
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
    client.acknowledge(status).onFailure(err -> LOG.debug("acknowledge failed task={}: {}",
        status.getTaskId().getValue(), err.getMessage()));
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
      vertx.setTimer(Math.max(1, delay.toMillis()), t -> context.runOnContext(v -> action.run()));
    }

    @Override
    public void kill(Instance instance) {
      client.kill(instance.taskId, instance.agentId)
          .onFailure(err -> LOG.warn("kill failed task={}: {}", instance.taskId.getValue(), err.getMessage()));
    }

    @Override
    public void offersWanted() {
      suppressed = false;
      if (client.frameworkId() != null) {
        client.revive(TaskInfos.ROLE).onFailure(err -> LOG.debug("revive failed: {}", err.getMessage()));
      }
    }

    @Override
    public void offersWantedAt(Instant at) {
      long millis = Math.max(1, java.time.Duration.between(Instant.now(), at).toMillis());
      vertx.setTimer(millis, t -> context.runOnContext(v -> offersWanted()));
    }

    @Override
    public void checkReadiness(io.meso.services.app.App app, Instance instance,
        java.util.function.Consumer<io.meso.services.deploy.ReadinessCheckResult> report,
        java.util.function.BooleanSupplier wanted) {
      readiness.start(app, instance, report, wanted);
    }
  }
}
