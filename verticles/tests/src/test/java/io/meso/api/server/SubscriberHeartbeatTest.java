package io.meso.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The master heartbeats subscribers as event-bus requests and disconnects one that does not
 * answer; a gRPC subscription answers for its client. With a 300 ms interval, a subscriber
 * whose heartbeats went unanswered would be disconnected after the first one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubscriberHeartbeatTest {

  private Vertx vertx;
  private SocketAddress address;

  @BeforeEach
  void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setHeartbeatIntervalMillis(300)))
        .await(30, TimeUnit.SECONDS);
    ApiServerVerticle api = new ApiServerVerticle(new ApiServerOptions().setPort(0));
    vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
    address = SocketAddress.inetSocketAddress(api.actualPort(), "127.0.0.1");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void heartbeatsReachTheClientAndAreAnsweredSoTheFrameworkStaysConnected() throws Exception {
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, address);
    List<Event> events = new CopyOnWriteArrayList<>();
    FrameworkID id = client.subscribe(FrameworkInfo.newBuilder().setName("heartbeats").setUser("me")
        .setFailoverTimeout(60).build(), events::add).await(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> events.stream().filter(e -> e.getType() == Event.Type.HEARTBEAT).count() >= 3);
    assertThat(ApiServerEndToEndTest.connected(vertx, address, id)).isTrue();
    client.close();
  }
}
