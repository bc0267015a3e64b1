package io.meso.cli;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.api.operator.OperatorHttpApi;
import io.meso.api.server.ApiServerOptions;
import io.meso.api.server.ApiServerVerticle;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.webui.WebUi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Deploys the verticles of a node on a Vert.x instance: a master with its HTTP/gRPC server,
 * or an agent. Used by the CLI, tests and benchmarks alike.
 */
public final class Nodes {

  private Nodes() {}

  /** A deployed master: its verticle and the port its HTTP/gRPC server listens on. */
  public record Master(MasterVerticle verticle, ApiServerVerticle api, int port) {}

  /** Deploys a master and its API server; the server's port is advertised in MasterInfo. */
  public static Future<Master> deployMaster(Vertx vertx, MasterOptions master, ApiServerOptions api) {
    linkMasters(vertx, api);
    ApiServerVerticle server = new ApiServerVerticle(idleAboveHeartbeats(api, master));
    return vertx.deployVerticle(server).compose(id -> {
      int port = server.actualPort();
      mountOperatorApiAndUi(vertx, server);
      MasterVerticle verticle = new MasterVerticle(master.setHostname(api.getHost()).setPort(port));
      return vertx.deployVerticle(verticle).map(x -> new Master(verticle, server, port));
    });
  }

  /**
   * A master serving TLS reaches the other masters (the leader, from a standby) over TLS too,
   * trusting what was set in {@link io.meso.cluster.proxy.MasterLinks} ({@code --tls-ca}) or else
   * its own certificate (masters sharing one certificate).
   */
  static void linkMasters(Vertx vertx, ApiServerOptions api) {
    if (api.getTls() != null && io.meso.cluster.proxy.MasterLinks.tls(vertx) == null) {
      io.meso.cluster.proxy.MasterLinks.useTls(vertx, api.getTls().peerTrust());
    }
  }

  /** The operator HTTP API (state, operator calls, files, metrics, probes) and the web UI, on the server's router. */
  private static void mountOperatorApiAndUi(Vertx vertx, ApiServerVerticle server) {
    io.meso.security.acl.Acls acls = server.options().getAcls();
    new OperatorHttpApi(vertx, server.options().getMasterTimeoutMillis()).acls(acls).mount(server.router());
    new WebUi(vertx, acls).mount(server.router());
  }

  /**
   * The API server's idle timeout must stay above the heartbeat interval, or quiet event streams
   * would be cut between two heartbeats: at least twice the interval.
   */
  static ApiServerOptions idleAboveHeartbeats(ApiServerOptions api, MasterOptions master) {
    return new ApiServerOptions(api).setIdleTimeoutMillis(
        Math.max(api.getIdleTimeoutMillis(), 2 * master.getHeartbeatIntervalMillis()));
  }

  /**
   * A master standing for election: its deployment, its election (close it to stand down), its
   * fence once elected, and the leading master's HTTP address as last read from the registry
   * (refreshed every 500 ms off the event loop; null while there is none).
   */
  public record ElectedMaster(Master master, io.meso.ha.LeaderElection election, Future<Long> elected,
      java.util.function.Supplier<String> leaderAddress) {}

