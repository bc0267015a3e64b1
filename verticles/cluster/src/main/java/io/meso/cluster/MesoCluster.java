package io.meso.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.meso.codecs.MesoCodecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetSocketAddress;
import java.util.List;
import java.net.ServerSocket;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a clustered Vert.x instance for a Meso node (master, agent or client) from
 * {@link ClusterOptions}, and registers Meso's event-bus codecs on it before anything is
 * deployed. The same entry point serves the CLI, tests and benchmarks.
 */
public final class MesoCluster {

  private static final Logger LOG = LoggerFactory.getLogger(MesoCluster.class);

  private MesoCluster() {}

  /** Starts (or joins) the cluster; the returned Vert.x has Meso's codecs registered. */
  public static Future<Vertx> start(ClusterOptions options) {
    return start(options, new VertxOptions());
  }

  public static Future<Vertx> start(ClusterOptions options, VertxOptions vertxOptions) {
    Config config;
    try {
      config = hazelcastConfig(options);
    } catch (PortInUseException e) {
      return Future.failedFuture(e);
    }
    HazelcastClusterManager manager = new LiveNodesClusterManager(config);
    EventBusOptions eventBus = new EventBusOptions()
        .setHost(options.getHost())
        .setPort(0)
        .setClusterPublicHost(options.getHost());
    if (options.getEventBusTls() != null) {
      // Mutual TLS: a Hazelcast member without a certificate the CA signed can neither connect to
      // this node's event bus nor be connected to by it.
      options.getEventBusTls().apply(eventBus);
    }
    vertxOptions.setEventBusOptions(eventBus);
    return Vertx.builder().with(vertxOptions).withClusterManager(manager).buildClustered()
        .map(vertx -> {
          MesoCodecs.register(vertx);
          LOG.info("joined cluster name={}{} host={} lite={} members={} eventBusTls={}", options.getClusterName(),
              options.getClusterSecret() == null ? "" : " (Hazelcast name derived from the cluster secret)",
              options.getHost(), options.isLiteMember(), manager.getHazelcastInstance().getCluster().getMembers().size(),
              options.getEventBusTls() != null);
          return vertx;
        });
  }

