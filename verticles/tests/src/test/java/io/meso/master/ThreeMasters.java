package io.meso.master;

import static org.awaitility.Awaitility.await;

import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.ha.LeaderElection;
import io.meso.ha.Registry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three masters on three clustered Vert.x nodes in one JVM (a loopback Hazelcast cluster with a
 * unique name, three CP members), each a standby standing for election, for failover tests.
 */
final class ThreeMasters implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(90);

  final List<Vertx> nodes = new ArrayList<>();
  final List<MasterVerticle> masters = new ArrayList<>();
  final List<LeaderElection> elections = new ArrayList<>();
  /** Per master, the future of its latest take-over (set when elected; none for a joiner that does not stand). */
  final List<java.util.concurrent.atomic.AtomicReference<Future<Void>>> takeOvers = new ArrayList<>();
  private String cluster;
  private List<String> join;

  /** Starts the cluster; {@code name} goes into the cluster name, {@code addressBase} numbers the advertised HTTP ports. */
  ThreeMasters start(String name, int addressBase) throws Exception {
    cluster = "meso-test-" + name + "-" + java.util.UUID.randomUUID();
    List<ClusterOptions> options = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      options.add(ClusterOptions.loopbackForTest().setClusterName(cluster).setCpMemberCount(3).setPort(freePort()));
    }
    join = options.stream().map(o -> "127.0.0.1:" + o.getPort()).toList();
    List<Future<Vertx>> starting = new ArrayList<>();
    for (ClusterOptions o : options) {
      starting.add(MesoCluster.start(o.setJoin(join)));
    }
    Future.all(starting).await(120, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      Vertx node = starting.get(i).result();
      nodes.add(node);
      MasterVerticle master = new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100)
          .setAgentPingIntervalMillis(3_600_000))
          .standby(new Registry(MesoCluster.hazelcast(node)), why -> { })
          // Long enough that the agents admitted before the failover are still awaited when the test asks.
          .setReregisterTimeoutMillis(600_000);
      node.deployVerticle(master).await(30, TimeUnit.SECONDS);
      masters.add(master);
      java.util.concurrent.atomic.AtomicReference<Future<Void>> led = new java.util.concurrent.atomic.AtomicReference<>();
      takeOvers.add(led);
      elections.add(OneNodeFailover.standForElection(node, master, "127.0.0.1:" + (addressBase + i), led));
    }
    return this;
  }

  /**
   * A master that joins later (as one restarted after a failover): on a node of its own (a plain
   * member, not a CP member), a standby that does not stand for election.
   */
  MasterVerticle addStandby() throws Exception {
    Vertx node = MesoCluster.start(ClusterOptions.loopbackForTest().setClusterName(cluster).setCpMemberCount(3)
        .setPort(freePort())
        .setJoin(join)).await(120, TimeUnit.SECONDS);
    nodes.add(node);
    MasterVerticle master = new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100)
        .setAgentPingIntervalMillis(3_600_000)).standby(new Registry(MesoCluster.hazelcast(node)), why -> { });
    node.deployVerticle(master).await(30, TimeUnit.SECONDS);
    masters.add(master);
    takeOvers.add(new java.util.concurrent.atomic.AtomicReference<>());
    return master;
  }

  /** The index of the one master leading, once there is exactly one. */
  int awaitLeader() {
    // Until its take-over is complete (its consumers registered), not only until isLeading() turns
    // true, which happens before that: a call right after could find no handler (seen under load).
    await().atMost(WAIT).until(() -> leader() >= 0);
    return leader();
  }

  /** The index of the one master leading whose take-over succeeded, or -1. */
  private int leader() {
    int found = -1;
    for (int i = 0; i < masters.size(); i++) {
      if (masters.get(i).isLeading()) {
        if (found >= 0) {
          return -1;
        }
        found = i;
      }
    }
    if (found < 0) {
      return -1;
    }
    Future<Void> led = takeOvers.get(found).get();
    return led != null && led.succeeded() ? found : -1;
  }

  /** An operator call over the event bus from {@code from}. */
  static Object call(Vertx from, String action, Object body) throws Exception {
    return from.eventBus().request(Addresses.OPERATOR, body, new DeliveryOptions()
        .addHeader(Addresses.ACTION_HEADER, action).setSendTimeout(30_000)).await(40, TimeUnit.SECONDS).body();
  }

  static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    elections.forEach(LeaderElection::close);
    // Terminate the members at once: a graceful CP shutdown of the last ones waits for a majority that is gone.
    List<Future<Void>> closing = new ArrayList<>();
    for (Vertx node : nodes) {
      com.hazelcast.core.HazelcastInstance hazelcast = MesoCluster.hazelcast(node);
      if (hazelcast != null && hazelcast.getLifecycleService().isRunning()) {
        hazelcast.getLifecycleService().terminate();
      }
      closing.add(node.close());
    }
    try {
      Future.join(closing).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // A node closed by the test already, or one whose cluster manager is gone: nothing left to free.
    }
  }
}
