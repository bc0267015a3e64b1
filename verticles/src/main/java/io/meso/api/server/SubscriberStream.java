package io.meso.api.server;

import io.meso.codecs.Addresses;
import io.meso.v1.FrameworkID;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gRPC Subscribe call: an event-bus consumer at a fresh address whose events are written to
 * the gRPC response, in order.
 *
 * <p>Lifecycle: the consumer is registered (cluster-wide) before SUBSCRIBE is forwarded with
 * {@link Addresses#EVENTS_HEADER}, so SUBSCRIBED cannot be lost. The stream ends (a) when the
 * master refuses the SUBSCRIBE: the refusal becomes the call's status; (b) on an ERROR event
 * (failed over, torn down): written, then the call ends OK; (c) when the client cancels or the
 * connection drops: the master is told with a {@link Addresses#DISCONNECTED_HEADER} message.
 * Events the master sends as requests (HEARTBEAT) are answered once written to the client, so a
 * client that stopped reading stops answering. Everything runs on the request's event loop.
 */
final class SubscriberStream {

  private static final Logger LOG = LoggerFactory.getLogger(SubscriberStream.class);
  static final String ADDRESS_PREFIX = "meso.scheduler.stream.";
  /**
   * gRPC metadata: sent with the Subscribe response's headers, and required on every Send, as
   * Mesos's HTTP API does with its {@code Mesos-Stream-Id}: only the current subscription of a
   * framework may act for it.
   */
  static final String STREAM_ID_METADATA = io.meso.scheduler.GrpcSchedulerClient.STREAM_ID_METADATA;

  private final EventBus bus;
  private final GrpcServerRequest<Call, Event> request;
  private final GrpcServerResponse<Call, Event> response;
  private final long timeoutMillis;
  private final Set<SubscriberStream> registry;
  private final String streamId = UUID.randomUUID().toString();
  private final String address = addressOf(streamId);
  private MessageConsumer<Event> consumer;
  private FrameworkID frameworkId;
  private volatile boolean closed;

  SubscriberStream(EventBus bus, GrpcServerRequest<Call, Event> request, long timeoutMillis,
      Set<SubscriberStream> registry) {
    this.bus = bus;
    this.request = request;
    this.response = request.response();
    this.timeoutMillis = timeoutMillis;
    this.registry = registry;
  }

  void start(Call subscribe) {
    if (subscribe.hasFrameworkId()) {
      frameworkId = subscribe.getFrameworkId();
    }
    registry.add(this);
    // Goes out with the first event (SUBSCRIBED), so a client knows it before it can make a call.
    response.headers().set(STREAM_ID_METADATA, streamId);
    request.errorHandler(error -> gone("client error " + error));
    request.exceptionHandler(err -> gone("request failed: " + err.getMessage()));
    response.exceptionHandler(err -> gone("response failed: " + err.getMessage()));
    consumer = bus.consumer(address, this::onEvent);
    DeliveryOptions options = new DeliveryOptions()
        .addHeader(Addresses.EVENTS_HEADER, address)
        .setSendTimeout(timeoutMillis);
    consumer.completion()
        .compose(v -> closed ? Future.succeededFuture() : bus.request(Addresses.SCHEDULER, subscribe, options))
        .onFailure(err -> refused(MasterFailures.ofScheduler(err)));
    LOG.debug("subscription opened address={} framework={}", address, frameworkId == null ? "-" : frameworkId.getValue());
  }

  /** The events address of the gRPC subscription with this stream id. */
  static String addressOf(String streamId) {
    return ADDRESS_PREFIX + streamId;
  }

  private void onEvent(Message<Event> msg) {
    if (closed) {
      if (msg.replyAddress() != null) {
        msg.fail(503, "the subscriber at " + address + " is gone");
      }
      return;
    }
    Event event = msg.body();
    if (event.getType() == Event.Type.SUBSCRIBED) {
      frameworkId = event.getSubscribed().getFrameworkId();
    }
    Future<Void> written = response.write(event);
    if (msg.replyAddress() != null) {
      written.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(null);
        } else {
          msg.fail(503, "the subscriber at " + address + " is gone: " + ar.cause().getMessage());
        }
      });
    }
    if (event.getType() == Event.Type.ERROR) {
      // Failed over or torn down: the master sends nothing more on this address.
      LOG.info("subscription ended by the master framework={} reason={}", id(), event.getError().getMessage());
      finish();
      response.end();
    }
  }

  /** The master refused the SUBSCRIBE (or was not there): end with its status. */
  private void refused(MasterFailures.Failure failure) {
    if (closed) {
      return;
    }
    LOG.info("subscription refused framework={} status={} message={}", id(), failure.status(), failure.message());
    finish();
    MasterFailures.respond(response, failure);
  }

  /** The client went away: tell the master, once. */
  private void gone(String why) {
    if (closed) {
      return;
    }
    LOG.info("scheduler subscriber gone framework={} address={} why={}", id(), address, why);
    finish();
    notifyMaster();
  }

  /** The server is stopping: end the call and tell the master the subscriber is gone. */
  void shutdown() {
    if (closed) {
      return;
    }
    finish();
    notifyMaster();
    MasterFailures.respond(response, GrpcStatus.UNAVAILABLE, "the master's API server is stopping; subscribe again");
  }

  private void notifyMaster() {
    io.meso.scheduler.SubscriberGone.notifyMaster(bus, frameworkId, address);
  }

  private void finish() {
    closed = true;
    registry.remove(this);
    if (consumer != null) {
      consumer.unregister();
    }
  }

  private String id() {
    return frameworkId == null ? "-" : frameworkId.getValue();
  }
}
