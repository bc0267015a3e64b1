package io.meso.scheduler;

import io.meso.proto.SchedulerGrpcClient;
import io.meso.v1.scheduler.Call;
import io.meso.security.tls.ClientTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;

/**
 * A {@link SchedulerClient} over gRPC to the master's port: the subscription is the
 * server-streaming {@code Scheduler.Subscribe}, every other call a unary {@code Scheduler.Send}.
 * Closing cancels the stream, which the master sees as the subscriber going away. Every Send
 * carries the {@code mesos-stream-id} metadata the Subscribe response's headers gave, which
 * proves the call comes from the framework's current subscription.
 *
 * <p>A master cut off the network (no FIN, no RST) leaves the stream open and silent. The
 * heartbeat watchdog ends a subscription that carried no event for
 * {@link SchedulerClient#DEFAULT_WATCHDOG_INTERVALS} heartbeat intervals (configurable with
 * {@link #withHeartbeatWatchdog}): it closes the HTTP/2 connection the stream was on (so that
 * neither the next subscription nor any call queues on it), moves on to the next master of the
 * list, and reports the loss to the disconnect handler as a master's death is reported. Vert.x
 * 5.0.7 sends no HTTP/2 keepalive PINGs of its own; the master's HEARTBEATs are that keepalive.
 */
