package io.meso.api.http;

import io.meso.codecs.Addresses;
import io.meso.codecs.ProtoJson;
import io.meso.codecs.RecordIO;
import io.meso.v1.FrameworkID;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SUBSCRIBE over HTTP: an event-bus consumer at a fresh address whose events are written to
 * the chunked response as RecordIO records, in order, in the negotiated media type.
 *
 * <p>Lifecycle (the same as the gRPC {@code SubscriberStream}): the consumer is registered
 * before SUBSCRIBE is forwarded with {@link Addresses#EVENTS_HEADER}. Events that arrive before
 * the master's answer are held; when the master accepts, the response starts ({@code 200},
 * {@code Mesos-Stream-Id}) and they are written; when it refuses, the response is its status
 * code and message. The stream ends on an ERROR event (failed over, torn down): written, then
 * the response ends; or when the client goes away: the master is told with a
 * {@link Addresses#DISCONNECTED_HEADER} message. Events the master sends as requests
 * (HEARTBEAT) are answered only once their bytes are written. Runs on the request's event loop.
 */
final class HttpSubscription {

  private static final Logger LOG = LoggerFactory.getLogger(HttpSubscription.class);
  static final String ADDRESS_PREFIX = "meso.scheduler.http.";
  private static final Event HEARTBEAT = Event.newBuilder().setType(Event.Type.HEARTBEAT).build();

  private final EventBus bus;
  private final HttpServerResponse response;
  private final MediaTypes type;
  private final long timeoutMillis;
  private final StreamRegistry registry;
  final String streamId = UUID.randomUUID().toString();
  private final String address = addressOf(streamId);
  private final Deque<Message<Event>> held = new ArrayDeque<>();
  private MessageConsumer<Event> consumer;
  private volatile FrameworkID frameworkId;
  private boolean started;
  private volatile boolean closed;

  HttpSubscription(EventBus bus, HttpServerResponse response, MediaTypes type, long timeoutMillis,
      StreamRegistry registry) {
    this.bus = bus;
    this.response = response;
    this.type = type;
    this.timeoutMillis = timeoutMillis;
    this.registry = registry;
  }

  /** The events address of the HTTP subscription with this stream id. */
  static String addressOf(String streamId) {
    return ADDRESS_PREFIX + streamId;
  }

  /** The framework this stream serves, once known (from the call or the SUBSCRIBED event). */
  FrameworkID frameworkId() {
    return frameworkId;
  }

  void start(Call subscribe) {
    if (subscribe.hasFrameworkId() && !subscribe.getFrameworkId().getValue().isEmpty()) {
      frameworkId = subscribe.getFrameworkId();
    } else if (subscribe.getSubscribe().getFrameworkInfo().hasId()) {
      frameworkId = subscribe.getSubscribe().getFrameworkInfo().getId();
    }
    registry.opened(this);
    response.closeHandler(v -> gone("connection closed"));
    response.exceptionHandler(err -> gone("response failed: " + err.getMessage()));
    consumer = bus.consumer(address, this::onEvent);
    DeliveryOptions options = new DeliveryOptions()
        .addHeader(Addresses.EVENTS_HEADER, address)
        .setSendTimeout(timeoutMillis);
    consumer.completion()
        .compose(v -> closed ? Future.succeededFuture() : bus.request(Addresses.SCHEDULER, subscribe, options))
        .onSuccess(v -> accepted())
        .onFailure(this::refused);
    LOG.debug("http subscription opened stream={} framework={}", streamId, id());
  }

  private void accepted() {
    if (closed || started) {
      return;
    }
    started = true;
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, type.value)
        .putHeader(SchedulerHttpApi.STREAM_ID_HEADER, streamId);
    // Send the headers now, even if no event is held (a client waits for them to learn the stream id).
    Future<Void> headers = response.writeHead();
    headers.onFailure(err -> gone("cannot send headers: " + err.getMessage()));
    while (!held.isEmpty() && !closed) {
      deliver(held.poll());
    }
  }

  private void refused(Throwable err) {
    if (closed) {
      return;
    }
    SchedulerHttpApi.Answer answer = SchedulerHttpApi.Answer.of(err);
    LOG.info("http subscription refused framework={} status={} message={}", id(), answer.status(), answer.message());
    finish();
    failHeld();
    SchedulerHttpApi.plain(response, answer.status(), answer.message());
  }

  private void onEvent(Message<Event> msg) {
    if (closed) {
      if (msg.replyAddress() != null) {
        msg.fail(503, "the HTTP subscriber of stream " + streamId + " is gone");
      }
      return;
    }
    if (msg.body().getType() == Event.Type.SUBSCRIBED) {
      frameworkId = msg.body().getSubscribed().getFrameworkId();
      registry.subscribed(this);
    }
    if (!started) {
      held.add(msg);
      return;
    }
    deliver(msg);
  }

  private void deliver(Message<Event> msg) {
    Event event = msg.body();
    Future<Void> written = response.write(RecordIO.frame(encode(forWire(event), type)));
    if (msg.replyAddress() != null) {
      written.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(null);
        } else {
          msg.fail(503, "the HTTP subscriber of stream " + streamId + " is gone: " + ar.cause().getMessage());
        }
      });
    }
    if (event.getType() == Event.Type.SUBSCRIBED) {
      // As Mesos does: a HEARTBEAT right after SUBSCRIBED, so a client's heartbeat watchdog
      // starts from a known beat; the master's own heartbeats follow every interval.
      response.write(RecordIO.frame(encode(HEARTBEAT, type)));
    }
    if (event.getType() == Event.Type.ERROR) {
      // Failed over or torn down: the master sends nothing more to this address.
      LOG.info("http subscription ended by the master framework={} stream={} reason={}", id(), streamId,
          event.getError().getMessage());
      finish();
      response.end();
    }
  }

  static byte[] encode(Event event, MediaTypes type) {
    return type == MediaTypes.JSON
        ? ProtoJson.toJson(event).getBytes(StandardCharsets.UTF_8)
        : event.toByteArray();
  }

  /**
   * What Mesos puts on the wire beyond the model: every offered resource also carries the
   * deprecated {@code role} ({@code *} when unreserved, else its one reservation's role), so that
   * Mesos 1.0-era clients, which read only {@code role}, see reservations as they were meant.
   */
  static Event forWire(Event event) {
    if (event.getType() != Event.Type.OFFERS || !event.hasOffers()) {
      return event;
    }
    Event.Builder b = event.toBuilder();
    for (Offer.Builder offer : b.getOffersBuilder().getOffersBuilderList()) {
      for (Resource.Builder r : offer.getResourcesBuilderList()) {
        if (r.hasRole()) {
          continue;
        }
        if (r.getReservationsCount() == 0) {
          r.setRole("*");
        } else if (r.getReservationsCount() == 1 && r.getReservations(0).hasRole()) {
          r.setRole(r.getReservations(0).getRole());
        }
      }
    }
    return b.build();
  }

  /** The client went away: tell the master, once. */
  private void gone(String why) {
    if (closed) {
      return;
    }
    LOG.info("http scheduler subscriber gone framework={} stream={} why={}", id(), streamId, why);
    finish();
    failHeld();
    notifyMaster();
  }

  /** The server is stopping: end the stream and tell the master the subscriber is gone. */
  void shutdown() {
    if (closed) {
      return;
    }
    finish();
    failHeld();
    notifyMaster();
    if (started) {
      response.end();
    } else {
      SchedulerHttpApi.plain(response, 503, "the master's API server is stopping; subscribe again\n");
    }
  }

  private void failHeld() {
    for (Message<Event> msg : held) {
      if (msg.replyAddress() != null) {
        msg.fail(503, "the HTTP subscriber of stream " + streamId + " is gone");
      }
    }
    held.clear();
  }

  private void notifyMaster() {
    io.meso.scheduler.SubscriberGone.notifyMaster(bus, frameworkId, address);
  }

  private void finish() {
    closed = true;
    registry.closed(this);
    if (consumer != null) {
      consumer.unregister();
    }
  }

  private String id() {
    FrameworkID id = frameworkId;
    return id == null ? "-" : id.getValue();
  }
}
