package io.meso.services.api;

import io.meso.services.runtime.ServicesFramework;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The /v2 API of a {@link ServicesFramework} as routes on a Vert.x Web {@link Router}: mount it on
 * the HTTP server that should serve it. App ids contain slashes, so everything under
 * {@code /v2/apps/} is one route that reads the id and the sub-resource ({@code /restart},
 * {@code /versions[/ts]}, {@code /tasks[/taskId]}) from the path itself ({@link AppsRoutes}), and
 * so is everything under {@code /v2/groups} ({@link GroupsRoutes}); the array forms of PUT and
 * PATCH {@code /v2/apps} are {@link AppArrayRoutes}; the rest is in {@link ClusterRoutes}. Paths
 * are percent-decoded before the id is read ({@link #decodePath}).
 */
public final class ServicesApi {

  private static final Logger LOG = LoggerFactory.getLogger(ServicesApi.class);

  /** The largest request body accepted. */
  public static final long MAX_BODY_BYTES = 1024 * 1024;

  private ServicesApi() {}

  /** A new router serving the API of {@code framework}, which runs here alone (tests, embedding). */
  public static Router router(Vertx vertx, ServicesFramework framework) {
    Router router = Router.router(vertx);
    mount(vertx, router, ServicesLeader.alone(framework, () -> null));
    return router;
  }

  /**
   * Adds the API's routes to {@code router}: served here while {@code leader} says the framework
   * runs here, forwarded to the leading master otherwise ({@link LeaderProxy}).
   */
  public static void mount(Vertx vertx, Router router, ServicesLeader leader) {
    mount(vertx, router, leader, io.meso.security.acl.Acls.allowAll());
  }

  /**
   * {@link #mount(Vertx, Router, ServicesLeader)} with ACLs: writes need update_apps (and run_tasks
   * for an app's user), reads view_apps ({@link Guard}); the principal is the HTTP gate's.
   */
  public static void mount(Vertx vertx, Router router, ServicesLeader leader, io.meso.security.acl.Acls acls) {
    Guard guard = new Guard(acls);
    router.route("/v2/*").handler(ctx -> {
      ctx.put(Guard.KEY, guard);
      ctx.next();
    });
    router.route("/v2/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
    router.route("/v2/*").handler(new LeaderProxy(vertx, leader)::handle);
    router.get("/ping").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8")
        .end("pong"));
    AppsRoutes apps = new AppsRoutes();
    ClusterRoutes cluster = new ClusterRoutes(leader);
    router.get("/v2/apps").handler(ctx -> answer(ctx, s -> apps.list(ctx, s)));
    router.post("/v2/apps").handler(ctx -> answer(ctx, s -> apps.create(ctx, s)));
    router.put("/v2/apps").handler(ctx -> answer(ctx, s -> AppArrayRoutes.update(ctx, s, false)));
    router.patch("/v2/apps").handler(ctx -> answer(ctx, s -> AppArrayRoutes.update(ctx, s, true)));
    router.routeWithRegex("/v2/apps/(.+)").handler(ctx -> answer(ctx, s -> apps.one(ctx, s)));
    GroupsRoutes groups = new GroupsRoutes();
    router.routeWithRegex("/v2/groups(/.*)?").handler(ctx -> answer(ctx, s -> groups.handle(ctx, s)));
    router.get("/v2/tasks").handler(ctx -> answer(ctx, s -> TaskRoutes.tasks(ctx, s)));
    router.post("/v2/tasks/delete").handler(ctx -> answer(ctx, s -> TaskRoutes.delete(ctx, s)));
    router.get("/v2/deployments").handler(ctx -> answer(ctx, s -> cluster.deployments(ctx, s)));
    router.delete("/v2/deployments/:id").handler(ctx -> answer(ctx, s -> cluster.cancelDeployment(ctx, s)));
    router.get("/v2/queue").handler(ctx -> answer(ctx, s -> cluster.queue(ctx, s)));
    router.routeWithRegex(HttpMethod.DELETE, "/v2/queue/(.+)/delay").handler(ctx -> answer(ctx,
        s -> cluster.resetDelay(ctx, s)));
    router.get("/v2/events").handler(ctx -> {
      // The event stream is not filtered per app: only a principal who may view every app gets it.
      try {
        Guard.of(ctx).view(ctx, io.meso.services.app.PathId.absolute("/"));
      } catch (io.meso.security.acl.AccessDenied e) {
        Guard.refusal(e).send(ctx);
        return;
      }
      EventsRoute.handle(ctx, framework(ctx));
    });
    router.get("/v2/info").handler(ctx -> answer(ctx, s -> cluster.info(ctx, framework(ctx))));
    router.get("/v2/leader").handler(ctx -> answer(ctx, s -> cluster.leader(ctx)));
    // Last: whatever else is asked under /v2 gets a JSON answer too. marathon-client Gson-parses
    // the body of every 4xx and fails with an exception of its own (not a MarathonException) on
    // HTML or an empty body.
    router.route("/v2/*").handler(ctx -> Reply.message(404, "URI not found").send(ctx));
    router.route("/v2/*").failureHandler(ServicesApi::failed);
  }

  /** A failure before a route answered (the body too large, a bug): a JSON message with its status. */
  private static void failed(RoutingContext ctx) {
    int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
    String message = status == 413 ? "Request body too large: at most " + MAX_BODY_BYTES + " bytes"
        : ctx.failure() != null ? "Request failed: " + ctx.failure().getMessage()
        : "Request failed with status " + status;
    if (status >= 500) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    if (!ctx.response().headWritten()) {
      Reply.message(status, message).send(ctx);
    }
  }

  /** The framework {@link LeaderProxy} found serving this request here. */
  static ServicesFramework framework(RoutingContext ctx) {
    return ctx.get(LeaderProxy.FRAMEWORK);
  }

  /**
   * Computes the reply on the framework's loop and sends it once what it changed is saved; a
   * framework that stopped meanwhile (deposed) is a 503, a bug a 500 with a message.
   */
  private static void answer(RoutingContext ctx, Function<ServicesFramework.State, Reply> handler) {
    Future<Reply> reply = framework(ctx).onLoop(handler);
    reply.onComplete(ar -> {
      if (ar.succeeded()) {
        ar.result().send(ctx);
      } else if (ar.cause() instanceof io.meso.security.acl.AccessDenied e) {
        LOG.info("{} {} refused: {}", ctx.request().method(), ctx.request().path(), e.getMessage());
        Guard.refusal(e).send(ctx);
      } else if (ar.cause() instanceof ServicesFramework.NotLeadingException e) {
        LOG.warn("{} {} not served: {}", ctx.request().method(), ctx.request().path(), e.getMessage());
        Reply.message(503, "Not the leader any more: " + e.getMessage() + "; try again").send(ctx);
      } else {
        LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ar.cause());
        Reply.message(500, "Internal error: " + ar.cause().getMessage()).send(ctx);
      }
    });
  }

  /**
   * A raw URL path with its percent-escapes decoded (UTF-8), as Marathon's Jersey decodes path
   * parameters: Feign-based clients (marathon-client) send {@code :} in versions as {@code %3A}
   * and may send the slashes of app ids as {@code %2F}. A {@code +} stays a plus. Null if an
   * escape is malformed.
   */
  static String decodePath(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    try {
      return java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A boolean query parameter; absent means {@code otherwise}. */
  static boolean flag(RoutingContext ctx, String name, boolean otherwise) {
    String v = ctx.request().getParam(name);
    return v == null || v.isEmpty() ? otherwise : Boolean.parseBoolean(v);
  }
}
