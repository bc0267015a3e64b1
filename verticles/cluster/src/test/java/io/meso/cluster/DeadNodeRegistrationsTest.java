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

  @AfterEach
  void close() throws Exception {
    if (node != null) {
      node.close().await(60, TimeUnit.SECONDS);
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
}
