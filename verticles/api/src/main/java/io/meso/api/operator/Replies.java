package io.meso.api.operator;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the operator endpoints answer: plain text (errors end with a newline), JSON, and a failed
 * master call as the master's HTTP-like code with a message saying what went wrong.
 */
final class Replies {

  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

  private Replies() {}

  /** A text/plain answer; if the head is already written (a stream that failed), only ends the response. */
  static void text(RoutingContext ctx, int status, String body) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      if (!ctx.response().ended()) {
        ctx.response().end();
      }
      return;
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(body.endsWith("\n") ? body : body + "\n");
  }

  /** An application/json answer of a {@link JsonObject} or a {@link JsonArray}. */
  static void json(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }

  /**
   * An application/json answer built and encoded on a worker thread: documents that grow with the
   * cluster (GET_STATE, /state, GET_TASKS: tens of megabytes at 100,000 tasks) took seconds to
   * build and encode, and on the event loop that stalled every other request the server handles
   * (scheduler calls, gRPC, the UI's events) for as long. {@code build} must only read immutable
   * input (the master's protobuf replies).
   */
  static void jsonOffLoop(RoutingContext ctx, int status, java.util.concurrent.Callable<Object> build) {
    ctx.vertx().executeBlocking(() -> {
      Object body = build.call();
      return io.vertx.core.buffer.Buffer.buffer(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
    }, false).onComplete(ar -> {
      if (ctx.response().ended()) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("building the answer failed path={}", ctx.request().path(), ar.cause());
        text(ctx, 500, "building the answer failed: " + ar.cause());
        return;
      }
      ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(ar.result());
    });
  }

  /** A master call that failed: {@link MasterClient#status} and {@link MasterClient#message}; 5xx are logged. */
  static void failed(RoutingContext ctx, Throwable err) {
    int status = MasterClient.status(err);
    if (status >= 500) {
      LOG.info("operator call failed path={} status={} cause={}", ctx.request().path(), status, MasterClient.message(err));
    }
    text(ctx, status, MasterClient.message(err));
  }
}
