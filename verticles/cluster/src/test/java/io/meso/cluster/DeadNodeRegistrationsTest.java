package io.meso.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A consumer that a dead member still has in the shared subscription map (its removal by the
 * survivors has not reached it yet) is never picked: every request goes to the live consumer.
 * The stale entry is written into the map as vertx-hazelcast writes its own, for a node id that
 * is no member, which is the state a member's death leaves until the clean-up reaches it.
 */
class DeadNodeRegistrationsTest {

  Vertx node;
  Vertx other;

  @AfterEach
  void close() throws Exception {
    for (Vertx v : new Vertx[] {node, other}) {
      if (v != null) {
        v.close().await(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void requestsSkipTheConsumersOfANodeThatLeft() throws Exception {
    node = MesoCluster.start(ClusterOptions.loopbackForTest()).await(60, TimeUnit.SECONDS);
    node.eventBus().<String>consumer("meso.test.dead-node", msg -> msg.reply("live")).completion()
        .await(30, TimeUnit.SECONDS);
    // The event bus now caches the address's consumers, and learns of the stale one as an update.
    assertThat(node.eventBus().request("meso.test.dead-node", "ping").await(30, TimeUnit.SECONDS).body())
        .isEqualTo("live");
    MesoCluster.hazelcast(node).getMultiMap("__vertx.subs").put("meso.test.dead-node",
        new HazelcastRegistrationInfo(new RegistrationInfo("a-node-that-died", 1, false)));

    // The update (a Hazelcast entry event) comes asynchronously; a first lookup without cache is covered too.
    List<Object> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      try {
        answers.add(node.eventBus().request("meso.test.dead-node", "ping", new DeliveryOptions().setSendTimeout(5_000))
            .await(30, TimeUnit.SECONDS).body());
      } catch (Exception e) {
        answers.add(e.toString());
      }
    }
    assertThat(answers).containsOnly("live").hasSize(8);
  }

  /**
   * Addresses whose consumers the event bus cached while a second node was alive: the moment
   * that node is no member, no request to them goes to it any more, although the survivor's
   * clean-up of its thousands of subscriptions (as a master's agent gateway holds) has not reached
   * them yet. The other node dies as a killed one looks from outside: its Hazelcast member is
   * terminated (no goodbye, no clean-up of its own entries) and its consumers stop answering.
   */
  @Test
  void aCachedSelectionStopsPickingANodeOnceItIsNoMember() throws Exception {
    ClusterOptions a = ClusterOptions.loopbackForTest();
    node = MesoCluster.start(a).await(60, TimeUnit.SECONDS);
    other = MesoCluster.start(ClusterOptions.loopbackForTest().setClusterName(a.getClusterName())
        .setJoin(List.of("127.0.0.1:" + MesoCluster.memberPort(node)))).await(60, TimeUnit.SECONDS);
    int shared = 100;
    int fillers = 3000;
    java.util.concurrent.atomic.AtomicBoolean dead = new java.util.concurrent.atomic.AtomicBoolean();
    List<io.vertx.core.Future<Void>> registered = new ArrayList<>();
    for (int i = 0; i < shared; i++) {
      String address = "meso.test.shared." + i;
      registered.add(node.eventBus().<String>consumer(address, msg -> msg.reply("survivor")).completion());
      registered.add(other.eventBus().<String>consumer(address, msg -> {
        if (!dead.get()) {
          msg.reply("other");
        }
      }).completion());
    }
    for (int i = 0; i < fillers; i++) {
      registered.add(other.eventBus().consumer("meso.test.filler." + i, msg -> {}).completion());
    }
    io.vertx.core.Future.all(registered).await(120, TimeUnit.SECONDS);
    // Both consumers of every shared address answer the survivor: its event bus caches both.
    for (int i = 0; i < shared; i++) {
      String address = "meso.test.shared." + i;
      java.util.Set<Object> from = new java.util.HashSet<>();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollDelay(java.time.Duration.ZERO)
          .pollInterval(java.time.Duration.ofMillis(1)).until(() -> {
        from.add(node.eventBus().request(address, "ping").await(30, TimeUnit.SECONDS).body());
        return from.size() == 2;
      });
    }

    dead.set(true);
    MesoCluster.hazelcast(other).getLifecycleService().terminate();
    // Once the survivor's cluster manager has taken note of the death (at its membership event at
    // the latest, before the clean-up of the dead node's subscriptions starts):
    LiveNodesClusterManager manager = (LiveNodesClusterManager) ((io.vertx.core.internal.VertxInternal) node)
        .clusterManager();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
        .pollInterval(java.time.Duration.ofMillis(1))
        .until(() -> manager.checkedMembers() != null && manager.checkedMembers().size() == 1);
    int staleAtDetection = MesoCluster.hazelcast(node).getMultiMap("__vertx.subs").size();

    // Two requests to every shared address at once: a round robin over both consumers would send
    // one of each pair to the dead node, where it would time out.
    List<io.vertx.core.Future<Object>> answers = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < shared; i++) {
        answers.add(node.eventBus().request("meso.test.shared." + i, "ping",
            new DeliveryOptions().setSendTimeout(5_000)).map(m -> m.body()));
      }
    }
    io.vertx.core.Future.join(answers).otherwiseEmpty().await(60, TimeUnit.SECONDS);
    List<String> failures = answers.stream().filter(io.vertx.core.Future::failed)
        .map(f -> f.cause().toString()).distinct().toList();
    assertThat(failures).as("failures, with %d subscriptions in the map when the death was seen", staleAtDetection)
        .isEmpty();
    assertThat(answers).allMatch(f -> "survivor".equals(f.result()));
  }
}