public final class GrpcSchedulerClient extends AbstractSchedulerClient {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GrpcSchedulerClient.class);

  /** gRPC metadata naming the subscription a call comes from, as Mesos's {@code Mesos-Stream-Id}. */
  public static final String STREAM_ID_METADATA = io.meso.codecs.Addresses.GRPC_STREAM_ID;

  private final GrpcClient client;
  private final ClientTls tls;
  private final MasterEndpoints masters;
  /**
   * Sends {@code credentials} with the subscription and every call (gRPC metadata
   * {@code authorization}), for a master that requires authentication; null sends none.
   */
  public GrpcSchedulerClient withCredentials(ClientCredentials credentials) {
    this.authorization = credentials == null ? null : credentials.authorization();
    return this;
  }

  /** The stream id of the latest accepted subscription; null before the first. */
  private volatile String streamId;
  /** The Authorization metadata every call carries; null: none. */
  private volatile String authorization;

  /**
   * A client of several masters: a subscription and each call go to the master that answered
   * last, moving on while one is unavailable; after a lost subscription, subscribing again (with
   * the framework id) reaches whichever master is up.
   */
  public GrpcSchedulerClient(Vertx vertx, java.util.List<SocketAddress> masters) {
    this(vertx, masters, null);
  }

  /**
   * A client of masters serving TLS, verifying their certificates with {@code tls} (null:
   * cleartext).
   */
  public GrpcSchedulerClient(Vertx vertx, java.util.List<SocketAddress> masters, ClientTls tls) {
    super(vertx, DEFAULT_WATCHDOG_INTERVALS, DEFAULT_WATCHDOG_MINIMUM_MILLIS);
    this.tls = tls;
    this.client = GrpcCalls.client(vertx, tls);
    this.masters = new MasterEndpoints(masters).onContext(vertx.getOrCreateContext());
  }

  public GrpcSchedulerClient(Vertx vertx, SocketAddress server) {
    this(vertx, java.util.List.of(server));
  }

  public GrpcSchedulerClient(Vertx vertx, String host, int port) {
    this(vertx, SocketAddress.inetSocketAddress(port, host));
  }

  /**
   * Sets the heartbeat watchdog: a subscription that heard no event for {@code intervals}
   * heartbeat intervals (at least 1; 0 turns the watchdog off), and never for less than
   * {@code minimum}, is taken as lost. Applies to the next subscription.
   */
  public GrpcSchedulerClient withHeartbeatWatchdog(double intervals, java.time.Duration minimum) {
    watchdog(intervals, minimum.toMillis());
    return this;
  }

  /** What carries one subscription: its call, and the master it went to. */
  private record Subscription(GrpcClientRequest<Call, ?> request, SocketAddress server) {}

  /** The stream id of the latest accepted subscription (sent with every call), or null before one. */
  public String streamId() {
    return streamId;
  }

  /** The master that answered last. */
  public SocketAddress server() {
    return masters.current();
  }

  @Override
  protected Future<Void> openStream(Call subscribe, Stream stream) {
    return masters.call(server -> openStream(server, subscribe, stream));
  }

  private Future<Void> openStream(SocketAddress server, Call subscribe, Stream stream) {
    return client.request(server, SchedulerGrpcClient.Subscribe)
        .compose(req -> {
          stream.transport = new Subscription(req, server);
          String auth = authorization;
          if (auth != null) {
            req.headers().set(GrpcCalls.AUTHORIZATION_METADATA, auth);
          }
          return req.end(subscribe).compose(v -> req.response());
        })
        .compose(resp -> {
          if (resp.status() != null && resp.status() != GrpcStatus.OK) {
            // Trailers-only answer: the master refused the SUBSCRIBE.
            return Future.<Void>failedFuture(GrpcCalls.fromStatus(resp.status(), resp.statusMessage()));
          }
          String id = resp.headers().get(STREAM_ID_METADATA);
          if (id != null) {
            streamId = id;
          }
          resp.handler(stream::event);
          resp.exceptionHandler(err -> stream.ended(GrpcCalls.toApiException(err, server, tls)));
          resp.endHandler(v -> {
            GrpcStatus status = resp.status();
            stream.ended(status == null || status == GrpcStatus.OK
                ? new ApiException(ApiException.UNAVAILABLE, "the master at " + MasterAddress.format(server)
                    + " ended the event stream")
                : GrpcCalls.fromStatus(status, resp.statusMessage()));
          });
          return Future.<Void>succeededFuture();
        })
        .recover(err -> Future.failedFuture(GrpcCalls.toApiException(err, server, tls)));
  }

  @Override
  protected void closeStream(Stream stream, boolean notifyMaster) {
    // Cancelling is how a gRPC subscriber says it is gone; after an ERROR the server ends the
    // stream itself, and a cancel then is harmless.
    if (stream.transport instanceof Subscription sub) {
      sub.request().cancel();
    }
  }

  @Override
  protected void streamSilent(Stream stream) {
    if (!(stream.transport instanceof Subscription sub)) {
      return;
    }
    // The connection is as silent as the stream: Vert.x would keep it in its pool and queue the
    // next subscription and calls on it, forever. Closed, those calls fail and go elsewhere.
    masters.moveOff(sub.server());
    sub.request().cancel();
    io.vertx.core.http.HttpConnection connection = sub.request().connection();
    if (connection != null) {
      connection.close().onFailure(err -> LOG.debug("closing the silent connection to {} failed: {}",
          MasterAddress.format(sub.server()), err.getMessage()));
    }
    LOG.info("closed the connection to the silent master at {}; next subscription goes to {}",
        MasterAddress.format(sub.server()), MasterAddress.format(masters.current()));
  }

  @Override
  protected Future<Void> send(Call call) {
    java.util.Map<String, String> metadata = new java.util.HashMap<>();
    String id = streamId;
    if (id != null) {
      metadata.put(STREAM_ID_METADATA, id);
    }
    String auth = authorization;
    if (auth != null) {
      metadata.put(GrpcCalls.AUTHORIZATION_METADATA, auth);
    }
    return masters.call(server -> GrpcCalls.unary(client, tls, server, SchedulerGrpcClient.Send, call, metadata)).mapEmpty();
  }

  /** {@inheritDoc} As the Operator service's unary {@code GetTaskUsage}, to the master and with the credentials the calls use. */
  @Override
  public Future<io.meso.proto.GetTaskUsageResponse> taskUsage(io.meso.v1.TaskID taskId) {
    java.util.Map<String, String> metadata = new java.util.HashMap<>();
    String auth = authorization;
    if (auth != null) {
      metadata.put(GrpcCalls.AUTHORIZATION_METADATA, auth);
    }
    io.meso.proto.GetTaskUsageRequest request = taskUsageRequest(taskId);
    return masters.call(server -> GrpcCalls.unary(client, tls, server,
        io.meso.proto.OperatorGrpcClient.GetTaskUsage, request, metadata));
  }

  @Override
  protected Future<Void> release() {
    return client.close();
  }
}
