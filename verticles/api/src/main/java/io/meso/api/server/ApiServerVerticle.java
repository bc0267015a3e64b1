package io.meso.api.server;

import io.meso.api.http.LeaderLookup;
import io.meso.api.http.SchedulerHttpApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.grpc.server.GrpcServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's one HTTP port. HTTP/1.1 and cleartext HTTP/2 share it (or, given a certificate in
 * {@link ApiServerOptions#setTls}, HTTP/1.1 and HTTP/2 over TLS chosen by ALPN): requests whose
 * content type is {@code application/grpc*} go to the gRPC Scheduler and Operator services,
 * everything else to {@link #router()}, which answers {@code GET /health} and a plain 404, and
 * which other parts of Meso extend with their own routes.
 *
 * <p>The verticle holds no cluster state: every call is forwarded on the event bus to the
 * master, wherever it runs.
 */
public class ApiServerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServerVerticle.class);
  private static final String GRPC_CONTENT_TYPE = "application/grpc";

  private final ApiServerOptions options;
  private Router router;
  private GrpcServer grpc;
  private HttpServer server;
  private SchedulerEndpoint scheduler;
  private SchedulerHttpApi schedulerHttp;
  private io.meso.codecs.MasterRequests masterRequests;
  private io.meso.security.http.HttpGate gate;
  private volatile LeaderLookup leaderLookup = LeaderLookup.SELF;

  public ApiServerVerticle(ApiServerOptions options) {
    this.options = new ApiServerOptions(options);
  }

  public ApiServerVerticle() {
    this(new ApiServerOptions());
  }

  @Override
  public void init(Vertx vertx, Context context) {
    super.init(vertx, context);
    router = Router.router(vertx);
    // First route: a malformed query (path=%zz) is a 400 naming the parameter, not a 500 from
    // whichever handler reads it.
    router.route().handler(ctx -> {
      String refusal = QueryCheck.malformed(ctx.request().query());
      if (refusal != null) {
        plain(ctx, 400, refusal + "\n");
      } else {
        ctx.next();
      }
    });
    router.get("/health").handler(ctx -> plain(ctx, 200, "OK"));
    router.errorHandler(404, ctx -> plain(ctx, 404,
        "not found: " + ctx.request().method() + " " + ctx.request().path() + "\n"));
    router.errorHandler(405, ctx -> plain(ctx, 405,
        "method " + ctx.request().method() + " not allowed on " + ctx.request().path() + "\n"));
    router.errorHandler(500, ctx -> {
      LOG.warn("http handler failed path={}", ctx.request().path(), ctx.failure());
      plain(ctx, 500, "internal error\n");
    });
  }

  @Override
  public Future<?> start() {
    gate = new io.meso.security.http.HttpGate(vertx,
        new io.meso.security.authn.HostCheck(options.getHost(), options.getAllowedHosts()), options.getAuthenticator(),
        io.meso.security.http.HttpGate.MASTER_PROBES);
    grpc = GrpcServer.server(vertx);
    masterRequests = new io.meso.codecs.MasterRequests(vertx);
    scheduler = new SchedulerEndpoint(masterRequests, options.getMasterTimeoutMillis());
    scheduler.bind(grpc);
    // Mesos's v1 scheduler HTTP API: the third door to the same scheduler session model.
    schedulerHttp = new SchedulerHttpApi(masterRequests, options.getMasterTimeoutMillis(), leaderLookup,
        SchedulerHttpApi.DEFAULT_BODY_LIMIT_BYTES);
    schedulerHttp.mount(router);
    new OperatorEndpoint(masterRequests, options.getMasterTimeoutMillis()).bind(grpc);
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(options.getHost())
        .setPort(options.getPort())
        .setHttp2ClearTextEnabled(true)
        // Slowloris: a connection quiet both ways this long is closed, including one that never
        // finished its headers. Not a header-only bound: with h2c prior knowledge on, Vert.x makes
        // an HTTP/1 connection (and calls a connection handler) only once the first request's
        // headers are in, so nothing can time the header phase of a new connection. Streams stay
        // open by their heartbeats (see ApiServerOptions#DEFAULT_IDLE_TIMEOUT_MILLIS).
        .setIdleTimeout((int) options.getIdleTimeoutMillis())
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    if (options.getTls() != null) {
      // TLS: HTTP/2 (gRPC) and HTTP/1.1 by ALPN, the same dispatch behind it.
      options.getTls().apply(serverOptions);
    }
    server = vertx.createHttpServer(serverOptions);
    server.requestHandler(this::dispatch);
    return server.listen()
        .onSuccess(s -> LOG.info("api server listening host={} port={} scheme={}", options.getHost(), s.actualPort(),
            options.scheme()))
        .onFailure(err -> LOG.error("api server cannot listen host={} port={}: {}", options.getHost(),
            options.getPort(), err.getMessage()));
  }

  @Override
  public Future<?> stop() {
    if (scheduler != null) {
      scheduler.closeAll();
    }
    if (schedulerHttp != null) {
      schedulerHttp.closeAll();
    }

    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * Where scheduler HTTP calls go when this master is a standby (307 to the leader); set before
   * deploying. The default serves every call here.
   */
  public ApiServerVerticle setLeaderLookup(LeaderLookup leaderLookup) {
    this.leaderLookup = leaderLookup == null ? LeaderLookup.SELF : leaderLookup;
    return this;
  }

  /** The router for everything that is not gRPC; available once the verticle is deployed (from {@code init}). */
  public Router router() {
    return router;
  }

  /** The bound port (useful when the options asked for port 0), or -1 before the server listens. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  public ApiServerOptions options() {
    return new ApiServerOptions(options);
  }

  /** The gate (Host/Origin, then credentials) first, for gRPC and every route alike. */
  private void dispatch(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.regionMatches(true, 0, GRPC_CONTENT_TYPE, 0, GRPC_CONTENT_TYPE.length())) {
      gate.handle(request, true, gated -> grpc.handle(CompressedFrameGuard.wrap(gated)));
    } else {
      gate.handle(request, false, router::handle);
    }
  }

  private static void plain(RoutingContext ctx, int status, String body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(body);
  }
}
