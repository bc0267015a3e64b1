package io.meso.agent;

import io.meso.codecs.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * New-leader announcements ({@link Addresses#MASTER_ELECTED}) for the agents of one Vert.x
 * instance: a single clustered consumer per instance, relayed on a local-only address to each
 * agent's local consumer.
 *
 * <p>Every clustered consumer is an entry in Hazelcast's subscription map, and after a member
 * dies Vert.x re-publishes all of a member's entries one synchronous write at a time while event
 * bus lookups wait. With one clustered consumer per agent, a JVM hosting many agents (the
 * simulated agents of a benchmark, or several agents on one host) held a thousand extra entries,
 * which delayed every agent's re-registration after a master failover by the time those writes
 * took. One agent per JVM sees no difference.
 */
final class LeaderAnnouncements {

  /** Local-only address on which the relay re-publishes each announcement (body: the leader's host:port). */
  static final String LOCAL_ADDRESS = Addresses.MASTER_ELECTED + ".local";

  private static final Map<Vertx, Future<Void>> RELAYS = new WeakHashMap<>();

  private LeaderAnnouncements() {}

  /**
   * Calls {@code handler} (on the caller's context) with the address of every newly elected
   * leader; completes once announcements are received. The consumer belongs to the caller's
   * context (a verticle's consumer goes away with it); the shared relay lives as long as the
   * Vert.x instance.
   */
  static Future<MessageConsumer<String>> subscribe(Vertx vertx, Handler<String> handler) {
    Future<Void> relay;
    synchronized (RELAYS) {
      relay = RELAYS.get(vertx);
      if (relay == null || relay.failed()) {
        relay = startRelay(vertx);
        RELAYS.put(vertx, relay);
      }
    }
    MessageConsumer<String> local = vertx.eventBus().localConsumer(LOCAL_ADDRESS, msg -> handler.handle(msg.body()));
    return relay.compose(v -> local.completion()).map(local);
  }

  /** The clustered consumer, on a context of its own so that no verticle's undeployment removes it. */
  private static Future<Void> startRelay(Vertx vertx) {
    ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
    Promise<Void> started = Promise.promise();
    DeliveryOptions localOnly = new DeliveryOptions().setLocalOnly(true);
    context.runOnContext(v -> vertx.eventBus().<String>consumer(Addresses.MASTER_ELECTED,
            msg -> vertx.eventBus().publish(LOCAL_ADDRESS, String.valueOf(msg.body()), localOnly))
        .completion().onComplete(started));
    return started.future();
  }
}
