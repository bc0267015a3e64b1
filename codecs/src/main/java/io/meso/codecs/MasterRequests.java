package io.meso.codecs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests to the leading master ({@link Addresses#OPERATOR}, {@link Addresses#SCHEDULER}) that
 * do not outlive a leader change. The event bus never fails a request whose recipient died: one
 * sent to a master just killed (or still listed for it until Hazelcast drops the member) waits out
 * its whole send timeout, 30 s for the API servers, so clients stalled that long after every
 * failover. Here every request that was waiting when a new leader announced itself on
 * {@link Addresses#MASTER_ELECTED} and is still waiting {@link #GRACE_MILLIS} later fails as a
 * {@link ReplyFailure#TIMEOUT} that says why; the caller answers 503/UNAVAILABLE and the client
 * retries, now reaching the new leader.
 *
 * <p>The grace is for requests that did reach the new leader: one sent just before its
 * announcement arrived (the new leader's own built-in frameworks subscribe as it takes over, and
 * the announcement reaches them a moment later) is answered as usual. Failing those at once made
 * a new leader's jobs framework fail its takeover and the master step down, and the masters of a
 * cluster starting together then stepped down in turn. A request slower than the grace fails
 * too; its retry is what any client does after a timeout. Thread-safe: requests may come from any
 * context, and each failure is delivered on the context its request came from.
 */
public final class MasterRequests {

  private static final Logger LOG = LoggerFactory.getLogger(MasterRequests.class);

  /** The failure message of a request failed because a new leader was elected while it waited. */
  public static final String LEADER_CHANGED = "a new master was elected while the call was in flight "
      + "(the one it went to may be gone); retry";

  /** How long after a new leader's announcement the requests that were waiting then may still be answered. */
  public static final long GRACE_MILLIS = 2_000;

  private final Vertx vertx;
  private final long graceMillis;
  private final Map<Promise<?>, Context> inFlight = new ConcurrentHashMap<>();
  private final MessageConsumer<Object> elected;

  public MasterRequests(Vertx vertx) {
    this(vertx, GRACE_MILLIS);
  }

  /** With another grace (tests). */
  public MasterRequests(Vertx vertx, long graceMillis) {
    if (graceMillis < 1) {
      throw new IllegalArgumentException("graceMillis is " + graceMillis + "; expected >= 1");
    }
    this.vertx = vertx;
    this.graceMillis = graceMillis;
    this.elected = vertx.eventBus().consumer(Addresses.MASTER_ELECTED, this::leaderElected);
  }

  /** Like {@code EventBus.request}, but failed at once when a new leader is announced before the reply. */
  public <T> Future<Message<T>> request(String address, Object body, DeliveryOptions options) {
    Promise<Message<T>> reply = Promise.promise();
    inFlight.put(reply, vertx.getOrCreateContext());
    vertx.eventBus().<T>request(address, body, options).onComplete(ar -> {
      inFlight.remove(reply);
      if (ar.succeeded()) {
        reply.tryComplete(ar.result());
      } else {
        reply.tryFail(ar.cause());
      }
    });
    return reply.future();
  }

  /** The event bus the requests go over. */
  public io.vertx.core.eventbus.EventBus bus() {
    return vertx.eventBus();
  }

  /** How many requests wait for a reply. */
  public int inFlight() {
    return inFlight.size();
  }

  /** Done with the announcements (the owner is stopping); requests still waiting keep their own timeouts. */
  public Future<Void> close() {
    return elected.unregister();
  }

  private void leaderElected(Message<Object> announcement) {
    java.util.List<Promise<?>> waiting = java.util.List.copyOf(inFlight.keySet());
    if (waiting.isEmpty()) {
      return;
    }
    Object leader = announcement.body();
    vertx.setTimer(graceMillis, id -> {
      int failed = 0;
      for (Promise<?> reply : waiting) {
        Context context = inFlight.remove(reply);
        if (context != null) {
          failed++;
          context.runOnContext(v -> reply.tryFail(new ReplyException(ReplyFailure.TIMEOUT, LEADER_CHANGED)));
        }
      }
      if (failed > 0) {
        LOG.info("new leader {} announced; failed {} request(s) still waiting {} ms later (on the previous one) so "
            + "they are retried", leader, failed, graceMillis);
      }
    });
  }
}
