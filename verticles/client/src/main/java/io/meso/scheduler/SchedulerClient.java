package io.meso.scheduler;

import io.meso.v1.AgentID;
import io.meso.v1.Filters;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.TaskID;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.Arrays;
import java.util.List;

/**
 * What a framework author programs against: one subscription to the master and the calls a
 * Mesos v1 scheduler makes, the same whichever transport carries them.
 *
 * <p>Every event of the subscription (SUBSCRIBED first, then OFFERS, RESCIND, UPDATE, MESSAGE,
 * FAILURE, ERROR, HEARTBEAT) goes to the handler given to {@link #subscribe}, in order, on a
 * Vert.x event loop: the handler must not block. An ERROR event ends the subscription (the
 * framework failed over elsewhere or was torn down). Calls fail with an {@link ApiException}.
 * Updates that carry a {@code uuid} must be acknowledged ({@link #acknowledge}); the master
 * re-sends them until they are.
 */
public interface SchedulerClient {

  /**
   * Heartbeat intervals without any event after which the gRPC client takes its subscription as
   * lost (see {@code GrpcSchedulerClient#withHeartbeatWatchdog}): 3, so one late or lost
   * HEARTBEAT is not a disconnect, while a cut link is noticed within 45 s at the master's
   * default 15 s interval.
   */
  double DEFAULT_WATCHDOG_INTERVALS = 3;

  /**
   * The least silence that ends a subscription, whatever the heartbeat interval: a master
   * heartbeating every few hundred milliseconds (as in tests) on a busy machine is not lost.
   */
  long DEFAULT_WATCHDOG_MINIMUM_MILLIS = 5_000;

  /**
   * Subscribes, completing with the framework id once SUBSCRIBED arrives. With
   * {@code info.id} set this is a failover: the new subscription replaces any other for that
   * id, which receives an ERROR event and ends. Subscribing again on the same client replaces
   * its own earlier subscription.
   */
  Future<FrameworkID> subscribe(FrameworkInfo info, Handler<Event> events);

  /** Sends a call; fills in {@code framework_id} from the subscription when it is missing. */
  Future<Void> call(Call call);

  /**
   * Called once when the subscription ends other than by {@link #close()}: why it ended. A
   * subscription that went silent (no event, not even a HEARTBEAT, for the heartbeat watchdog's
   * bound) ends this way too, with an UNAVAILABLE {@link ApiException}; subscribing again with the
   * framework id is the way back.
   */
  SchedulerClient disconnectHandler(Handler<Throwable> handler);

  /** The framework id of the current or last subscription, or null before SUBSCRIBED. */
  FrameworkID frameworkId();

  /**
   * Ends the subscription without tearing the framework down: its tasks keep running for its
   * failover timeout, waiting for a new subscription with the same id. Also releases the
   * transport.
   */
  Future<Void> close();

  default Future<Void> accept(List<OfferID> offerIds, List<Offer.Operation> operations, Filters filters) {
    Call.Accept.Builder accept = Call.Accept.newBuilder().addAllOfferIds(offerIds).addAllOperations(operations);
    if (filters != null) {
      accept.setFilters(filters);
    }
    return call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(accept).build());
  }

  /** Declines the offers and refuses their resources for {@code refuseSeconds}. */
  default Future<Void> decline(List<OfferID> offerIds, double refuseSeconds) {
    return call(Call.newBuilder().setType(Call.Type.DECLINE)
        .setDecline(Call.Decline.newBuilder().addAllOfferIds(offerIds)
            .setFilters(Filters.newBuilder().setRefuseSeconds(refuseSeconds)))
        .build());
  }

  /** Acknowledges an update; a no-op for updates without a uuid, which must not be acknowledged. */
  default Future<Void> acknowledge(TaskStatus status) {
    if (!status.hasUuid() || status.getUuid().isEmpty()) {
      return Future.succeededFuture();
    }
    return call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE)
        .setAcknowledge(Call.Acknowledge.newBuilder()
            .setTaskId(status.getTaskId())
            .setAgentId(status.getAgentId())
            .setUuid(status.getUuid()))
        .build());
  }

  /** Kills a task; {@code agentId} may be null when unknown. */
  default Future<Void> kill(TaskID taskId, AgentID agentId) {
    Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(taskId);
    if (agentId != null) {
      kill.setAgentId(agentId);
    }
    return call(Call.newBuilder().setType(Call.Type.KILL).setKill(kill).build());
  }

  /** Asks for the latest state of these tasks; an empty list reconciles every task (implicit). */
  default Future<Void> reconcile(List<Call.Reconcile.Task> tasks) {
    return call(Call.newBuilder().setType(Call.Type.RECONCILE)
        .setReconcile(Call.Reconcile.newBuilder().addAllTasks(tasks)).build());
  }

  /** Clears the decline filters of these roles (all the framework's roles if none) and resumes offers. */
  default Future<Void> revive(String... roles) {
    return call(Call.newBuilder().setType(Call.Type.REVIVE)
        .setRevive(Call.Revive.newBuilder().addAllRoles(Arrays.asList(roles))).build());
  }

  /** Stops offers for these roles (all the framework's roles if none) until a revive. */
  default Future<Void> suppress(String... roles) {
    return call(Call.newBuilder().setType(Call.Type.SUPPRESS)
        .setSuppress(Call.Suppress.newBuilder().addAllRoles(Arrays.asList(roles))).build());
  }

  /**
   * One of this framework's tasks' usage samples over the last minutes (cpu time, throttling,
   * memory, disk; oldest first), as its agent keeps them: the operator call {@code GetTaskUsage},
   * sent through the same transport, credentials and principal as the scheduler calls, so the
   * master's ACLs ({@code access_sandboxes}) apply to the framework's principal as to any
   * operator. Fails with an {@link ApiException}: 404 for a task the master does not know, 503
   * when its agent cannot be reached. Transports that cannot carry operator calls fail with
   * {@link ApiException#UNAVAILABLE}.
   */
  default Future<io.meso.proto.GetTaskUsageResponse> taskUsage(TaskID taskId) {
    return Future.failedFuture(new ApiException(ApiException.UNAVAILABLE,
        getClass().getSimpleName() + " does not carry operator calls (GetTaskUsage)"));
  }

  /** The request {@link #taskUsage} sends: the task, and this framework's id once subscribed. */
  default io.meso.proto.GetTaskUsageRequest taskUsageRequest(TaskID taskId) {
    io.meso.proto.GetTaskUsageRequest.Builder request = io.meso.proto.GetTaskUsageRequest.newBuilder().setTaskId(taskId);
    FrameworkID id = frameworkId();
    if (id != null) {
      request.setFrameworkId(id);
    }
    return request.build();
  }

  /** Removes the framework: its tasks are killed and its offers rescinded. */
  default Future<Void> teardown() {
    return call(Call.newBuilder().setType(Call.Type.TEARDOWN).build());
  }
}
