package io.meso.scheduler;

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
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-shot framework: subscribes, launches one shell command task on the first offer that
 * holds the resources it asks for, acknowledges its updates, and reports when the task has
 * ended. What {@code meso run} is made of; works over any {@link SchedulerClient}.
 *
 * <p>Offers that do not fit are declined with a short filter ({@link #DECLINE_WAITING_SECONDS}),
 * so that resources freed elsewhere come back quickly; once the task is launched, offers are
 * suppressed and any still arriving are declined for long. The framework has failover timeout
 * 0: if this process dies, the master kills the task.
 */
public final class OneTaskScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(OneTaskScheduler.class);

  /** Refuse-seconds for offers that do not fit while we wait for one that does. */
  public static final double DECLINE_WAITING_SECONDS = 1;
  /** Refuse-seconds for offers that arrive after the task is launched. */
  public static final double DECLINE_LAUNCHED_SECONDS = 3600;
  public static final String FRAMEWORK_NAME = "meso-run";

  static final Set<TaskState> TERMINAL = EnumSet.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
      TaskState.TASK_KILLED, TaskState.TASK_ERROR, TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE,
      TaskState.TASK_GONE_BY_OPERATOR);

  /** What to run: ids, the shell command, and the resources (scalars; disk 0 = not asked for). */
  public record Spec(String taskId, String name, String command, double cpus, double mem, double disk, String role,
      String user) {}

  /** What happens to the task, for the caller to show; called on an event loop, must not block. */
  public interface Listener {
    /** The launch was accepted on this offer's agent. */
    void launched(Offer offer);

    /** Every status update of the task, in order. */
    void update(TaskStatus status);
  }

  private final SchedulerClient client;
  private final Spec spec;
  private final Listener listener;
  private final Promise<TaskStatus> done = Promise.promise();
  private final TaskID taskId;
  private volatile boolean launched;
  private volatile boolean cancelled;
  private volatile AgentID agentId;

  public OneTaskScheduler(SchedulerClient client, Spec spec, Listener listener) {
    this.client = client;
    this.spec = spec;
    this.listener = listener;
    this.taskId = TaskID.newBuilder().setValue(spec.taskId()).build();
  }

  public static boolean isTerminal(TaskState state) {
    return TERMINAL.contains(state);
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
        .setFailoverTimeout(0)
        .addRoles(spec.role())
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE));
    client.disconnectHandler(cause -> done.tryFail(cause));
    client.subscribe(info.build(), this::onEvent).onFailure(done::tryFail);
    return done.future();
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
    listener.update(status);
    Future<Void> ack = client.acknowledge(status).recover(err -> {
      LOG.debug("acknowledge failed task={} state={}: {}", taskId.getValue(), status.getState(), err.getMessage());
      return Future.succeededFuture();
    });
    if (isTerminal(status.getState())) {
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
