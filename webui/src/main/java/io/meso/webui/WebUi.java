package io.meso.webui;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesosJson;
import io.meso.proto.MasterEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The live web UI, mounted on the API server's router beside the operator HTTP API it reads
 * ({@code io.meso.api.operator}; the apps and deployments pages read the services framework's
 * {@code /v2} API, over HTTP only, when it is mounted on the same router): the static page at
 * {@code /ui/} ({@code /} redirects there) and {@code /ui/events}, the master's events as
 * server-sent events. The events come from {@link Addresses#MASTER_EVENTS} on the event bus;
 * nothing here holds cluster state.
 */
public final class WebUi {

  private static final long HEARTBEAT_MILLIS = 15_000;

  private final Vertx vertx;
  private final io.meso.security.acl.Acls acls;

  public WebUi(Vertx vertx) {
    this(vertx, io.meso.security.acl.Acls.allowAll());
  }

  /** With the master's ACLs: each subscriber of {@code /ui/events} sees only the events its principal may view. */
  public WebUi(Vertx vertx, io.meso.security.acl.Acls acls) {
    this.vertx = vertx;
    this.acls = acls == null ? io.meso.security.acl.Acls.allowAll() : acls;
  }

  /** Adds the UI's routes to the router. */
  public WebUi mount(Router router) {
    router.get("/ui/events").handler(this::serverSentEvents);
    router.get("/").handler(ctx -> ctx.redirect("/ui/"));
    router.get("/ui/*").handler(StaticHandler.create("meso-webui").setCachingEnabled(false)
        .setDirectoryListing(false).setIndexPage("index.html"));
    return this;
  }

  /**
   * Server-sent events for the web UI: one "message" per master event, as the v1 operator event
   * JSON; under ACLs only those the gate's principal may view ({@link io.meso.security.acl.EventView}).
   */
  private void serverSentEvents(RoutingContext ctx) {
    io.meso.security.acl.EventView view = new io.meso.security.acl.EventView(acls,
        ctx.request().getHeader(Addresses.PRINCIPAL_HEADER));
    HttpServerResponse response = ctx.response();
    response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").setStatusCode(200);
    MessageConsumer<MasterEvent> consumer = vertx.eventBus().consumer(Addresses.MASTER_EVENTS, m -> {
      if (!response.ended() && !response.closed() && view.shows(m.body())) {
        response.write("data: " + MesosJson.event(m.body()).encode() + "\n\n");
      }
    });
    // The first bytes once the consumer is registered: a client that has them misses no later event.
    consumer.completion().onComplete(ar -> {
      if (!response.ended() && !response.closed()) {
        response.write(": meso master events\nretry: 2000\n\n");
      }
    });
    long timer = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> {
      if (!response.closed()) {
        response.write(": heartbeat\n\n");
      }
    });
    response.closeHandler(v -> {
      vertx.cancelTimer(timer);
      consumer.unregister();
    });
  }
}
