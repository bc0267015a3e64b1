package io.meso.cli;

import io.meso.agent.AgentOptions;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.DefaultPorts;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meso agent}: offers this machine's resources to the cluster's master and runs tasks. */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = "Run an agent that joins a master's cluster: meso agent --join HOST:CLUSTER_PORT")
public final class AgentCommand implements Callable<Integer> {

  @Mixin
  NodeOptions node = new NodeOptions();

  @Option(names = "--port", defaultValue = "" + DefaultPorts.AGENT, description = "Port of the agent's HTTP endpoints "
      + "(/state, /monitor/statistics, /metrics/snapshot, /health, /metrics), advertised to the master; 0: any free "
      + "port (default: ${DEFAULT-VALUE}).")
  int port;

  @picocli.CommandLine.Mixin
  AgentFlags agent = new AgentFlags();

  /** Who may call the agent's own HTTP port (the master's flags, the same rule for a non-loopback --host). */
  @Mixin
  SecurityFlags security = new SecurityFlags();

  @Option(names = "--master-gateway", split = ",", paramLabel = "HOST:PORT",
      description = "Reach the masters through their agent gateways (meso master --agent-gateway-port) instead of "
          + "joining the cluster as a member: comma-separated, one per master; the agent moves to the next when one "
          + "fails. Use instead of --join for thousands of agents.")
  java.util.List<String> gateways = new java.util.ArrayList<>();

  @Option(names = "--kill-tasks-on-stop", negatable = false,
      description = "Kill the agent's tasks when it is stopped (SIGTERM). By default they keep running and an agent "
          + "restarted with the same --work-dir picks them up again, as after a crash.")
  boolean killTasksOnStop;

  @Option(names = "--acls", paramLabel = "FILE", description = "ACLs in Mesos's JSON format, as the master's: the "
      + "agent's /state and /monitor/statistics show a caller only the frameworks and tasks its view_frameworks and "
      + "view_tasks rules allow (with a file, what no rule allows is hidden). Default: everything shown.")
  java.nio.file.Path aclsFile;

  static final long NO_MASTER_RETRY_MILLIS = 2_000;

