package io.meso.jobs.runtime;

import io.meso.ha.Registry;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.SchedulerClient;
import io.meso.v1.AgentID;
import io.meso.v1.Filters;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs framework as a verticle: an ordinary framework on a {@link SchedulerClient} that
 * runs beside the leading master, with the leader's fencing token. On start it claims its
 * registry sections ({@link Sections}) under that token and restores {@link JobScheduler} from
 * them, then subscribes as {@value #NAME} (role and user from {@link JobsOptions}, principal
 * {@value #PRINCIPAL}, a week's failover timeout, PARTITION_AWARE) with the stored framework id,
 * so a new leader takes the framework over with its tasks, and reconciles after every
 * subscription. Its clock drives the schedule: it looks at the jobs when the scheduler says the
 * next run is due (at most a minute apart) and after every change through the API.
 *
 * <p>This class only carries out what the scheduler decides ({@link Effects}), in order: each
 * registry write is awaited before anything after it, so no task is launched before its claim is
 * stored and no update is acknowledged before its outcome is. A write the registry refuses
 * means a newer leader exists: the framework stops at once (it launches nothing more, closes its
 * subscription without tearing the framework down) and tells its owner ({@link #onDeposed}).
 *
 * <p>All state lives on the verticle's event loop; the API reaches it with {@link #call}.
 */
public final class JobsFramework extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(JobsFramework.class);

  public static final String NAME = "meso-jobs";
  public static final String PRINCIPAL = "meso-jobs";
  /** Pause before subscribing again after the subscription was lost. */
  public static final long RESUBSCRIBE_DELAY_MILLIS = 1000;

  private final SchedulerClient client;
  private final Registry registry;
  private final long fence;
  private final Clock clock;
  private final JobsOptions options;
  private Consumer<String> onDeposed = why -> { };
  private Context context;
  private JobScheduler scheduler;
  /** The effects carried out so far; each new one runs after it. Failed once deposed. */
  private Future<Void> tail = Future.succeededFuture();
  private volatile boolean deposed;
  private volatile boolean stopped;
  private FrameworkID frameworkId;
  private long tickTimer = -1;
  private long reconcileTimer = -1;

  /**
   * A framework on {@code client} keeping its state in {@code registry} with the leader's
   * {@code fence}, scheduling by {@code clock}.
   */
  public JobsFramework(SchedulerClient client, Registry registry, long fence, Clock clock,
      JobsOptions options) {
    this.client = client;
    this.registry = registry;
    this.fence = fence;
    this.clock = clock;
    this.options = options;
  }

  /** Called once (on the framework's loop) if a registry write is refused: a newer leader exists. */
  public JobsFramework onDeposed(Consumer<String> handler) {
    this.onDeposed = handler;
    return this;
  }

  /** The fencing token this framework writes with. */
  public long fence() {
    return fence;
  }

  /** True once a write was refused: this framework no longer acts. */
  public boolean isDeposed() {
    return deposed;
  }

  /** The framework id once subscribed (or as stored by a previous leader), else null. */
  public FrameworkID frameworkId() {
    return frameworkId;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> {
      Map<String, Map<String, byte[]>> loaded = new LinkedHashMap<>();
      for (String section : Sections.ALL) {
        loaded.put(section, registry.claim(fence, section));
      }
      return loaded;
    }, false).compose(loaded -> {
      scheduler = new JobScheduler(clock, options, new Carried());
      scheduler.restore(loaded.get(Sections.DEFS), loaded.get(Sections.CLAIMS),
          loaded.get(Sections.RUNS), loaded.get(Sections.EDGES));
      byte[] id = loaded.get(Sections.FRAMEWORK).get(Sections.FRAMEWORK_ID_KEY);
      frameworkId = id == null ? null : FrameworkID.newBuilder().setValue(StateJson.text(id)).build();
      client.disconnectHandler(this::disconnected);
      return subscribeToTakeOver(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TAKEOVER_SUBSCRIBE_MILLIS));
    }).compose(v -> onLoop(() -> {
      tick();
      reconcileTimer = vertx.setPeriodic(options.getReconcileInterval().toMillis(), t -> {
        if (!deposed && scheduler.awaitingReconciliation()) {
          scheduler.reconcileUnverified();
        }
      });
    }));
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    cancelTimers();
    return client.close();
  }

  /**
   * Runs {@code action} on the framework's loop with its scheduler, then waits until every write
   * it caused is stored: completes with its result, with the exception it threw, or with a
   * {@link DeposedException} if this framework was deposed. Looks at the jobs again afterwards,
   * so a job the action made due is claimed at once.
   */
  public <T> Future<T> call(Function<JobScheduler, T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      if (deposed || scheduler == null) {
        promise.fail(new DeposedException(deposed ? "this jobs framework was deposed by a newer leader"
            : "the jobs framework is starting"));
        return;
      }
      T result;
      try {
        result = action.apply(scheduler);
      } catch (RuntimeException e) {
        promise.fail(e);
        return;
      }
      tick();
      tail.onComplete(ar -> {
        if (ar.succeeded()) {
          promise.complete(result);
        } else {
          promise.fail(ar.cause() instanceof DeposedException ? ar.cause() : new DeposedException(ar.cause().toString()));
        }
      });
    });
    return promise.future();
  }

  /** Reads the scheduler on the framework's loop, without waiting for writes (for GETs). */
  public <T> Future<T> read(Function<JobScheduler, T> view) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      if (deposed || scheduler == null) {
        promise.fail(new DeposedException(deposed ? "this jobs framework was deposed by a newer leader"
            : "the jobs framework is starting"));
        return;
      }
      try {
        promise.complete(view.apply(scheduler));
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  /** Looks at the jobs now (tests move their clock, then call this); completes once writes are stored. */
  public Future<Void> tickNow() {
    return call(s -> null);
  }

  /** A refused registry write, or work asked of a framework that no longer leads. */
  public static final class DeposedException extends RuntimeException {
    public DeposedException(String message) {
      super(message, null, false, false);
    }
  }

  // ---------------------------------------------------------------- subscription

  private FrameworkInfo info() {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder()
        .setName(NAME)
        .setUser(options.getUser())
        .setRole(options.getRole())
        .setPrincipal(PRINCIPAL)
        .setFailoverTimeout(options.getFailoverTimeoutSeconds())
        .addCapabilities(FrameworkInfo.Capability.newBuilder()
            .setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
    if (frameworkId != null) {
      info.setId(frameworkId);
    }
    return info.build();
  }

  private Future<Void> subscribe() {
    return client.subscribe(info(), this::onEvent).compose(id -> onLoop(() -> {
      LOG.info("subscribed framework_id={} fence={}", id.getValue(), fence);
      if (frameworkId == null || !frameworkId.equals(id)) {
        frameworkId = id;
        new Carried().store(Sections.FRAMEWORK, Sections.FRAMEWORK_ID_KEY, StateJson.text(id.getValue()));
      }
      scheduler.subscribed();
    }), err -> {
      if (frameworkId != null && err instanceof ApiException api && api.code() == ApiException.FORBIDDEN
          && String.valueOf(api.getMessage()).contains("was removed")) {
        // The master removed the framework (its failover timeout passed): start a new one. Its
        // old tasks were killed; reconciling the claims under the new id tells them so.
        LOG.warn("framework {} was removed by the master; subscribing as a new framework", frameworkId.getValue());
        return onLoop(() -> frameworkId = null).compose(v -> subscribe());
      }
      return Future.failedFuture(err);
    });
  }

  /** How long a taking-over framework keeps subscribing while the master answers "unavailable". */
  static final long TAKEOVER_SUBSCRIBE_MILLIS = 30_000;

  /**
   * Subscribes while taking over, again after {@link #RESUBSCRIBE_DELAY_MILLIS} while the master
   * answers UNAVAILABLE (right after a failover it may not take subscriptions yet, and a call in
   * flight when a leader is announced is failed so that it is retried) until the deadline; any
   * other failure fails the takeover at once.
   */
  private Future<Void> subscribeToTakeOver(long deadlineNanos) {
    return subscribe().recover(err -> {
      if (!(err instanceof ApiException api && api.code() == ApiException.UNAVAILABLE) || stopped || deposed
          || System.nanoTime() > deadlineNanos) {
        return Future.failedFuture(err);
      }
      LOG.info("could not subscribe yet ({}); again in {} ms", err.getMessage(), RESUBSCRIBE_DELAY_MILLIS);
      Promise<Void> again = Promise.promise();
      vertx.setTimer(RESUBSCRIBE_DELAY_MILLIS, t -> subscribeToTakeOver(deadlineNanos).onComplete(again));
      return again.future();
    });
  }

  private Future<Void> onLoop(Runnable action) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      action.run();
      done.complete();
    });
    return done.future();
  }

  private void disconnected(Throwable cause) {
    if (stopped || deposed) {
      return;
    }
    if (String.valueOf(cause.getMessage()).contains("failed over")) {
      // A newer subscription of this framework replaced this one: a newer leader's. Subscribing
      // again would take the framework back from it.
      context.runOnContext(v -> depose("another subscription of the framework replaced this one: " + cause.getMessage()));
      return;
    }
    LOG.warn("subscription lost ({}), subscribing again", cause.getMessage());
    vertx.setTimer(RESUBSCRIBE_DELAY_MILLIS, t -> {
      if (!stopped && !deposed) {
        subscribe().onFailure(this::disconnected);
      }
    });
  }

  private void onEvent(Event event) {
    context.runOnContext(v -> {
      if (deposed || stopped) {
        return;
      }
      switch (event.getType()) {
        case OFFERS -> scheduler.offers(event.getOffers().getOffersList());
        case UPDATE -> scheduler.update(event.getUpdate().getStatus());
        case ERROR -> {
          String message = event.getError().getMessage();
          LOG.error("framework error: {}", message);
          if (message.contains("failed over")) {
            // Another subscription of this framework replaced this one: a newer leader's.
            depose("another subscription of the framework replaced this one: " + message);
          }
        }
        default -> { }
      }
    });
  }

  // ---------------------------------------------------------------- time

  private void tick() {
    if (stopped || deposed) {
      return;
    }
    if (tickTimer >= 0) {
      vertx.cancelTimer(tickTimer);
    }
    Instant wake = scheduler.tick();
    long delay = Math.max(1, Duration.between(clock.instant(), wake).toMillis());
    tickTimer = vertx.setTimer(delay, t -> {
      tickTimer = -1;
      tick();
    });
  }

  private void cancelTimers() {
    if (tickTimer >= 0) {
      vertx.cancelTimer(tickTimer);
      tickTimer = -1;
    }
    if (reconcileTimer >= 0) {
      vertx.cancelTimer(reconcileTimer);
      reconcileTimer = -1;
    }
  }

  private Future<Void> depose(String why) {
    if (!deposed) {
      deposed = true;
      LOG.error("jobs framework deposed (fence {}): {}; it stops acting", fence, why);
      cancelTimers();
      client.close();
      onDeposed.accept(why);
    }
    return Future.failedFuture(new DeposedException(why));
  }

  // ---------------------------------------------------------------- effects

  /** Appends a step to the effects: it starts once every earlier one has succeeded. */
  private void then(Supplier<Future<Void>> step) {
    tail = tail.compose(v -> deposed ? Future.failedFuture(new DeposedException("deposed")) : step.get());
  }

  /** Carries out the scheduler's effects in order, on the framework's loop. */
  private final class Carried implements Effects {
    @Override
    public void store(String section, String key, byte[] value) {
      then(() -> Future.fromCompletionStage(registry.put(fence, section, key, value), context)
          .transform(ar -> {
            if (ar.failed()) {
              return depose("registry write " + section + "/" + key + " failed: " + ar.cause());
            }
            return Boolean.TRUE.equals(ar.result()) ? Future.<Void>succeededFuture()
                : depose("registry write " + section + "/" + key + " was refused: a newer leader holds the registry");
          }));
    }

    @Override
    public void launch(Offer offer, List<TaskInfo> tasks) {
      then(() -> {
        Offer.Operation op = Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
            .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(tasks)).build();
        client.accept(List.of(offer.getId()), List.of(op),
                Filters.newBuilder().setRefuseSeconds(options.getRefuseWaitingSeconds()).build())
            .onFailure(err -> context.runOnContext(v -> {
              LOG.warn("launch on offer={} failed: {}; reconciling its tasks", offer.getId().getValue(), err.getMessage());
              if (!deposed) {
                scheduler.launchUncertain(tasks.stream().map(t -> t.getTaskId().getValue()).toList());
              }
            }));
        return Future.succeededFuture();
      });
    }

    @Override
    public void decline(List<OfferID> offers, double refuseSeconds) {
      then(() -> {
        client.decline(offers, refuseSeconds).onFailure(err -> LOG.debug("decline failed: {}", err.getMessage()));
        return Future.succeededFuture();
      });
    }

    @Override
    public void kill(TaskID task, AgentID agent) {
      then(() -> {
        client.kill(task, agent).onFailure(err -> LOG.warn("kill of task={} failed: {}", task.getValue(), err.getMessage()));
        return Future.succeededFuture();
      });
    }

    @Override
    public void acknowledge(TaskStatus status) {
      then(() -> {
        client.acknowledge(status).onFailure(err -> LOG.debug("acknowledge of task={} failed: {}",
            status.getTaskId().getValue(), err.getMessage()));
        return Future.succeededFuture();
      });
    }

    @Override
    public void reconcile(List<Call.Reconcile.Task> tasks) {
      then(() -> {
        client.reconcile(tasks).onFailure(err -> LOG.debug("reconcile failed: {}", err.getMessage()));
        return Future.succeededFuture();
      });
    }

    @Override
    public void offersWanted(boolean wanted) {
      then(() -> {
        Future<Void> call = wanted ? client.revive(options.getRole()) : client.suppress(options.getRole());
        call.onFailure(err -> LOG.debug("{} failed: {}", wanted ? "revive" : "suppress", err.getMessage()));
        return Future.succeededFuture();
      });
    }
  }
}
