package io.meso.cluster.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one HTTP request to the leading master as it came (method, path, query, headers, body)
 * with a {@code Via}-style header of its own added ({@code 1.1 <this host:port>}) and
 * {@code X-Forwarded-For}, and streams the leader's reply back as it arrives (status, headers,
 * then the body chunk by chunk, so event streams stay open). A request that already came through
 * this master is a loop and is not forwarded. Hop-by-hop headers are dropped both ways. When the
 * masters serve TLS ({@link MasterLinks}), the leader is reached over TLS and its certificate verified.
 *
 * <p>Why a class of its own: Marathon's and Chronos's standbys both proxy to their leader, with
 * different header names and error bodies; the callers ({@code /v2}, {@code /v1/scheduler}) say
 * what to answer when forwarding fails ({@link FailureReply}), the forwarding is the same.
 */
public final class LeaderForwarder {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderForwarder.class);

  /** Why a request could not be forwarded. */
  public enum Failure {
    /** The request already came through this master. */
    LOOP,
    /** The leader refused the connection. */
    REFUSED,
    /** The leader did not answer the reply's headers in time. */
    TIMED_OUT,
    /** Anything else (connection reset, the leader died mid-request...). */
    FAILED
  }

  /** Answers a request that could not be forwarded; called at most once, before anything was written. */
  @FunctionalInterface
  public interface FailureReply {
    void send(Failure failure, Throwable cause);
  }

  static final String FORWARDED_FOR = "X-Forwarded-For";
  /** How long a forwarded request waits for the leader's reply headers (streams then stay open). */
  public static final long HEADERS_TIMEOUT_MILLIS = 60_000;
  /** Hop-by-hop headers, not forwarded either way (RFC 9110 7.6.1), and Host, which is the leader's. */
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length");

  private final Vertx vertx;
  private final String viaHeader;
  private final HttpClient client;

  /** {@code viaHeader} names the header that marks a request (and its reply) as forwarded by a master. */
  public LeaderForwarder(Vertx vertx, String viaHeader) {
    this.vertx = vertx;
    this.viaHeader = viaHeader;
    // Event streams hold their connection for as long as they are open: a large pool, so that a
    // few of them never hold up ordinary requests.
    HttpClientOptions options = new HttpClientOptions().setConnectTimeout(5000).setKeepAlive(true);
    io.meso.security.tls.ClientTls tls = MasterLinks.tls(vertx);
    if (tls != null) {
      // The leader serves TLS as this master does: verify its certificate and host name.
      tls.apply(options);
    }
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(256));
  }

  /**
   * Forwards {@code in} (whose body was read into {@code body}, possibly empty) to the master at
   * {@code to} ({@code host:port}); {@code self} is this master's address. On failure
   * {@code onFailure} answers, unless the client went away or the reply already started.
   */
  public void forward(HttpServerRequest in, Buffer body, String to, String self, FailureReply onFailure) {
    HttpServerResponse out = in.response();
    String via = "1.1 " + self;
    if (in.headers().getAll(viaHeader).contains(via)) {
      LOG.error("proxy loop: {} {} came through this master ({}) already", in.method(), in.uri(), self);
      onFailure.send(Failure.LOOP, new IllegalStateException("proxy loop through " + self));
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
    options.addHeader(viaHeader, via);
    String forwardedFor = in.getHeader(FORWARDED_FOR);
    String remote = in.remoteAddress() == null ? null : in.remoteAddress().host();
    if (remote != null) {
      options.putHeader(FORWARDED_FOR, forwardedFor == null ? remote : forwardedFor + "," + remote);
    }
    LOG.debug("proxying {} {} to the leader at {}", in.method(), in.uri(), to);
    client.request(options).compose(request -> {
      out.closeHandler(v -> request.reset());
      // No idle timeout (an event stream may be quiet for long): only the reply's headers are timed.
      long timer = vertx.setTimer(HEADERS_TIMEOUT_MILLIS, t -> request.reset(0, new TimeoutException(
          "no reply from the leader in " + HEADERS_TIMEOUT_MILLIS + " ms")));
      return request.send(body == null ? Buffer.buffer() : body).andThen(ar -> vertx.cancelTimer(timer));
    }).onComplete(ar -> {
      if (ar.failed()) {
        if (out.closed() || out.headWritten()) {
          return;
        }
        LOG.warn("cannot proxy {} {} to the leader at {}: {}", in.method(), in.uri(), to, ar.cause().toString());
        onFailure.send(kind(ar.cause()), ar.cause());
      } else {
        relay(ar.result(), out, via);
      }
    });
  }

  private static Failure kind(Throwable cause) {
    if (cause instanceof ConnectException) {
      return Failure.REFUSED;
    }
    if (cause instanceof TimeoutException || cause.getCause() instanceof TimeoutException) {
      return Failure.TIMED_OUT;
    }
    return Failure.FAILED;
  }

  /** Streams the leader's reply back: status and headers at once, then the body as it comes. */
  private void relay(HttpClientResponse reply, HttpServerResponse out, String via) {
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
    out.putHeader(viaHeader, via);
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
}