  /**
   * Hazelcast runs the callbacks of its futures (e.g. a registry write's completion) on
   * ForkJoinPool's common pool, or, when that pool has fewer than two threads (a machine with two
   * cores or fewer), on a new thread per callback: a new leader admitting 1,000 agents then
   * started some 2,000 threads. On such machines the callbacks run on a small shared pool of
   * daemon threads instead. Process-wide and idempotent.
   */
  static synchronized void useAPoolForHazelcastCallbacks() {
    if (callbackPool != null || java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() > 1) {
      return;
    }
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    callbackPool = new java.util.concurrent.ForkJoinPool(CALLBACK_THREADS, pool -> {
      java.util.concurrent.ForkJoinWorkerThread t =
          java.util.concurrent.ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      t.setName("meso-hz-callback-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, null, true);
    com.hazelcast.internal.util.ConcurrencyUtil.setDefaultAsyncExecutor(callbackPool);
  }

  static final int CALLBACK_THREADS = 4;
  /** Hazelcast partitions (see {@link #hazelcastConfig}); a prime, as Hazelcast advises. */
  public static final int PARTITION_COUNT = 31;
  private static java.util.concurrent.ForkJoinPool callbackPool;

  /** The Hazelcast member port this clustered Vert.x listens on (what others pass to --join). */
  public static int memberPort(Vertx vertx) {
    io.vertx.core.spi.cluster.ClusterManager cm = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager();
    return ((HazelcastClusterManager) cm).getHazelcastInstance().getCluster().getLocalMember().getAddress().getPort();
  }

  /** The Hazelcast member under a clustered Vert.x, or null when the Vert.x is not clustered. */
  public static com.hazelcast.core.HazelcastInstance hazelcast(Vertx vertx) {
    io.vertx.core.spi.cluster.ClusterManager cm = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager();
    return cm instanceof HazelcastClusterManager hz ? hz.getHazelcastInstance() : null;
  }

  /** A non-clustered Vert.x with Meso's codecs, for single-JVM use where nothing else joins. */
  public static Vertx startLocal(VertxOptions vertxOptions) {
    Vertx vertx = Vertx.vertx(vertxOptions);
    MesoCodecs.register(vertx);
    return vertx;
  }

  /** The Hazelcast configuration: Vert.x's defaults, multicast off, TCP/IP join, tuned failure detection. */
  public static Config hazelcastConfig(ClusterOptions options) {
    useAPoolForHazelcastCallbacks();
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(options.effectiveClusterName());
    if (options.getClusterSecret() != null) {
      // Registry values are sealed and verified (io.meso.ha.Registry finds the seal here).
      config.getUserContext().put(io.meso.ha.Registry.SEAL_CONTEXT_KEY,
          new io.meso.security.cluster.RegistrySeal(options.getClusterSecret()));
    }
    config.setLiteMember(options.isLiteMember());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(options.getHeartbeatSeconds()));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(options.getMaxNoHeartbeatSeconds()));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // A call made while its partition is being promoted to a backup (its owner was killed), or
    // while its Raft group elects a new leader, is retried every 50 ms instead of every 500 ms: a
    // new leader claiming the registry right after a failover waited 600 ms on retries at 200 ms,
    // 235-380 ms at 50 ms (FailoverBenchmark).
    config.setProperty("hazelcast.invocation.retry.pause.millis", "50");
    // A control plane's data members are its few masters, not a data grid: 271 partitions (the
    // default) made every operation that visits all partitions (a leader claiming a registry
    // section, Vert.x cleaning the event-bus subscriptions of a member that left) pay 271
    // invocations. Every member must use the same count (a member with another cannot join).
    config.setProperty("hazelcast.partition.count", String.valueOf(PARTITION_COUNT));
    // What other modules add to every member's configuration (the master's registry serializers),
    // found on the class path so that this module does not depend on them.
    for (ClusterConfigurer configurer : java.util.ServiceLoader.load(ClusterConfigurer.class)) {
      configurer.configure(config);
    }

    // Leader election (io.meso.ha): CP members are the masters; a dead leader's lock session
    // expires after a few seconds, and Raft notices a dead CP leader in about two. A member that
    // left is removed from the CP subsystem after getCpMemberRemovalSeconds, which Hazelcast
    // requires to be at least the session time-to-live (its configuration check says so only as
    // "Session TTL must be smaller than or equal to missing CP member auto-removal seconds!").
    int sessionTtl = options.effectiveCpSessionTtlSeconds();
    int removal = options.getCpMemberRemovalSeconds();
    if (removal < sessionTtl) {
      throw new IllegalArgumentException("CP member removal is " + removal + " s, shorter than the CP session "
          + "time-to-live " + sessionTtl + " s; expected at least the session time-to-live");
    }
    config.getCPSubsystemConfig()
        .setCPMemberCount(options.isLiteMember() ? 0 : options.getCpMemberCount())
        .setSessionHeartbeatIntervalSeconds(1)
        .setSessionTimeToLiveSeconds(sessionTtl)
        .setMissingCPMemberAutoRemovalSeconds(removal)
        .getRaftAlgorithmConfig()
        .setLeaderElectionTimeoutInMillis(1000)
        .setLeaderHeartbeatPeriodInMillis(500)
        .setMaxMissedLeaderHeartbeatCount(4);
    // The HA registry: every master holds a synchronous copy.
    config.getMapConfig("meso.registry.*").setBackupCount(2).setAsyncBackupCount(0);

    NetworkConfig network = config.getNetworkConfig();
    int port;
    if (options.getPort() != 0 && options.isPortAutoIncrement()) {
      // The first free port from the one asked for. Hazelcast then advertises the port it bound:
      // a public address fixed to the port asked for made a second node on the host (which bound
      // the next port) advertise the first one's address, and the two were taken for one member.
      port = options.getPort();
      network.setPort(port).setPortAutoIncrement(true).setPortCount(PORT_SEARCH);
    } else {
      port = options.getPort() == 0 ? freePort(options.getHost()) : requireFree(options.getHost(), options.getPort());
      network.setPort(port).setPortAutoIncrement(false);
      network.setPublicAddress(options.getHost() + ":" + port);
    }
    network.getInterfaces().setEnabled(true).setInterfaces(new java.util.ArrayList<>(List.of(options.getHost())));
    // Listen on --host only: Hazelcast otherwise binds its member port to every interface
    // (0.0.0.0), whatever interface it advertises, and a stranger on any network of the host
    // could reach the event-bus subscriptions and the registry.
    config.setProperty("hazelcast.socket.bind.any", "false");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> members = new java.util.ArrayList<>(options.getJoin());
    if (members.isEmpty()) {
      members.add(options.getHost() + ":" + port);
    }
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    join.getTcpIpConfig().setConnectionTimeoutSeconds(2);
    return config;
  }

  /** How many ports from the one asked for a node without a fixed port tries (Hazelcast's default). */
  static final int PORT_SEARCH = 100;

  /** A fixed member port that another process holds: refused before Hazelcast tries to bind it. */
  public static final class PortInUseException extends IllegalStateException {
    private final String host;
    private final int port;

    PortInUseException(String host, int port, String reason) {
      super("cluster port " + host + ":" + port + " is in use (" + reason + ")");
      this.host = host;
      this.port = port;
    }

    public String host() { return host; }
    public int port() { return port; }
  }

  private static int requireFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(host, port));
      return port;
    } catch (IOException e) {
      throw new PortInUseException(host, port, e.getMessage());
    }
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(host, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port on " + host + ": " + e.getMessage(), e);
    }
  }
}
