package io.meso.jobs.api;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * One /v1/scheduler answer: status and body (JSON, plain text, or none). Errors use Chronos's
 * ApiResult shape {@code {"status":"Bad Request","message":...}}.
 */
record Reply(int status, Object body) {

  static Reply noContent() {
    return new Reply(204, null);
  }

  static Reply json(Object body) {
    return new Reply(200, body);
  }

  static Reply text(String body) {
    return new Reply(200, body);
  }

  static Reply error(int status, String statusText, String message) {
    return new Reply(status, new JsonObject().put("status", statusText).put("message", message));
  }

  static Reply badRequest(String message) {
    return error(400, "Bad Request", message);
  }

  void send(RoutingContext ctx) {
    HttpServerResponse response = ctx.response().setStatusCode(status);
    if (body == null) {
      response.end();
    } else if (body instanceof JsonObject || body instanceof JsonArray) {
      response.putHeader("Content-Type", "application/json").end(body.toString());
    } else {
      response.putHeader("Content-Type", "text/plain; charset=utf-8").end(body.toString());
    }
  }
}
