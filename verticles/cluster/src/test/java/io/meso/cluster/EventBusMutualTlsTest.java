package io.meso.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.security.tls.MutualTls;
import io.meso.testkit.TestCerts;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS on the event bus, on a real Hazelcast cluster on 127.0.0.1: two nodes with
 * certificates from the cluster's CA talk; a third that joins Hazelcast (same cluster name, no
 * certificate, or one from another CA) and registers consumers neither receives what the others
 * send to it nor gets its own sends through.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EventBusMutualTlsTest {

  @TempDir
  Path dir;
  final List<Vertx> nodes = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Vertx node : nodes) {
      node.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aNodeWithoutACertificateGetsNothingAndSendsNothing() throws Exception {
    TestCerts ca = TestCerts.authority(dir.resolve("ca"), "cluster");
    strangerIsShutOut(ca, null);
  }

  @Test
  void aNodeWithACertificateFromAnotherCaGetsNothingAndSendsNothing() throws Exception {
    TestCerts ca = TestCerts.authority(dir.resolve("ca"), "cluster");
    TestCerts other = TestCerts.authority(dir.resolve("other"), "other");
    TestCerts.Issued stranger = other.issue("stranger");
    strangerIsShutOut(ca, MutualTls.load(stranger.cert(), stranger.key(), other.caCert()));
  }

  private void strangerIsShutOut(TestCerts ca, MutualTls strangerTls) throws Exception {
    TestCerts.Issued a = ca.issue("node-a");
    TestCerts.Issued b = ca.issue("node-b");
    String cluster = "meso-test-ebtls-" + UUID.randomUUID();
    Vertx nodeA = start(ClusterOptions.loopbackForTest().setClusterName(cluster)
        .setEventBusTls(MutualTls.load(a.cert(), a.key(), ca.caCert())));
    String join = "127.0.0.1:" + MesoCluster.memberPort(nodeA);
    Vertx nodeB = start(ClusterOptions.loopbackForTest().setClusterName(cluster).setJoin(List.of(join))
        .setEventBusTls(MutualTls.load(b.cert(), b.key(), ca.caCert())));
    Vertx stranger = start(ClusterOptions.loopbackForTest().setClusterName(cluster).setJoin(List.of(join))
        .setEventBusTls(strangerTls));
    // The stranger is a Hazelcast member like the others: membership alone is not the fence.
    assertThat(MesoCluster.hazelcast(stranger).getCluster().getMembers()).hasSize(3);

    AtomicInteger atA = new AtomicInteger();
    AtomicInteger atStranger = new AtomicInteger();
    AtomicInteger strangerGotBroadcast = new AtomicInteger();
    AtomicInteger bGotBroadcast = new AtomicInteger();
    consume(nodeA, "tls.a", atA);
    consume(nodeB, "tls.b", new AtomicInteger());
    consume(stranger, "tls.stranger", atStranger);
    consume(stranger, "tls.all", strangerGotBroadcast);
    consume(nodeB, "tls.all", bGotBroadcast);
    // Every node sees every consumer: a failure below is TLS, not "no handlers yet".
    for (Vertx node : List.of(nodeA, nodeB, stranger)) {
      for (String address : List.of("tls.a", "tls.b", "tls.stranger")) {
        await().atMost(Duration.ofSeconds(60)).until(() -> registrations(node, address) > 0);
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> registrations(node, "tls.all") == 2);
    }

    // The two nodes with the CA's certificates talk, both ways.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(request(nodeA, "tls.b").succeeded()).isTrue());
    assertThat(request(nodeB, "tls.a").succeeded()).isTrue();
    assertThat(atA.get()).isEqualTo(1);

    // A node sending to the stranger, and the stranger to a node, side by side: neither message
    // arrives (each request waits out its timeout; running them together halves the wait).
    Future<Object> toStranger = send(nodeA, "tls.stranger", 5_000);
    Future<Object> fromStranger = send(stranger, "tls.a", 5_000);
    // A broadcast reaches the node with a certificate, never the stranger.
    nodeA.eventBus().publish("tls.all", "news");
    stranger.eventBus().publish("tls.all", "forged");
    await().atMost(Duration.ofSeconds(60)).until(() -> bGotBroadcast.get() == 1);
    // Its own local consumer gets its own publish: once that happened, the remote one had its chance.
    await().atMost(Duration.ofSeconds(60)).until(() -> strangerGotBroadcast.get() == 1);
    for (Future<Object> shutOut : List.of(toStranger, fromStranger)) {
      waitFor(shutOut);
      assertThat(shutOut.failed()).isTrue();
      assertThat(failureType(shutOut)).isNotEqualTo(ReplyFailure.NO_HANDLERS);
    }

    // Only now the counts: what the stranger sent was never delivered to A or B.
    assertThat(atStranger.get()).isZero();
    assertThat(atA.get()).isEqualTo(1);
    assertThat(request(nodeA, "tls.b").succeeded()).isTrue();
    assertThat(bGotBroadcast.get()).isEqualTo(1);
  }

  private Vertx start(ClusterOptions options) throws Exception {
    Vertx vertx = MesoCluster.start(options).await(120, TimeUnit.SECONDS);
    nodes.add(vertx);
    return vertx;
  }

  private static void consume(Vertx vertx, String address, AtomicInteger count) throws Exception {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, m -> {
      count.incrementAndGet();
      m.reply("ok");
    });
    consumer.completion().await(60, TimeUnit.SECONDS);
  }

  private static int registrations(Vertx vertx, String address) throws Exception {
    Promise<List<RegistrationInfo>> found = Promise.promise();
    ((VertxInternal) vertx).clusterManager().getRegistrations(address, found);
    return found.future().await(30, TimeUnit.SECONDS).size();
  }

  /** A request with a 10 s timeout, waited for; the returned future is complete. */
  private static Future<Object> request(Vertx vertx, String address) {
    return waitFor(send(vertx, address, 10_000));
  }

  private static Future<Object> send(Vertx vertx, String address, long timeoutMillis) {
    return vertx.eventBus().request(address, "hello", new DeliveryOptions().setSendTimeout(timeoutMillis))
        .map(m -> m.body());
  }

  private static Future<Object> waitFor(Future<Object> reply) {
    try {
      reply.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Inspected by the caller.
    }
    assertThat(reply.isComplete()).isTrue();
    return reply;
  }

  private static ReplyFailure failureType(Future<?> failed) {
    return failed.cause() instanceof ReplyException reply ? reply.failureType() : null;
  }
}
