package io.meso.codecs.gateway;

import io.meso.codecs.gateway.GatewayWire.Frame;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway connection, either end: carries event-bus messages across a socket as
 * {@link GatewayWire} frames, so that a message the near side's bus hands it reaches the far
 * side's bus as if both were one, requests and their replies (or failures) included.
 *
 * <ul>
 *   <li>{@link #forward}: a message consumed here goes across; a request is remembered by id
 *       until its REPLY or FAIL comes back, and failed with NO_HANDLERS if the connection closes
 *       first (the far side is gone, as the bus says of an address nobody consumes).</li>
 *   <li>SEND and REQUEST frames that arrive go onto this side's bus, if {@code inbound} allows
 *       their address (each end names what the other may reach); a request's outcome goes back
 *       as REPLY or FAIL. Every request crossing is bounded by {@link #REQUEST_TIMEOUT_MILLIS},
 *       so nothing remembered outlives it.</li>
 *   <li>Keepalive: each end writes KEEPALIVE every interval and closes a connection it has read
 *       nothing from for {@link #MISSED_KEEPALIVES} intervals, so that a cut link (no FIN ever
 *       arrives) is noticed in seconds, not when TCP gives up.</li>
 * </ul>
 * Confined to the event loop of the context it was created on.
 */
public final class GatewayChannel {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayChannel.class);
  /** The longest a request may wait across the gateway for its answer. */
  static final long REQUEST_TIMEOUT_MILLIS = 120_000;
  /** Intervals without a byte read after which the connection is taken as dead. */
  static final int MISSED_KEEPALIVES = 3;

  private final Vertx vertx;
  private final NetSocket socket;
  private final String peer;
  private final Predicate<String> inbound;
  private final Consumer<Frame> control;
  private final Map<Long, Message<Object>> pending = new HashMap<>();
  private final long keepaliveMillis;
  private long nextId;
  private long lastRead;
  private long keepaliveTimer = -1;
  private boolean closed;
  private Runnable onClose = () -> { };

  /**
   * @param peer who is at the other end, for logs
   * @param inbound the addresses the other end may send to on this side's bus
   * @param control the frames that are not bus traffic (HELLO, WELCOME, REFUSED, PUBLISH)
   */
  public GatewayChannel(Vertx vertx, NetSocket socket, String peer, long keepaliveMillis, Predicate<String> inbound,
      Consumer<Frame> control) {
    this.vertx = vertx;
    this.socket = socket;
    this.peer = peer;
    this.keepaliveMillis = keepaliveMillis;
    this.inbound = inbound;
    this.control = control;
    this.lastRead = System.nanoTime();
    RecordParser parser = RecordParser.newFixed(4);
    parser.handler(new java.util.function.Consumer<Buffer>() {
      int expected = -1;

      @Override
      public void accept(Buffer chunk) {
        if (closed) {
          return; // the rest of a read after a protocol error
        }
        if (expected < 0) {
          expected = chunk.getInt(0);
          if (expected < 1 || expected > GatewayWire.MAX_FRAME_BYTES) {
            protocolError("a frame of " + expected + " bytes (1 to " + GatewayWire.MAX_FRAME_BYTES + " allowed)");
            return;
          }
          parser.fixedSizeMode(expected);
        } else {
          expected = -1;
          parser.fixedSizeMode(4);
          Frame frame;
          try {
            frame = GatewayWire.decode(chunk);
          } catch (GatewayWire.WireException e) {
            protocolError(e.getMessage());
            return;
          }
          received(frame);
        }
      }
    }::accept);
    socket.handler(data -> {
      lastRead = System.nanoTime();
      if (!closed) {
        parser.handle(data);
      }
    });
    socket.closeHandler(v -> closed("the connection closed"));
    socket.exceptionHandler(e -> LOG.debug("gateway connection peer={} error={}", peer, e.toString()));
    keepaliveTimer = vertx.setPeriodic(keepaliveMillis, id -> keepalive());
  }

  /** Runs once when the connection closes, whoever closed it. */
  public GatewayChannel onClose(Runnable onClose) {
    this.onClose = onClose;
    return this;
  }

  public String peer() {
    return peer;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Requests forwarded across and not answered yet. */
  public int pending() {
    return pending.size();
  }

  public void write(Frame frame) {
    if (!closed) {
      socket.write(GatewayWire.encode(frame));
    }
  }

  /** Sends a message this side's bus delivered across, as SEND or (with a reply address) REQUEST. */
  public void forward(String address, Message<Object> msg) {
    if (closed) {
      if (msg.replyAddress() != null) {
        msg.reply(new ReplyException(ReplyFailure.NO_HANDLERS, "the gateway connection to " + peer + " is closed"));
      }
      return;
    }
    if (!GatewayWire.carries(msg.body())) {
      LOG.error("cannot forward a {} to {} across the gateway (only Meso's protobuf messages, strings and none travel)",
          msg.body().getClass().getName(), address);
      if (msg.replyAddress() != null) {
        msg.fail(500, "a " + msg.body().getClass().getSimpleName() + " cannot cross the agent gateway");
      }
      return;
    }
    if (msg.replyAddress() == null) {
      write(Frame.send(address, msg.headers(), msg.body()));
      return;
    }
    long id = ++nextId;
    pending.put(id, msg);
    write(Frame.request(id, REQUEST_TIMEOUT_MILLIS, address, msg.headers(), msg.body()));
  }

  /** Closes the connection (pending requests fail as the close is handled). */
  public void close() {
    socket.close();
    closed("closed by this side");
  }

  private void received(Frame f) {
    switch (f.kind()) {
      case REPLY -> {
        Message<Object> msg = pending.remove(f.id());
        if (msg != null) {
          msg.reply(f.body(), new DeliveryOptions().setHeaders(f.headers()));
        }
      }
      case FAIL -> {
        Message<Object> msg = pending.remove(f.id());
        if (msg != null) {
          msg.reply(new ReplyException(f.failure(), f.code(), f.text()));
        }
      }
      case SEND -> {
        if (allowed(f)) {
          vertx.eventBus().send(f.address(), f.body(), new DeliveryOptions().setHeaders(trusted(f.headers())));
        }
      }
      case REQUEST -> {
        if (!allowed(f)) {
          write(Frame.fail(f.id(), ReplyFailure.RECIPIENT_FAILURE, 403,
              "the gateway does not carry requests to " + f.address() + " from " + peer));
          return;
        }
        long timeout = Math.max(1, Math.min(f.timeoutMillis(), REQUEST_TIMEOUT_MILLIS));
        vertx.eventBus().request(f.address(), f.body(),
            new DeliveryOptions().setHeaders(trusted(f.headers())).setSendTimeout(timeout)).onComplete(ar -> {
              if (ar.succeeded()) {
                Object body = ar.result().body();
                if (GatewayWire.carries(body)) {
                  write(Frame.reply(f.id(), ar.result().headers(), body));
                } else {
                  write(Frame.fail(f.id(), ReplyFailure.RECIPIENT_FAILURE, 500, "a reply of type "
                      + body.getClass().getSimpleName() + " cannot cross the agent gateway"));
                }
              } else if (ar.cause() instanceof ReplyException re) {
                write(Frame.fail(f.id(), re.failureType(), re.failureCode(), re.getMessage()));
              } else {
                write(Frame.fail(f.id(), ReplyFailure.ERROR, -1, String.valueOf(ar.cause())));
              }
            });
      }
      case KEEPALIVE -> {
      }
      default -> control.accept(f);
    }
  }

  private boolean allowed(Frame f) {
    if (f.address() != null && inbound.test(f.address())) {
      return true;
    }
    LOG.warn("gateway peer {} sent a {} to {}, which it may not reach; dropped", peer, f.kind(), f.address());
    return false;
  }

  private void keepalive() {
    if (closed) {
      return;
    }
    long silentMillis = (System.nanoTime() - lastRead) / 1_000_000;
    if (silentMillis > MISSED_KEEPALIVES * keepaliveMillis) {
      LOG.info("gateway connection to {} silent for {} ms (keepalive every {} ms); closing it", peer, silentMillis,
          keepaliveMillis);
      close();
      return;
    }
    write(Frame.keepalive());
  }

  private void protocolError(String why) {
    LOG.warn("gateway peer {} broke the protocol: {}; closing the connection", peer, why);
    close();
  }

  private void closed(String why) {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(keepaliveTimer);
    for (Message<Object> msg : pending.values()) {
      msg.reply(new ReplyException(ReplyFailure.NO_HANDLERS, "the gateway connection to " + peer + " closed"));
    }
    pending.clear();
    LOG.debug("gateway connection peer={} closed: {}", peer, why);
    onClose.run();
  }

  /**
   * The headers of a message from across, without the principal a door vouches for: only members of
   * the bus may set it, and a gateway peer is not one.
   */
  public static MultiMap trusted(MultiMap headers) {
    return without(headers, io.meso.codecs.Addresses.PRINCIPAL_HEADER);
  }

  static MultiMap without(MultiMap headers, String name) {
    if (headers == null || !headers.contains(name)) {
      return headers;
    }
    MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    copy.remove(name);
    return copy;
  }
}
