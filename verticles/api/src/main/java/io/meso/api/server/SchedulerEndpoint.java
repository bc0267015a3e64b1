package io.meso.api.server;

import io.meso.proto.CallAccepted;
import io.meso.proto.SchedulerGrpcService;
import io.meso.api.subscription.SchedulerSubscription;
import io.meso.api.subscription.SubscriptionRegistry;
import io.meso.codecs.Addresses;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.eventbus.DeliveryOptions;
import io.meso.codecs.MasterRequests;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;

/**
 * The gRPC Scheduler service: {@code Subscribe} opens a {@link SchedulerSubscription} framed by
 * {@link GrpcEventFramer}, {@code Send} forwards one call to {@link Addresses#SCHEDULER} and
 * answers CallAccepted or the master's refusal as a gRPC status.
 */
final class SchedulerEndpoint {

  private final MasterRequests master;
  private final long timeoutMillis;
  /** Open subscriptions, so that stopping the server can end them. */
  private final SubscriptionRegistry streams = new SubscriptionRegistry();

  SchedulerEndpoint(MasterRequests master, long timeoutMillis) {
    this.master = master;
    this.timeoutMillis = timeoutMillis;
  }

  void bind(GrpcServer server) {
    server.callHandler(SchedulerGrpcService.Subscribe, this::subscribe);
    server.callHandler(SchedulerGrpcService.Send, this::send);
  }

  private void subscribe(GrpcServerRequest<Call, Event> request) {
    UnaryCalls.firstMessage(request, SchedulerGrpcService.Subscribe, call -> {
      if (call.getType() != Call.Type.SUBSCRIBE) {
        MasterFailures.respond(request.response(), GrpcStatus.INVALID_ARGUMENT,
            "Subscribe takes a call of type SUBSCRIBE, got type " + call.getType() + "; send other calls with Send");
        return;
      }
      new SchedulerSubscription(master, GrpcEventFramer.ADDRESS_PREFIX, new GrpcEventFramer(request), timeoutMillis,
          streams).principal(request.headers().get(Addresses.PRINCIPAL_HEADER)).start(call);
    });
  }

  /**
   * One call, which must carry the {@code mesos-stream-id} metadata of the framework's current
   * Subscribe. The master judges it (so a framework subscribed through one master's port may call
   * through another's): missing is FAILED_PRECONDITION, another subscription's PERMISSION_DENIED,
   * both naming the framework; a framework that is not subscribed at all is PERMISSION_DENIED.
   */
  private void send(GrpcServerRequest<Call, CallAccepted> request) {
    String streamId = request.headers().get(GrpcEventFramer.STREAM_ID_METADATA);
    String principal = request.headers().get(Addresses.PRINCIPAL_HEADER);
    UnaryCalls.firstMessage(request, SchedulerGrpcService.Send, call -> {
      if (call.getType() == Call.Type.SUBSCRIBE) {
        MasterFailures.respond(request.response(), GrpcStatus.INVALID_ARGUMENT,
            "call.type SUBSCRIBE cannot be sent with Send; use the Subscribe stream");
        return;
      }
      DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMillis);
      if (principal != null) {
        options.addHeader(Addresses.PRINCIPAL_HEADER, principal);
      }
      if (streamId != null && !streamId.isBlank()) {
        options.addHeader(Addresses.SUBSCRIPTION_HEADER,
            SchedulerSubscription.addressOf(GrpcEventFramer.ADDRESS_PREFIX, streamId.trim()));
      }
      master.request(Addresses.SCHEDULER, call, options).onComplete(ar -> {
        if (ar.succeeded()) {
          try {
            request.response().end(CallAccepted.getDefaultInstance());
          } catch (IllegalStateException e) {
            // The client went away first; nothing to answer.
          }
        } else {
          MasterFailures.respond(request.response(), MasterFailures.ofScheduler(ar.cause()));
        }
      });
    });
  }

  /** Ends every open subscription (the server is stopping); the master hears each one is gone. */
  void closeAll() {
    streams.stopAll();
  }
}
