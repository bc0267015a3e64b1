package io.meso.api.server;

import io.meso.testkit.OnContext;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.cluster.MesoCluster;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.scheduler.Call;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.meso.proto.SchedulerGrpcClient;
import io.meso.v1.scheduler.Event;
import io.vertx.grpc.common.GrpcStatus;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The API server on its own, with no master on the event bus: the HTTP side, and that bad or
 * unanswerable gRPC calls get a status instead of breaking anything. Calls the master answers
 * are in {@link ApiServerEndToEndTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiServerVerticleTest {

  private Vertx vertx;
  private ApiServerVerticle server;
  private SocketAddress address;

  @BeforeEach
  void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    server = new ApiServerVerticle(new ApiServerOptions().setPort(0).setMasterTimeoutMillis(2_000));
    vertx.deployVerticle(server).await(30, TimeUnit.SECONDS);
    assertThat(server.actualPort()).isPositive();
    address = SocketAddress.inetSocketAddress(server.actualPort(), "127.0.0.1");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private record Answer(int status, String body) {}

  private Answer get(HttpVersion version, String path) throws Exception {
    var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(version)
        .setHttp2ClearTextUpgrade(false));
    return io.meso.testkit.OnContext.run(vertx, () -> client.request(HttpMethod.GET, address.port(), "127.0.0.1", path)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> new Answer(resp.statusCode(), body.toString())))
        .eventually(client::close))
        .await(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(value = HttpVersion.class, names = {"HTTP_1_1", "HTTP_2"})
  void healthIsOkOverHttp1AndCleartextHttp2(HttpVersion version) throws Exception {
    assertThat(get(version, "/health")).isEqualTo(new Answer(200, "OK"));
  }

  @Test
  void unknownPathIsAShortPlain404() throws Exception {
    Answer answer = get(HttpVersion.HTTP_1_1, "/no/such/thing");
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.body()).isEqualTo("not found: GET /no/such/thing\n");
  }

  @Test
  void routesAddedToTheRouterAreServed() throws Exception {
    server.router().get("/extra").handler(ctx -> ctx.response().end("extra"));
    assertThat(get(HttpVersion.HTTP_1_1, "/extra")).isEqualTo(new Answer(200, "extra"));
  }

  @Test
  void sendWithoutAMasterIsUnavailable() {
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, address);
    try {
      Future<Void> sent = client.call(Call.newBuilder().setType(Call.Type.TEARDOWN)
          .setFrameworkId(FrameworkID.newBuilder().setValue("f1")).build());
      ApiException e = failure(sent);
      assertThat(e.code()).isEqualTo(503);
      assertThat(e.unreachable()).isFalse();
      assertThat(e.getMessage()).contains("no master is leading");
    } finally {
      client.close();
    }
  }

  @Test
  void subscribeWithoutAMasterFailsTheSubscription() {
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, address);
    try {
      ApiException e = failure(client.subscribe(FrameworkInfo.newBuilder().setName("f").setUser("u").build(), ev -> { }));
      assertThat(e.code()).isEqualTo(503);
      assertThat(e.getMessage()).contains("no master is leading");
    } finally {
      client.close();
    }
  }

  @Test
  void subscribeTakesOnlySubscribeCalls() throws Exception {
    GrpcClient grpc = GrpcClient.client(vertx);
    try {
      GrpcClientResponse<Call, Event> resp = io.meso.testkit.OnContext.run(vertx, () -> grpc.request(address,
              SchedulerGrpcClient.Subscribe)
          .compose(req -> req.end(Call.newBuilder().setType(Call.Type.TEARDOWN).build()).compose(v -> req.response()))
          .compose(r -> r.end().transform(ar -> Future.succeededFuture(r))))
          .await(10, TimeUnit.SECONDS);
      assertThat(resp.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(resp.statusMessage()).isEqualTo(
          "Subscribe takes a call of type SUBSCRIBE, got type TEARDOWN; send other calls with Send");
    } finally {
      grpc.close();
    }
  }

  @Test
  void aMalformedMessageIsInvalidArgumentAndTheServerCarriesOn() throws Exception {
    GrpcClient grpc = GrpcClient.client(vertx);
    try {
      GrpcClientResponse<Buffer, Buffer> resp = grpc.request(address)
          .compose(req -> {
            req.fullMethodName("meso.api.Scheduler/Send");
            // Field 1 (framework_id) as a length-delimited field claiming 100 bytes that are not there.
            return req.end(Buffer.buffer(new byte[] {0x0a, 0x64, 0x01})).compose(v -> req.response());
          })
          .compose(r -> r.end().transform(ar -> Future.succeededFuture(r)))
          .await(10, TimeUnit.SECONDS);
      assertThat(resp.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(resp.statusMessage()).startsWith("the meso.api.Scheduler/Send request is not a valid mesos.v1.scheduler.Call: ");
    } finally {
      grpc.close();
    }
    assertThat(get(HttpVersion.HTTP_1_1, "/health").status()).isEqualTo(200);
  }

  static ApiException failure(Future<?> future) {
    try {
      future.await(20, TimeUnit.SECONDS);
    } catch (ApiException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected an ApiException, got " + e, e);
    }
    throw new AssertionError("expected the call to fail, it succeeded");
  }
}
