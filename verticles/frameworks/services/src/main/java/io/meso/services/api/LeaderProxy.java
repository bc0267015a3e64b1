package io.meso.services.api;

import io.meso.cluster.proxy.LeaderForwarder;
import io.meso.services.runtime.ServicesFramework;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of every {@code /v2} request, Marathon's {@code LeaderProxyFilter}: on the
 * leader (its framework serves here) the request goes on to the API and the reply carries
 * {@code X-Marathon-Leader: http://host:port}; on any other master it is forwarded to the leader
 * as it came (method, path, query, headers, body) with {@code X-Marathon-Via: 1.1 <this host:port>}
 * added, and the leader's reply streamed back as it arrives, also with {@code X-Marathon-Via}
 * ({@code /v2/events} stays open, event by event, never buffered). A request that already came
 * through this master is a loop (502 {@code Detected proxying loop.}). While no leader is known, or
 * this master leads but its framework is still taking over, the request waits up to
 * {@link #WAIT_MILLIS} for that to settle, then gets 503 {@code Could not determine the current
 * leader}; a leader that cannot be reached is 502, one that does not answer the headers in time
 * 504. Bodies are Marathon's {@code {"message": ...}}. The forwarding itself is
 * {@link LeaderForwarder}'s, shared with the jobs framework's {@code /v1/scheduler}.
 */
final class LeaderProxy {

  static final String LEADER_HEADER = "X-Marathon-Leader";
  static final String VIA_HEADER = "X-Marathon-Via";
  /** The routing-context key of the framework serving the request here. */
  static final String FRAMEWORK = "meso.services.framework";
  /** How long a request waits for a leader (Marathon: 12 tries 250 ms apart). */
  static final long WAIT_MILLIS = 3000;
  static final long WAIT_STEP_MILLIS = 250;

  private final Vertx vertx;
  private final ServicesLeader leader;
  private final LeaderForwarder forwarder;

  LeaderProxy(Vertx vertx, ServicesLeader leader) {
    this.vertx = vertx;
    this.leader = leader;
    this.forwarder = new LeaderForwarder(vertx, VIA_HEADER);
  }

  void handle(RoutingContext ctx) {
    handle(ctx, System.nanoTime() + WAIT_MILLIS * 1_000_000);
  }

  private void handle(RoutingContext ctx, long deadline) {
    String self = self(ctx);
    ServicesFramework here = leader.local();
    if (here != null) {
      ctx.put(FRAMEWORK, here);
      ctx.response().putHeader(LEADER_HEADER, io.meso.cluster.proxy.MasterLinks.scheme(vertx) + "://" + self);
      ctx.next();
      return;
    }
    String at = leader.leader();
    if (at != null && !at.equals(self)) {
      forward(ctx, at, self);
      return;
    }
    // No leader yet, or this master leads and its framework is taking over: wait a little.
    if (System.nanoTime() >= deadline) {
      Reply.message(503, "Could not determine the current leader").send(ctx);
      return;
    }
    vertx.setTimer(WAIT_STEP_MILLIS, t -> {
      if (!ctx.response().closed()) {
        handle(ctx, deadline);
      }
    });
  }

  private String self(RoutingContext ctx) {
    String self = leader.self();
    if (self != null) {
      return self;
    }
    return ctx.request().localAddress().host() + ":" + ctx.request().localAddress().port();
  }

  private void forward(RoutingContext ctx, String to, String self) {
    Buffer body = ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    forwarder.forward(ctx.request(), body, to, self, (failure, cause) -> {
      switch (failure) {
        case LOOP -> Reply.message(502, "Detected proxying loop.").send(ctx);
        case REFUSED -> Reply.message(502, "Connection to leader refused.").send(ctx);
        case TIMED_OUT -> Reply.message(504, "Connection to leader timed out.").send(ctx);
        case FAILED -> Reply.message(502, "Failed to successfully establish a connection to the leader.").send(ctx);
      }
    });
  }
}
