package io.meso.services.api;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** One /v2 answer: status, JSON body (or none) and extra headers, as computed on the framework's loop. */
record Reply(int status, Object body, Map<String, String> headers) {

  static Reply json(int status, Object body) {
    return new Reply(status, body, Map.of());
  }

  static Reply message(int status, String message) {
    return json(status, new JsonObject().put("message", message));
  }

  Reply header(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Reply(status, body, h);
  }

  void send(RoutingContext ctx) {
    HttpServerResponse response = ctx.response().setStatusCode(status);
    headers.forEach(response::putHeader);
    if (body == null) {
      response.end();
    } else if (body instanceof JsonObject || body instanceof JsonArray) {
      response.putHeader("Content-Type", "application/json; charset=utf-8").end(body.toString());
    } else {
      response.putHeader("Content-Type", "text/plain; charset=utf-8").end(body.toString());
    }
  }
}
