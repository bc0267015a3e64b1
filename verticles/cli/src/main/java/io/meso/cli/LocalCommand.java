package io.meso.cli;

import io.meso.agent.AgentOptions;
import io.meso.api.operator.PrometheusMetrics;
import io.meso.api.server.ApiServerOptions;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.DefaultPorts;
import io.meso.master.MasterOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meso local}: a master, its allocator, an agent and the APIs in one JVM. */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = "Run a master, an agent, the scheduler APIs and the services framework (/v2) in this one process "
        + "(no other service needed).")
public final class LocalCommand implements Callable<Integer> {

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "" + DefaultPorts.MASTER, description = "Master HTTP/gRPC port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--agent-port", defaultValue = "" + DefaultPorts.AGENT, description = "Port of the agent's own HTTP "
      + "endpoints (/state, /monitor/statistics, /metrics/snapshot, /health, /metrics), advertised to the master; 0: any "
      + "free port (default: ${DEFAULT-VALUE}).")
  int agentPort;

  @picocli.CommandLine.Mixin
  AgentFlags agent = new AgentFlags();

  @Override
  public Integer call() throws Exception {
    // Bad flags fail before anything starts. No task checkpoints: the master lives in this process
    // and keeps no registry across runs, so tasks recovered by a next `meso local` would belong to
    // frameworks no master knows; tasks are killed when it stops.
    AgentOptions agentOptions = agent.toAgentOptions(host, agentPort).setCheckpoint(false);
    Vertx vertx = MesoCluster.startLocal(new VertxOptions().setMetricsOptions(PrometheusMetrics.vertxMetricsOptions()));
    Nodes.Master master;
    ServicesNode.Local services;
    try {
      master = Nodes.deployMaster(vertx, new MasterOptions(), new ApiServerOptions().setHost(host).setPort(port))
          .toCompletionStage().toCompletableFuture().get();
      agentPort = Nodes.deployAgent(vertx, agentOptions).toCompletionStage().toCompletableFuture().get()
          .agentInfo().getPort();
      // The services framework: an ordinary framework on the event bus, its /v2 API on the master's
      // port, its state in a store of its own (a loopback Hazelcast member that lives as long as
      // this process), fenced by an election as on masters.
      services = ServicesNode.local(vertx, master.api().router(), host + ":" + master.port());
    } catch (java.util.concurrent.ExecutionException e) {
      vertx.close();
      System.err.println("meso local: could not start: " + e.getCause().getMessage());
      System.err.println("Is another master already using port " + port + ", or an agent port " + agentPort
          + "? Pick others with --port and --agent-port.");
      return 2;
    }
    System.out.println("meso local is running");
    System.out.println("  master  http://" + host + ":" + master.port() + "  (gRPC and HTTP)");
    System.out.println("  agent   http://" + host + ":" + agentPort + "  work dir " + agentOptions.getWorkDir());
    System.out.println("  apps    http://" + host + ":" + master.port() + "/v2/apps  (Marathon API; meso app run FILE)");
    System.out.println("Try: meso run -- echo hello    (Ctrl-C stops meso local)");
    System.out.flush();
    return waitForShutdown(vertx, services.resources());
  }

  /** Blocks the main thread until Ctrl-C / SIGTERM, then closes Vert.x, then {@code also}. */
  static int waitForShutdown(Vertx vertx, AutoCloseable... also) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().onComplete(ar -> {
        for (AutoCloseable c : also) {
          try {
            c.close();
          } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(LocalCommand.class).warn("shutdown: {}", e.toString());
          }
        }
        stopped.countDown();
      });
      try {
        stopped.await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "meso-shutdown"));
    stopped.await();
    return 0;
  }
}