  /**
   * Deploys a master as a standby on a clustered Vert.x and stands it for election (see
   * {@link io.meso.ha.LeaderElection}): it consumes the master addresses only once elected.
   * {@code onDeposed} is called (on the master's context) if it loses the leadership or the
   * election fails; such a master must not lead again, so the CLI ends the process.
   */
  public static Future<ElectedMaster> deployElectedMaster(Vertx vertx, MasterOptions master, ApiServerOptions api,
      java.util.function.Consumer<String> onDeposed) {
    com.hazelcast.core.HazelcastInstance hazelcast = io.meso.cluster.MesoCluster.hazelcast(vertx);
    if (hazelcast == null) {
      return Future.failedFuture(new IllegalArgumentException("leader election needs a clustered Vert.x"));
    }
    linkMasters(vertx, api);
    ApiServerVerticle server = new ApiServerVerticle(idleAboveHeartbeats(api, master));
    // A standby answers scheduler HTTP calls with 307 to the leader, as Mesos does. The leader's
    // address is read from the registry off the event loop and cached; requests only read the cache.
    java.util.concurrent.atomic.AtomicReference<String> leaderAddress = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<MasterVerticle> self = new java.util.concurrent.atomic.AtomicReference<>();
    vertx.setPeriodic(500, t -> vertx.executeBlocking(() -> io.meso.ha.LeaderElection.leader(hazelcast), false)
        .onSuccess(leaderAddress::set));
    server.setLeaderLookup(() -> {
      MasterVerticle m = self.get();
      return redirectTarget(api, server.actualPort(), m == null || m.isLeading(), leaderAddress.get());
    });
    return vertx.deployVerticle(server).compose(id -> {
      int port = server.actualPort();
      // Operator API, metrics and UI; on a standby the operator calls reach the leader over the clustered bus.
      mountOperatorApiAndUi(vertx, server);
      MasterVerticle verticle = new MasterVerticle(master.setHostname(api.getHost()).setPort(port))
          .standby(new io.meso.ha.Registry(hazelcast), onDeposed);
      self.set(verticle);
      io.vertx.core.Promise<Long> elected = io.vertx.core.Promise.promise();
      return vertx.deployVerticle(verticle).map(x -> {
        io.meso.ha.LeaderElection election = new io.meso.ha.LeaderElection(hazelcast, verticle.masterId(),
            api.getHost() + ":" + port, new io.meso.ha.LeaderElection.Listener() {
              @Override
              public void elected(long fence) {
                verticle.lead(fence).onComplete(ar -> {
                  if (ar.succeeded()) {
                    elected.tryComplete(fence);
                  } else {
                    verticle.stepDown("could not take over: " + ar.cause());
                  }
                });
              }

              @Override
              public void deposed(String why) {
                verticle.stepDown(why);
              }
            }).start();
        rehearseWhileStandby(vertx, verticle, master.getRehearsalAgents());
        return new ElectedMaster(new Master(verticle, server, port), election, elected.future(), leaderAddress::get);
      });
    });
  }

  /**
   * Where a standby sends scheduler HTTP calls: the leader's base URL, {@code https://} when this
   * master serves TLS (every master of a cluster serves as this one does); empty to serve here
   * (not a standby yet, leading, no leader known, or the leader is this master).
   */
  static java.util.Optional<String> redirectTarget(ApiServerOptions api, int port, boolean serveHere, String leader) {
    if (serveHere || leader == null || leader.equals(api.getHost() + ":" + port)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(api.scheme() + "://" + leader);
  }

  /** Rounds of a standby's rehearsal (see {@link io.meso.master.StandbyRehearsal}). */
  static final int REHEARSAL_ROUNDS = 6;
  /** A master not elected this long after it stood for election is a standby and rehearses. */
  static final long REHEARSAL_DELAY_MILLIS = 3_000;

  /**
   * If {@code agents} is positive and this master is still a standby a few seconds after standing
   * for election, rehearses re-admitting that many agents on a thread of its own, stopping between
   * rounds once the master leads. A failed rehearsal is logged; it never affects the master.
   */
  private static void rehearseWhileStandby(Vertx vertx, MasterVerticle verticle, int agents) {
    if (agents <= 0) {
      return;
    }
    vertx.setTimer(REHEARSAL_DELAY_MILLIS, t -> {
      if (verticle.isLeading()) {
        return;
      }
      Thread thread = new Thread(() -> {
        try {
          io.meso.master.StandbyRehearsal.Result r = io.meso.master.StandbyRehearsal.run(agents, 10, REHEARSAL_ROUNDS,
              verticle::isLeading);
          org.slf4j.LoggerFactory.getLogger(Nodes.class).info("standby rehearsed a failover: re-admitted {} agents x {} "
              + "tasks {} times on a private master (with their tasks, then as many by digest from a copy: {} in all), "
              + "first round in {} ms, last in {} ms", r.agents(), r.tasksPerAgent(), r.rounds(), r.readmittedFromCopy(),
              r.firstRoundMillis(), r.lastRoundMillis());
        } catch (Exception | LinkageError e) {
          org.slf4j.LoggerFactory.getLogger(Nodes.class).warn("standby rehearsal failed (the master is not affected; "
              + "a failover may only be slower): {}", e.toString());
        }
      }, "meso-standby-rehearsal");
      thread.setDaemon(true);
      thread.setPriority(Thread.MIN_PRIORITY);
      thread.start();
    });
  }

  /** Deploys an agent; the future completes once the agent is deployed (registration goes on in the background). */
  public static Future<AgentVerticle> deployAgent(Vertx vertx, AgentOptions options) {
    AgentVerticle agent = new AgentVerticle(options);
    return vertx.deployVerticle(agent).map(id -> agent);
  }
}