  /** Whether joining failed only because no master (no data member) is in the cluster yet. */
  static boolean noMasterYet(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof com.hazelcast.partition.NoDataMemberInClusterException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Integer call() throws Exception {
    if (node.join.isEmpty() && gateways.isEmpty()) {
      throw new IllegalArgumentException("--join is required: name a master's cluster address, e.g. --join 127.0.0.1:"
          + DefaultPorts.CLUSTER + " (or reach the masters' agent gateways with --master-gateway HOST:PORT)");
    }
    if (!node.join.isEmpty() && !gateways.isEmpty()) {
      throw new IllegalArgumentException("give --join (be a member of the cluster) or --master-gateway (reach it "
          + "through the masters' gateways), not both");
    }
    for (String g : gateways) {
      io.meso.agent.GatewayLink.Endpoint.parse("--master-gateway", g);
    }
    io.meso.security.authn.Authenticator authenticator = security.authenticator();
    String insecure = security.agentRefusal("meso agent", node.host, authenticator);
    if (insecure != null) {
      System.err.println(insecure);
      return 2;
    }
    AgentOptions options = agent.toAgentOptions(node.host, port).setKillTasksOnStop(killTasksOnStop)
        .setClusterSecret(node.clusterSecret()).setAuthenticator(authenticator)
        .setAllowedHosts(security.allowedHosts).setAcls(MasterCommand.acls(aclsFile));
    // Checked once, before joining: a bad --cluster-tls-* file is refused naming it.
    io.meso.cluster.ClusterOptions clusterOptions = node.toClusterOptions(true);
    if (!gateways.isEmpty()) {
      options.setGateways(gateways).setGatewayTls(clusterOptions.getEventBusTls());
      return runOutsideTheCluster(options);
    }
    Vertx vertx = null;
    boolean told = false;
    // Vert.x logs a failed cluster start with its stack trace; our one line below says it all.
    ch.qos.logback.classic.Logger vertxLog =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.vertx.core.impl.VertxImpl");
    vertxLog.setLevel(ch.qos.logback.classic.Level.OFF);
    while (vertx == null) {
      try {
        vertx = MesoCluster.start(clusterOptions).toCompletionStage().toCompletableFuture().get();
      } catch (java.util.concurrent.ExecutionException e) {
        String portTrouble = NodeOptions.joinFailure("meso agent", e.getCause());
        if (portTrouble != null) {
          System.err.println(portTrouble);
          return 2;
        }
        if (!noMasterYet(e.getCause())) {
          System.err.println("meso agent: could not join the cluster at " + node.join + ": " + e.getCause().getMessage());
          System.err.println("Check that a master runs there (meso master) and that --cluster-name matches.");
          return 2;
        }
        // Agents are lite members: the cluster's data lives on masters. Wait for one, as an agent
        // waits for a leader.
        if (!told) {
          System.err.println("meso agent: no master in the cluster at " + node.join + " yet; retrying every "
              + NO_MASTER_RETRY_MILLIS / 1000 + "s until one joins (Ctrl-C to stop)");
          told = true;
        }
        Thread.sleep(NO_MASTER_RETRY_MILLIS);
      }
    }
    vertxLog.setLevel(null); // back to the configured level
    return runAgent(vertx, options, "");
  }

  /** Runs the agent on a Vert.x of its own, reaching the masters through their gateways. */
  private int runOutsideTheCluster(AgentOptions options) throws Exception {
    return runAgent(MesoCluster.startLocal(new io.vertx.core.VertxOptions()), options,
        ", through the agent gateways " + String.join(",", gateways));
  }

  /** Deploys the agent on this Vert.x, says where it runs ({@code how}: how it reaches the masters), and waits. */
  private int runAgent(Vertx vertx, AgentOptions options, String how) throws Exception {
    io.meso.agent.AgentVerticle deployed;
    try {
      deployed = Nodes.deployAgent(vertx, options).toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      vertx.close();
      System.err.println("meso agent: could not start: " + e.getCause().getMessage());
      return 2;
    }
    System.out.println("meso agent is running on " + node.host + ":" + deployed.agentInfo().getPort() + ", work dir "
        + options.getWorkDir() + how);
    System.out.flush();
    return waitForShutdownOrGone(vertx, deployed.gone().toCompletionStage().toCompletableFuture(),
        deployed.refused().toCompletionStage().toCompletableFuture());
  }

  /** The exit status of an agent an operator marked gone (its identity is removed: a restart joins anew). */
  static final int EXIT_GONE = 3;
  /** The exit status of an agent the master refused because its cluster secret is not the masters'. */
  static final int EXIT_REFUSED = 4;

  /** As the three-argument form, for an agent that is never refused. */
  static int waitForShutdownOrGone(Vertx vertx, java.util.concurrent.CompletableFuture<String> gone)
      throws InterruptedException {
    return waitForShutdownOrGone(vertx, gone, new java.util.concurrent.CompletableFuture<>());
  }

  /**
   * Blocks until Ctrl-C / SIGTERM (then closes Vert.x and returns 0), until the agent was marked
   * gone by an operator and stopped (then closes Vert.x and returns {@link #EXIT_GONE}), or until
   * the master refused the agent's proof of the cluster secret (then closes Vert.x, keeping the
   * agent's identity and tasks' checkpoints, and returns {@link #EXIT_REFUSED}).
   */
  static int waitForShutdownOrGone(Vertx vertx, java.util.concurrent.CompletableFuture<String> gone,
      java.util.concurrent.CompletableFuture<String> refused) throws InterruptedException {
    java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    Thread hook = new Thread(() -> {
      vertx.close().onComplete(ar -> stopped.countDown());
      try {
        stopped.await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "meso-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    for (java.util.concurrent.CompletableFuture<String> end : java.util.List.of(gone, refused)) {
      end.whenComplete((why, err) -> {
        if (err == null) {
          stopped.countDown();
        }
      });
    }
    stopped.await();
    boolean wasGone = gone.isDone() && !gone.isCompletedExceptionally();
    boolean wasRefused = !wasGone && refused.isDone() && !refused.isCompletedExceptionally();
    if (!wasGone && !wasRefused) {
      return 0;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return 0;
    }
    if (wasRefused) {
      System.err.println("meso agent: the master refused this agent: " + refused.join());
      System.err.println("meso agent: the cluster secret does not match: give --cluster-secret-file a copy of the "
          + "masters' secret file.");
    } else {
      System.err.println("meso agent: stopped: " + gone.join());
      System.err.println("meso agent: this agent's identity was removed; start it again to join as a new agent.");
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      System.err.println("meso agent: closing: " + e.getMessage());
    }
    return wasRefused ? EXIT_REFUSED : EXIT_GONE;
  }
}
