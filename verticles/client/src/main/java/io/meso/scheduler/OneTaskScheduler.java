package io.meso.scheduler;

import io.meso.codecs.TaskStates;
import io.meso.v1.AgentID;
import io.meso.v1.CommandInfo;
import io.meso.v1.Filters;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.Value;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-shot framework: subscribes, launches one shell command task on the first offer that
 * holds the resources it asks for, acknowledges its updates, and reports when the task has
 * ended. What {@code meso run} is made of; works over any {@link SchedulerClient}.
 *
 * <p>Offers that do not fit are declined with a short filter ({@link #DECLINE_WAITING_SECONDS}),
 * so that resources freed elsewhere come back quickly; once the task is launched, offers are
 * suppressed and any still arriving are declined for long.
 *
 * <p>Without a Vertx to time retries, the framework has failover timeout 0 and a lost
 * subscription fails the run. With one, it has failover timeout {@link #FAILOVER_TIMEOUT_SECONDS}:
 * when the subscription is lost (the master it used died), it subscribes again with its
 * framework id every {@link #RESUBSCRIBE_INTERVAL_MILLIS} through the client (which moves on to
 * another master of its list), and once back asks for the task's state (reconciliation), so no
 * update is missed; it gives up after the failover timeout. Either way, if this process dies,
 * the master kills the task (at once, or after the failover timeout).
 */
public final class OneTaskScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(OneTaskScheduler.class);

  /** Refuse-seconds for offers that do not fit while we wait for one that does. */
  public static final double DECLINE_WAITING_SECONDS = 1;
  /** Refuse-seconds for offers that arrive after the task is launched. */
  public static final double DECLINE_LAUNCHED_SECONDS = 3600;
  public static final String FRAMEWORK_NAME = "meso-run";
  /** How long the master keeps the task of a reconnecting framework; also how long it tries to reconnect. */
  public static final double FAILOVER_TIMEOUT_SECONDS = 20;
  public static final long RESUBSCRIBE_INTERVAL_MILLIS = 500;
  /**
   * How long one re-subscription may take before it is abandoned and tried again: a master whose
   * leader just died may hold it until its forward to the dead leader times out.
   */
  public static final long RESUBSCRIBE_ATTEMPT_MILLIS = 5_000;

  /** What to run: ids, the shell command, and the resources (scalars; disk 0 = not asked for). */
  public record Spec(String taskId, String name, String command, double cpus, double mem, double disk, String role,
      String user) {}

  /** What happens to the task, for the caller to show; called on an event loop, must not block. */
  public interface Listener {
    /** The launch was accepted on this offer's agent. */
    void launched(Offer offer);

    /** Every status update of the task, in order. */
    void update(TaskStatus status);

    /** The subscription was lost and is being re-established ({@code cause} says why). */
    default void reconnecting(Throwable cause) {}

    /** Subscribed again after {@link #reconnecting}. */
    default void reconnected() {}
  }

  private final SchedulerClient client;
  private final io.vertx.core.Vertx vertx;
  private final Spec spec;
  private final Listener listener;
  private final Promise<TaskStatus> done = Promise.promise();
  private final TaskID taskId;
  private volatile boolean launched;
  private volatile boolean cancelled;
  private boolean ended;
  private volatile AgentID agentId;
  private FrameworkInfo info;
  private long reconnectDeadline;

  /** A scheduler that gives up when its subscription is lost (failover timeout 0). */
  public OneTaskScheduler(SchedulerClient client, Spec spec, Listener listener) {
    this(client, null, spec, listener);
  }

  /** With {@code vertx}, a scheduler that re-subscribes when its subscription is lost; see the class comment. */
  public OneTaskScheduler(SchedulerClient client, io.vertx.core.Vertx vertx, Spec spec, Listener listener) {
    this.client = client;
    this.vertx = vertx;
    this.spec = spec;
    this.listener = listener;
    this.taskId = TaskID.newBuilder().setValue(spec.taskId()).build();
  }

  /**
   * Subscribes and runs the task; completes with its terminal status, or fails (master
   * unreachable or refusing, subscription lost, cancelled before launch). Does not tear down:
   * call {@link #finish()} when done with the task (after reading its output).
   */
  public Future<TaskStatus> run() {
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder()
        .setName(FRAMEWORK_NAME)
        .setUser(spec.user())
        .setFailoverTimeout(vertx == null ? 0 : FAILOVER_TIMEOUT_SECONDS)
        .addRoles(spec.role())
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE));
    this.info = info.build();
    client.disconnectHandler(this::disconnected);
    client.subscribe(this.info, this::onEvent).onFailure(done::tryFail);
    return done.future();
  }

  private void disconnected(Throwable cause) {
    if (done.future().isComplete()) {
      return;
    }
    if (vertx == null || client.frameworkId() == null) {
      done.tryFail(cause);
      return;
    }
    LOG.debug("subscription lost, subscribing again: {}", cause.getMessage());
    reconnectDeadline = System.nanoTime() + (long) (FAILOVER_TIMEOUT_SECONDS * 1e9);
    listener.reconnecting(cause);
    resubscribe(cause);
  }

  private void resubscribe(Throwable cause) {
    vertx.setTimer(RESUBSCRIBE_INTERVAL_MILLIS, t -> {
      if (done.future().isComplete()) {
        return;
      }
      client.subscribe(info.toBuilder().setId(client.frameworkId()).build(), this::onEvent)
          .timeout(RESUBSCRIBE_ATTEMPT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)
          .onSuccess(id -> {
            LOG.debug("subscribed again framework_id={}", id.getValue());
            listener.reconnected();
            if (launched) {
              client.reconcile(List.of(reconcileTask()))
                  .onFailure(err -> LOG.debug("reconcile failed: {}", err.getMessage()));
            }
          })
          .onFailure(err -> {
            if (System.nanoTime() - reconnectDeadline > 0) {
              done.tryFail(new ApiException(ApiException.UNAVAILABLE, "lost the master (" + cause.getMessage()
                  + ") and could not subscribe again within " + (long) FAILOVER_TIMEOUT_SECONDS + "s: "
                  + err.getMessage()));
            } else {
              resubscribe(cause);
            }
          });
    });
  }

  /**
   * The task to reconcile, with the agent it was launched on: a master that has just taken over
   * then answers once that agent has re-registered (or is known to be unreachable), instead of
   * "unknown to the master" while the agent is still on its way back.
   */
  Call.Reconcile.Task reconcileTask() {
    Call.Reconcile.Task.Builder task = Call.Reconcile.Task.newBuilder().setTaskId(taskId);
    AgentID agent = agentId;
    if (agent != null) {
      task.setAgentId(agent);
    }
    return task.build();
  }

  /** The task's terminal status (or the failure), the same future {@link #run()} returned. */
  public Future<TaskStatus> result() {
    return done.future();
  }

  /** Kills the task if it was launched; before that, gives up waiting for an offer. */
  public Future<Void> kill() {
    if (launched) {
      return client.kill(taskId, agentId);
    }
    cancelled = true;
    done.tryFail(new ApiException(ApiException.UNAVAILABLE, "cancelled before the task was launched"));
    return Future.succeededFuture();
  }

  /** Tears the framework down (the master forgets it and kills anything left) and closes the client. */
  public Future<Void> finish() {
    Future<Void> teardown = client.frameworkId() == null ? Future.succeededFuture() : client.teardown();
    return teardown.recover(err -> {
      LOG.debug("teardown failed: {}", err.getMessage());
      return Future.succeededFuture();
    }).compose(v -> client.close());
  }

  /** The framework id once subscribed, else null. */
  public io.meso.v1.FrameworkID frameworkId() {
    return client.frameworkId();
  }

  public boolean launched() {
    return launched;
  }

  private void onEvent(Event event) {
    switch (event.getType()) {
      case OFFERS -> onOffers(event.getOffers().getOffersList());
      case UPDATE -> onUpdate(event.getUpdate().getStatus());
      case ERROR -> done.tryFail(new ApiException(ApiException.FORBIDDEN, event.getError().getMessage()));
      default -> { }
    }
  }

  private void onOffers(List<Offer> offers) {
    List<OfferID> decline = new ArrayList<>();
    for (Offer offer : offers) {
      if (!launched && !cancelled && fits(offer)) {
        launch(offer);
      } else {
        decline.add(offer.getId());
      }
    }
    if (!decline.isEmpty()) {
      double seconds = launched || cancelled ? DECLINE_LAUNCHED_SECONDS : DECLINE_WAITING_SECONDS;
      client.decline(decline, seconds).onFailure(err -> LOG.debug("decline failed: {}", err.getMessage()));
    }
  }

  private void launch(Offer offer) {
    launched = true;
    agentId = offer.getAgentId();
    TaskInfo task = TaskInfo.newBuilder()
        .setName(spec.name())
        .setTaskId(taskId)
        .setAgentId(offer.getAgentId())
        .addAllResources(take(offer.getResourcesList(), requested()))
        .setCommand(CommandInfo.newBuilder().setShell(true).setValue(spec.command()))
        .build();
    Offer.Operation op = Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)).build();
    client.accept(List.of(offer.getId()), List.of(op),
            Filters.newBuilder().setRefuseSeconds(DECLINE_LAUNCHED_SECONDS).build())
        .onSuccess(v -> {
          listener.launched(offer);
          client.suppress(spec.role()).onFailure(err -> LOG.debug("suppress failed: {}", err.getMessage()));
        })
        .onFailure(done::tryFail);
  }

  private void onUpdate(TaskStatus status) {
    if (!status.getTaskId().equals(taskId)) {
      client.acknowledge(status);
      return;
    }
    boolean terminal = TaskStates.isTerminal(status.getState());
    if (ended) {
      // The run's outcome is its first terminal status; a later one (a duplicate, or the real end
      // after a reconciliation answer) is acknowledged, not reported as a second ending.
      client.acknowledge(status);
      return;
    }
    ended = terminal;
    listener.update(status);
    Future<Void> ack = client.acknowledge(status).recover(err -> {
      LOG.debug("acknowledge failed task={} state={}: {}", taskId.getValue(), status.getState(), err.getMessage());
      return Future.succeededFuture();
    });
    if (terminal) {
      // Complete only once the acknowledgement is in, so a teardown that follows does not race it.
      ack.onComplete(ar -> done.tryComplete(status));
    }
  }

  private Map<String, Double> requested() {
    Map<String, Double> wanted = new LinkedHashMap<>();
    wanted.put("cpus", spec.cpus());
    wanted.put("mem", spec.mem());
    if (spec.disk() > 0) {
      wanted.put("disk", spec.disk());
    }
    return wanted;
  }

  /** Whether the offer holds every requested scalar. */
  boolean fits(Offer offer) {
    for (Map.Entry<String, Double> want : requested().entrySet()) {
      double have = 0;
      for (Resource r : offer.getResourcesList()) {
        if (r.getName().equals(want.getKey()) && r.getType() == Value.Type.SCALAR) {
          have += r.getScalar().getValue();
        }
      }
      // Resources are fixed-point with 3 decimals in Mesos; compare with that tolerance.
      if (have + 0.0005 < want.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The task's resources, cut from the offer's so that each keeps its role, allocation and
   * reservation: for each name, take from the offered resources in order until the amount is met.
   */
  static List<Resource> take(List<Resource> offered, Map<String, Double> wanted) {
    List<Resource> out = new ArrayList<>();
    for (Map.Entry<String, Double> want : wanted.entrySet()) {
      double left = want.getValue();
      for (Resource r : offered) {
        if (left <= 0.0005) {
          break;
        }
        if (!r.getName().equals(want.getKey()) || r.getType() != Value.Type.SCALAR) {
          continue;
        }
        double amount = Math.min(left, r.getScalar().getValue());
        if (amount <= 0) {
          continue;
        }
        out.add(r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(amount)).build());
        left -= amount;
      }
    }
    return out;
  }
}
