package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.ha.LeaderElection;
import io.meso.ha.Registry;
import io.meso.it.FrameworkRecorder;
import io.meso.v1.AgentInfo;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A master just after a failover, on one clustered node: the registry holds what a previous
 * leader (token 0) left, and a standby master is deployed and elected. A test registers it as a
 * {@code @RegisterExtension} field and calls {@link #start()}; after the test it stands the master
 * down and stops the node.
 */
final class OneNodeFailover implements AfterEachCallback {

  Vertx node;
  Registry registry;
  private LeaderElection election;

  /** Starts the clustered node (a loopback cluster of its own). */
  OneNodeFailover start() throws Exception {
    return start(ClusterOptions.loopbackForTest());
  }

  /** Starts the clustered node with these options (e.g. a cluster secret). */
  OneNodeFailover start(ClusterOptions options) throws Exception {
    node = MesoCluster.start(options).await(60, TimeUnit.SECONDS);
    registry = new Registry(MesoCluster.hazelcast(node));
    return this;
  }

  /** Records {@code agent} in the registry as the previous leader did, with {@code label} (ACTIVE, UNREACHABLE). */
  OneNodeFailover leftByPreviousLeader(AgentInfo agent, String label) throws Exception {
    assertThat(registry.put(0, Registry.AGENTS, agent.getId().getValue(),
            RegistryEntries.encode(agent.toByteArray(), label))
        .toCompletableFuture().get(30, TimeUnit.SECONDS)).isTrue();
    return this;
  }

  /** Deploys a standby master with {@code options}, stands it for election and waits until it leads. */
  MasterVerticle elect(MasterOptions options, long reregisterTimeoutMillis) throws Exception {
    MasterVerticle master = new MasterVerticle(options).standby(registry, why -> { })
        .setReregisterTimeoutMillis(reregisterTimeoutMillis);
    node.deployVerticle(master).await(30, TimeUnit.SECONDS);
    java.util.concurrent.atomic.AtomicReference<io.vertx.core.Future<Void>> led =
        new java.util.concurrent.atomic.AtomicReference<>();
    election = standForElection(node, master, "127.0.0.1:7100", led);
    // Until it has taken over (its consumers registered, "leading master" logged), not only until
    // isLeading() turns true, which happens before that: on a busy machine tests saw the gap.
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> led.get() != null && led.get().isComplete());
    assertThat(led.get().succeeded()).as("the take-over: " + led.get().cause()).isTrue();
    return master;
  }

  /** Stands {@code master} for election on {@code node}, advertising {@code address}: it leads once elected. */
  static LeaderElection standForElection(Vertx node, MasterVerticle master, String address) {
    return standForElection(node, master, address, new java.util.concurrent.atomic.AtomicReference<>());
  }

  /** As above; {@code led} gets the take-over's future once elected. */
  static LeaderElection standForElection(Vertx node, MasterVerticle master, String address,
      java.util.concurrent.atomic.AtomicReference<io.vertx.core.Future<Void>> led) {
    return new LeaderElection(MesoCluster.hazelcast(node), master.masterId(), address,
        new LeaderElection.Listener() {
          @Override
          public void elected(long fence) {
            led.set(master.lead(fence));
          }

          @Override
          public void deposed(String why) {
            master.stepDown(why);
          }
        }).start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (election != null) {
      election.close();
    }
    if (node != null) {
      node.close().await(60, TimeUnit.SECONDS);
    }
  }
}
