package io.meso.services.api;

import io.meso.services.runtime.ServicesFramework;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v2/events}: the framework's events as Server-Sent Events
 * ({@code event: <type>\ndata: <json>\n\n}), kept open, filtered by any {@code event_type}
 * parameters. Needs {@code Accept: text/event-stream} (else 405, as the facts file records). A
 * consumer that cannot keep up (its connection's write queue is full) is disconnected rather than
 * buffered without bound. Published: event_stream_attached/_detached, status_update_event,
 * health_status_changed_event, unhealthy_instance_kill_event, app_terminated_event,
 * deployment_info, deployment_step_success, deployment_success, deployment_failed.
 */
final class EventsRoute {

  private static final Logger LOG = LoggerFactory.getLogger(EventsRoute.class);

  private EventsRoute() {}

  static void handle(RoutingContext ctx, ServicesFramework framework) {
    String accept = ctx.request().getHeader("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      Reply.message(405, "GET /v2/events needs 'Accept: text/event-stream'").send(ctx);
      return;
    }
    Set<String> types = Set.copyOf(ctx.queryParam("event_type"));
    HttpServerResponse response = ctx.response().setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
    response.writeHead();
    Context here = Vertx.currentContext();
    AtomicReference<Runnable> stop = new AtomicReference<>();
    String remote = String.valueOf(ctx.request().remoteAddress());
    framework.listen(remote, event -> {
      if (!types.isEmpty() && !types.contains(event.getString("eventType"))) {
        return;
      }
      here.runOnContext(v -> write(response, event, stop));
    }).onSuccess(unlisten -> {
      stop.set(unlisten);
      if (response.closed() || response.ended()) {
        unlisten.run();
      }
    });
    // A framework that stops serving (another master leads now) ends its streams: clients
    // reconnect, through any master, to the leader.
    framework.ended().onComplete(v -> here.runOnContext(x -> {
      if (!response.closed() && !response.ended()) {
        response.end();
      }
    }));
    response.closeHandler(v -> {
      Runnable unlisten = stop.get();
      if (unlisten != null) {
        unlisten.run();
      }
    });
  }

  private static void write(HttpServerResponse response, JsonObject event, AtomicReference<Runnable> stop) {
    if (response.closed() || response.ended()) {
      return;
    }
    if (response.writeQueueFull()) {
      LOG.warn("event stream consumer too slow, disconnecting");
      response.reset();
      Runnable unlisten = stop.get();
      if (unlisten != null) {
        unlisten.run();
      }
      return;
    }
    response.write("event: " + event.getString("eventType") + "\ndata: " + event.encode() + "\n\n");
  }
}
