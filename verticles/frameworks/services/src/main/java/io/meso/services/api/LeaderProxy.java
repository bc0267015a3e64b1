package io.meso.services.api;

import io.meso.services.runtime.ServicesFramework;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.net.ConnectException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * 504. Bodies are Marathon's {@code {"message": ...}}.
 */
final class LeaderProxy {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderProxy.class);

  static final String LEADER_HEADER = "X-Marathon-Leader";
  static final String VIA_HEADER = "X-Marathon-Via";
  static final String FORWARDED_FOR = "X-Forwarded-For";
  /** The routing-context key of the framework serving the request here. */
  static final String FRAMEWORK = "meso.services.framework";
  /** How long a request waits for a leader (Marathon: 12 tries 250 ms apart). */
  static final long WAIT_MILLIS = 3000;
  static final long WAIT_STEP_MILLIS = 250;
  /** How long a forwarded request waits for the leader's reply headers (streams then stay open). */
  static final long HEADERS_TIMEOUT_MILLIS = 60_000;
  /** Hop-by-hop headers, not forwarded either way (RFC 9110 7.6.1), and Host, which is the leader's. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length");

  private final Vertx vertx;
  private final ServicesLeader leader;
  private final HttpClient client;

  LeaderProxy(Vertx vertx, ServicesLeader leader) {
    this.vertx = vertx;
    this.leader = leader;
    // Event streams hold their connection for as long as they are open: a large pool, so that a
    // few of them never hold up ordinary requests.
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(256));
  }

  void handle(RoutingContext ctx) {
    handle(ctx, System.nanoTime() + WAIT_MILLIS * 1_000_000);
  }

  private void handle(RoutingContext ctx, long deadline) {
    String self = self(ctx);
    ServicesFramework here = leader.local();
    if (here != null) {
      ctx.put(FRAMEWORK, here);
      ctx.response().putHeader(LEADER_HEADER, "http://" + self);
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
    HttpServerRequest in = ctx.request();
    HttpServerResponse out = ctx.response();
    String via = "1.1 " + self;
    if (in.headers().getAll(VIA_HEADER).contains(via)) {
      LOG.error("proxy loop: {} {} came through this master ({}) already", in.method(), in.uri(), self);
      Reply.message(502, "Detected proxying loop.").send(ctx);
      return;
    }
    int colon = to.lastIndexOf(':');
    RequestOptions options = new RequestOptions().setMethod(in.method()).setHost(to.substring(0, colon))
        .setPort(Integer.parseInt(to.substring(colon + 1))).setURI(in.uri());
    in.headers().forEach((name, value) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
        options.addHeader(name, value);
      }
    });
    options.addHeader(VIA_HEADER, via);
    String forwardedFor = in.getHeader(FORWARDED_FOR);
    String remote = in.remoteAddress() == null ? null : in.remoteAddress().host();
    if (remote != null) {
      options.putHeader(FORWARDED_FOR, forwardedFor == null ? remote : forwardedFor + "," + remote);
    }
    Buffer body = ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    LOG.debug("proxying {} {} to the leader at {}", in.method(), in.uri(), to);
    client.request(options).compose(request -> {
      out.closeHandler(v -> request.reset());
      // No idle timeout (an event stream may be quiet for long): only the reply's headers are timed.
      long timer = vertx.setTimer(HEADERS_TIMEOUT_MILLIS, t -> request.reset(0, new TimeoutException(
          "no reply from the leader in " + HEADERS_TIMEOUT_MILLIS + " ms")));
      return request.send(body).andThen(ar -> vertx.cancelTimer(timer));
    }).onComplete(ar -> {
      if (ar.failed()) {
        failed(ctx, to, ar.cause());
      } else {
        relay(ar.result(), out, via);
      }
    });
  }

  /** Streams the leader's reply back: status and headers at once, then the body as it comes. */
  private static void relay(HttpClientResponse reply, HttpServerResponse out, String via) {
    if (out.closed()) {
      reply.request().reset();
      return;
    }
    out.setStatusCode(reply.statusCode());
    reply.headers().forEach((name, value) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
        out.headers().add(name, value);
      }
    });
    out.putHeader(VIA_HEADER, via);
    String length = reply.getHeader("Content-Length");
    if (length != null) {
      out.putHeader("Content-Length", length);
    } else if (reply.statusCode() != 204 && reply.statusCode() != 304) {
      out.setChunked(true);
      out.writeHead(); // an event stream's headers go now, not with its first event
    }
    reply.pipeTo(out).onFailure(err -> {
      LOG.debug("proxied reply ended early: {}", err.toString());
      reply.request().reset();
    });
  }

  private static void failed(RoutingContext ctx, String to, Throwable cause) {
    if (ctx.response().closed() || ctx.response().headWritten()) {
      return;
    }
    LOG.warn("cannot proxy {} {} to the leader at {}: {}", ctx.request().method(), ctx.request().uri(), to,
        cause.toString());
    if (cause instanceof ConnectException) {
      Reply.message(502, "Connection to leader refused.").send(ctx);
    } else if (cause instanceof TimeoutException || cause.getCause() instanceof TimeoutException) {
      Reply.message(504, "Connection to leader timed out.").send(ctx);
    } else {
      Reply.message(502, "Failed to successfully establish a connection to the leader.").send(ctx);
    }
  }
}
