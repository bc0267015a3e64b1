package io.meso.jobs.api;

import io.meso.cluster.proxy.LeaderForwarder;
import io.meso.jobs.runtime.JobsFramework;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * The first handler of every {@code /v1/scheduler} request but {@code /leader}, Chronos's
 * {@code RedirectFilter}: where the jobs framework is active the request goes on to the API; on
 * any other master it is proxied to the leader (method, path, query, headers and body; not a
 * redirect) by {@link LeaderForwarder}, with {@value #VIA_HEADER} added to catch loops. While no
 * other leader is known (none elected yet, or this master was just elected and its framework is
 * taking over) it waits up to {@link #WAIT_MILLIS}, then lets the API answer its 503 naming the
 * leader. A failed proxying answers as Chronos does, 500
 * {@code {"status":"Internal Server Error","message":"Error proxying request to leader (maybe the
 * leadership just changed?)"}}; a loop 502 with the same shape.
 */
final class JobsLeaderProxy {

  static final String VIA_HEADER = "X-Meso-Via";
  /** Chronos's message when proxying to the leader fails. */
  static final String PROXY_FAILED = "Error proxying request to leader (maybe the leadership just changed?)";
  /** How long a request waits for a leader to be known or to finish taking over. */
  static final long WAIT_MILLIS = 3000;
  static final long WAIT_STEP_MILLIS = 250;

  private final Vertx vertx;
  private final Supplier<JobsFramework> framework;
  private final Supplier<String> leader;
  private final Supplier<String> self;
  private final LeaderForwarder forwarder;

  /**
   * {@code framework} is the framework active here or null, {@code leader} the leading master's
   * address ({@code host:port}, null or empty while unknown), {@code self} this master's (null:
   * the address the request came in on).
   */
  JobsLeaderProxy(Vertx vertx, Supplier<JobsFramework> framework, Supplier<String> leader, Supplier<String> self) {
    this.vertx = vertx;
    this.framework = framework;
    this.leader = leader;
    this.self = self;
    this.forwarder = new LeaderForwarder(vertx, VIA_HEADER);
  }

  void handle(RoutingContext ctx) {
    handle(ctx, System.nanoTime() + WAIT_MILLIS * 1_000_000);
  }

  private void handle(RoutingContext ctx, long deadline) {
    JobsFramework here = framework.get();
    if (here != null && !here.isDeposed()) {
      ctx.next();
      return;
    }
    String me = self(ctx);
    String at = leader.get();
    if (at != null && !at.isEmpty() && !at.equals(me)) {
      Buffer body = ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
      forwarder.forward(ctx.request(), body, at, me, (failure, cause) -> {
        if (failure == LeaderForwarder.Failure.LOOP) {
          Reply.error(502, "Bad Gateway", "Detected proxying loop through " + me).send(ctx);
        } else {
          Reply.error(500, "Internal Server Error", PROXY_FAILED).send(ctx);
        }
      });
      return;
    }
    if (System.nanoTime() >= deadline) {
      ctx.next(); // the API answers 503: the framework is not active here
      return;
    }
    vertx.setTimer(WAIT_STEP_MILLIS, t -> {
      if (!ctx.response().closed()) {
        handle(ctx, deadline);
      }
    });
  }

  private String self(RoutingContext ctx) {
    String s = self.get();
    return s != null ? s : ctx.request().localAddress().host() + ":" + ctx.request().localAddress().port();
  }
}
