package io.meso.api.subscription;

import io.meso.codecs.Addresses;
import io.meso.codecs.SubscriberGone;
import io.meso.v1.FrameworkID;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.meso.codecs.MasterRequests;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduler subscription, whichever door it came through: an event-bus consumer at a fresh
 * address ({@code addressPrefix + streamId}) whose events an {@link EventFramer} writes to the
 * client, in order.
 *
 * <p>Lifecycle. The consumer is registered (cluster-wide) before SUBSCRIBE is forwarded with
 * {@link Addresses#EVENTS_HEADER}, so SUBSCRIBED cannot be lost. Events that arrive before the
 * master's answer are held; when it accepts, the framer starts the stream and they are written.
 * The subscription ends, exactly once, in one of four ways:
 * <ul>
 *   <li>the master refuses the SUBSCRIBE (or is not there): the framer answers with the failure;
 *   <li>an ERROR event (failed over, torn down): written, then the stream ends; the master sends
 *       nothing more to this address;
 *   <li>the client goes away: the master is told once, with {@link SubscriberGone};
 *   <li>the server stops: the stream ends and the master is told.
 * </ul>
 * Events the master sends as requests (HEARTBEAT) are answered only once their bytes are
 * written, so a client that stopped reading stops answering; after the end they are failed.
 * The stream id is the subscription's proof: a call that carries it comes from this stream.
 * Runs on the request's event loop; the registry may read the framework id from others.
 */
public final class SchedulerSubscription {

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerSubscription.class);

  private final EventBus bus;
  private final MasterRequests master;
  private final EventFramer framer;
  private final long timeoutMillis;
  private final SubscriptionRegistry registry;
  private final String streamId = UUID.randomUUID().toString();
  private final String address;
  private final Deque<Message<Event>> held = new ArrayDeque<>();
  private MessageConsumer<Event> consumer;
  private volatile FrameworkID frameworkId;
  private boolean accepted;
  private volatile boolean closed;
  /** The principal the door authenticated, forwarded with SUBSCRIBE; null when authentication is off. */
  private String principal;

  public SchedulerSubscription(MasterRequests master, String addressPrefix, EventFramer framer, long timeoutMillis,
      SubscriptionRegistry registry) {
    this.master = master;
    this.bus = master.bus();
    this.framer = framer;
    this.timeoutMillis = timeoutMillis;
    this.registry = registry;
    this.address = addressOf(addressPrefix, streamId);
  }

  /** The events address of the subscription with this stream id, through the door with this prefix. */
  public static String addressOf(String addressPrefix, String streamId) {
    return addressPrefix + streamId;
  }

  /** The stream id: what the client sends with its calls as proof of this subscription. */
  public String streamId() {
    return streamId;
  }

  /** The event-bus address the master sends this subscription's events to. */
  public String address() {
    return address;
  }

  /** The framework this stream serves, once known (from the call or the SUBSCRIBED event), else null. */
  public FrameworkID frameworkId() {
    return frameworkId;
  }

  /**
   * The principal the door authenticated this subscriber as (from the request's
   * {@link Addresses#PRINCIPAL_HEADER}, which only the gate sets); the master authorizes the
   * SUBSCRIBE as this principal. Call before {@link #start}.
   */
  public SchedulerSubscription principal(String principal) {
    this.principal = principal;
    return this;
  }

  /** Starts the subscription for this SUBSCRIBE call. */
  public void start(Call subscribe) {
    if (subscribe.hasFrameworkId() && !subscribe.getFrameworkId().getValue().isEmpty()) {
      frameworkId = subscribe.getFrameworkId();
    } else if (subscribe.getSubscribe().getFrameworkInfo().hasId()) {
      frameworkId = subscribe.getSubscribe().getFrameworkInfo().getId();
    }
    registry.opened(this);
    framer.open(streamId, this::gone);
    consumer = bus.consumer(address, this::onEvent);
    DeliveryOptions options = new DeliveryOptions()
        .addHeader(Addresses.EVENTS_HEADER, address)
        .setSendTimeout(timeoutMillis);
    if (principal != null) {
      options.addHeader(Addresses.PRINCIPAL_HEADER, principal);
    }
    consumer.completion()
        .compose(v -> closed ? Future.succeededFuture() : master.request(Addresses.SCHEDULER, subscribe, options))
        .onSuccess(v -> accepted())
        .onFailure(this::refused);
    LOG.debug("subscription opened door={} stream={} framework={}", framer.door(), streamId, id());
  }

  private void accepted() {
    if (closed || accepted) {
      return;
    }
    accepted = true;
    framer.accepted(streamId);
    while (!held.isEmpty() && !closed) {
      deliver(held.poll());
    }
  }

  private void refused(Throwable err) {
    if (closed) {
      return;
    }
    LOG.info("subscription refused door={} framework={} why={}", framer.door(), id(), err.getMessage());
    finish();
    framer.refuse(err);
  }

  private void onEvent(Message<Event> msg) {
    if (closed) {
      failGone(msg, "");
      return;
    }
    String dropped = msg.headers().get(Addresses.DROPPED_HEADER);
    if (dropped != null) {
      // The master dropped the subscription (its heartbeat went unanswered): end the stream
      // without ERROR, as a Mesos master closes the connection, so the client subscribes again.
      LOG.info("subscription dropped by the master door={} framework={} stream={} reason={}", framer.door(), id(),
          streamId, dropped);
      finish();
      framer.end();
      return;
    }
    if (msg.body().getType() == Event.Type.SUBSCRIBED) {
      frameworkId = msg.body().getSubscribed().getFrameworkId();
      registry.subscribed(this);
    }
    if (!accepted) {
      held.add(msg);
      return;
    }
    deliver(msg);
  }

  private void deliver(Message<Event> msg) {
    Event event = msg.body();
    Future<Void> written = framer.write(event);
    if (msg.replyAddress() != null) {
      written.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(null);
        } else {
          failGone(msg, ": " + ar.cause().getMessage());
        }
      });
    }
    if (event.getType() == Event.Type.ERROR) {
      // Failed over or torn down: the master sends nothing more to this address.
      LOG.info("subscription ended by the master door={} framework={} stream={} reason={}", framer.door(), id(),
          streamId, event.getError().getMessage());
      finish();
      framer.end();
    }
  }

  /** The client went away: tell the master, once. */
  private void gone(String why) {
    if (closed) {
      return;
    }
    LOG.info("scheduler subscriber gone door={} framework={} stream={} why={}", framer.door(), id(), streamId, why);
    finish();
    SubscriberGone.notifyMaster(bus, frameworkId, address);
  }

  /** The server is stopping: end the stream and tell the master the subscriber is gone. */
  public void stop() {
    if (closed) {
      return;
    }
    finish();
    SubscriberGone.notifyMaster(bus, frameworkId, address);
    framer.stop(accepted);
  }

  /** Closes the subscription: out of the registry, consumer unregistered, held requests failed. */
  private void finish() {
    closed = true;
    registry.closed(this);
    if (consumer != null) {
      consumer.unregister();
    }
    for (Message<Event> msg : held) {
      failGone(msg, "");
    }
    held.clear();
  }

  private void failGone(Message<Event> msg, String detail) {
    if (msg.replyAddress() != null) {
      msg.fail(503, "the " + framer.door() + " subscriber of stream " + streamId + " is gone" + detail);
    }
  }

  private String id() {
    FrameworkID id = frameworkId;
    return id == null ? "-" : id.getValue();
  }
}
