package io.meso.api.server;

import static io.meso.api.server.ApiServerVerticleTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.proto.SchedulerGrpcClient;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.scheduler.SchedulerClient;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.scheduler.Call;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Only a framework's current subscription may act for it, on the gRPC and event-bus doors (the
 * HTTP door's Mesos-Stream-Id is in {@code SchedulerHttpApiTest}): a Send without the
 * {@code mesos-stream-id} metadata, with a made-up one, with another framework's or with a
 * superseded subscription's is refused, naming the framework, and changes nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubscriptionProofTest {

  static Vertx vertx;
  static SocketAddress address;
  final List<SchedulerClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setHeartbeatIntervalMillis(60_000)))
        .await(30, TimeUnit.SECONDS);
    ApiServerVerticle api = new ApiServerVerticle(new ApiServerOptions().setPort(0));
    vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
    address = SocketAddress.inetSocketAddress(api.actualPort(), "127.0.0.1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(SchedulerClient::close);
  }

  private <C extends SchedulerClient> C subscribed(C client, String name) throws Exception {
    clients.add(client);
    client.subscribe(FrameworkInfo.newBuilder().setName(name).setUser("").setFailoverTimeout(60).build(), e -> { })
        .await(30, TimeUnit.SECONDS);
    return client;
  }

  private static Call teardown(FrameworkID id) {
    return Call.newBuilder().setType(Call.Type.TEARDOWN).setFrameworkId(id).build();
  }

  /** A raw gRPC Send, with the given mesos-stream-id metadata (none when null). */
  private static GrpcClientResponse<Call, ?> rawSend(Call call, String streamId) throws Exception {
    GrpcClient grpc = GrpcClient.client(vertx);
    try {
      return grpc.request(address, SchedulerGrpcClient.Send)
          .compose(req -> {
            if (streamId != null) {
              req.headers().set("mesos-stream-id", streamId);
            }
            return req.end(call).compose(v -> req.response());
          })
          .compose(r -> r.end().transform(ar -> Future.succeededFuture(r)))
          .await(10, TimeUnit.SECONDS);
    } finally {
      grpc.close();
    }
  }

  /** The framework is still subscribed: its own client's call is accepted. */
  private static void stillSubscribed(SchedulerClient client) throws Exception {
    client.call(Call.newBuilder().setType(Call.Type.REVIVE).build()).await(10, TimeUnit.SECONDS);
  }

  @Test
  void aGrpcSendWithoutOrWithAMadeUpStreamIdIsRefusedAndChangesNothing() throws Exception {
    GrpcSchedulerClient victim = subscribed(new GrpcSchedulerClient(vertx, address), "proof-victim");
    FrameworkID id = victim.frameworkId();

    GrpcClientResponse<Call, ?> none = rawSend(teardown(id), null);
    assertThat(none.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
    assertThat(none.statusMessage()).contains(id.getValue(), "mesos-stream-id");

    String madeUp = UUID.randomUUID().toString();
    GrpcClientResponse<Call, ?> wrong = rawSend(teardown(id), madeUp);
    assertThat(wrong.status()).isEqualTo(GrpcStatus.PERMISSION_DENIED);
    assertThat(wrong.statusMessage()).contains(id.getValue(), madeUp);

    stillSubscribed(victim);
  }

  @Test
  void oneGrpcFrameworkCannotActForAnother() throws Exception {
    GrpcSchedulerClient victim = subscribed(new GrpcSchedulerClient(vertx, address), "proof-victim-2");
    GrpcSchedulerClient attacker = subscribed(new GrpcSchedulerClient(vertx, address), "proof-attacker");

    for (Call.Type type : List.of(Call.Type.TEARDOWN, Call.Type.SUPPRESS, Call.Type.KILL)) {
      Call call = Call.newBuilder().setType(type).setFrameworkId(victim.frameworkId()).build();
      ApiException e = failure(attacker.call(call));
      assertThat(e.code()).as("%s for another framework", type).isEqualTo(403);
      assertThat(e.getMessage()).contains(victim.frameworkId().getValue());
    }
    stillSubscribed(victim);
    stillSubscribed(attacker);
  }

  @Test
  void aSupersededSubscriptionCannotActForTheFramework() throws Exception {
    GrpcSchedulerClient first = subscribed(new GrpcSchedulerClient(vertx, address), "proof-failover");
    FrameworkID id = first.frameworkId();
    GrpcSchedulerClient second = new GrpcSchedulerClient(vertx, address);
    clients.add(second);
    second.subscribe(FrameworkInfo.newBuilder().setName("proof-failover").setUser("").setFailoverTimeout(60)
        .setId(id).build(), e -> { }).await(30, TimeUnit.SECONDS);

    ApiException e = failure(first.call(teardown(id)));
    assertThat(e.code()).isEqualTo(403);
    stillSubscribed(second);
  }

  @Test
  void anUnknownCallTypeNumberIsNamedWithTheAllowedTypes() throws Exception {
    GrpcClient grpc = GrpcClient.client(vertx);
    try {
      GrpcClientResponse<io.vertx.core.buffer.Buffer, io.vertx.core.buffer.Buffer> resp = grpc.request(address)
          .compose(req -> {
            req.fullMethodName("meso.api.Scheduler/Send");
            req.headers().set("mesos-stream-id", UUID.randomUUID().toString());
            // Call { framework_id { value: "f" } type: 99 }
            return req.end(io.vertx.core.buffer.Buffer.buffer(new byte[] {0x0a, 0x03, 0x0a, 0x01, 'f', 0x10, 99}))
                .compose(v -> req.response());
          })
          .compose(r -> r.end().transform(ar -> Future.succeededFuture(r)))
          .await(10, TimeUnit.SECONDS);
      assertThat(resp.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(resp.statusMessage()).contains("call.type 99", "SUBSCRIBE", "RECONCILE");
    } finally {
      grpc.close();
    }
  }

  @Test
  void oneEventBusFrameworkCannotActForAnother() throws Exception {
    EventBusSchedulerClient victim = subscribed(new EventBusSchedulerClient(vertx), "proof-bus-victim");
    EventBusSchedulerClient attacker = subscribed(new EventBusSchedulerClient(vertx), "proof-bus-attacker");

    ApiException e = failure(attacker.call(teardown(victim.frameworkId())));
    assertThat(e.code()).isEqualTo(403);
    assertThat(e.getMessage()).contains(victim.frameworkId().getValue());
    stillSubscribed(victim);
  }
}
