package io.meso.api.operator;

import io.meso.proto.GetMetricsRequest;
import io.meso.proto.GetMetricsResponse;
import io.meso.proto.GetStateRequest;
import io.meso.proto.GetStateResponse;
import io.meso.proto.GetTasksRequest;
import io.meso.proto.GetTasksResponse;
import io.meso.codecs.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.meso.codecs.MasterRequests;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.ext.web.RoutingContext;

/**
 * The operator calls the operator HTTP API makes, on {@link Addresses#OPERATOR} with the action
 * in {@link Addresses#ACTION_HEADER}. Failures keep the master's HTTP-like code ({@link #status}).
 */
final class MasterClient {

  private final MasterRequests master;
  private final long timeoutMillis;
  /** Who the calls are made for (the gate's authenticated principal), or null. */
  private final String principal;

  public MasterClient(MasterRequests master, long timeoutMillis) {
    this(master, timeoutMillis, null);
  }

  private MasterClient(MasterRequests master, long timeoutMillis, String principal) {
    this.master = master;
    this.timeoutMillis = timeoutMillis;
    this.principal = principal;
  }

  /**
   * This client making its calls for the principal the HTTP gate authenticated for this request
   * ({@link Addresses#PRINCIPAL_HEADER}, which the gate set and no client can), so the master
   * authorizes them as that principal.
   */
  public MasterClient as(RoutingContext ctx) {
    return new MasterClient(master, timeoutMillis, ctx.request().getHeader(Addresses.PRINCIPAL_HEADER));
  }

  public <T> Future<T> call(String action, Object body) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMillis)
        .addHeader(Addresses.ACTION_HEADER, action);
    if (principal != null) {
      options.addHeader(Addresses.PRINCIPAL_HEADER, principal);
    }
    return master.<T>request(Addresses.OPERATOR, body, options).map(reply -> reply.body());
  }

  public Future<GetStateResponse> state() {
    return call("GetState", GetStateRequest.getDefaultInstance());
  }

  public Future<GetTasksResponse> tasks() {
    return call("GetTasks", GetTasksRequest.newBuilder().setIncludeCompleted(true).build());
  }

  public Future<GetMetricsResponse> metrics() {
    return call("GetMetrics", GetMetricsRequest.getDefaultInstance());
  }

  /** Role weights and shares as the allocator sees them. */
  public Future<io.meso.proto.GetRolesResponse> roles() {
    return call("GetRoles", io.meso.proto.GetRolesRequest.getDefaultInstance());
  }

  public Future<io.meso.proto.GetQuotaResponse> quotas() {
    return call("GetQuota", io.meso.proto.GetQuotaRequest.getDefaultInstance());
  }

  /** Why agents were not offered to each framework, counted by reason (the allocator's explanation). */
  public Future<io.meso.proto.GetOfferSkipsResponse> offerSkips() {
    return call("GetOfferSkips", io.meso.proto.GetOfferSkipsRequest.getDefaultInstance());
  }

  /** The HTTP status for a failed call: the master's own code, or 503 when no master answered. */
  public static int status(Throwable err) {
    if (err instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case RECIPIENT_FAILURE -> reply.failureCode() >= 400 && reply.failureCode() < 600 ? reply.failureCode() : 500;
        case NO_HANDLERS, TIMEOUT -> 503;
        default -> 500;
      };
    }
    return 500;
  }

  /** A message for a failed call that says what went wrong. */
  public static String message(Throwable err) {
    if (err instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> "no master is leading: nothing consumes " + Addresses.OPERATOR;
        case TIMEOUT -> "the master did not answer in time: " + reply.getMessage();
        default -> reply.getMessage();
      };
    }
    return String.valueOf(err);
  }
}
