package io.meso.cli;

import io.meso.api.server.ApiServerOptions;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meso master}: a master that agents and frameworks reach over the cluster. */
@Command(name = "master", mixinStandardHelpOptions = true,
    description = "Run a master. Agents join it with: meso agent --join HOST:CLUSTER_PORT")
public final class MasterCommand implements Callable<Integer> {

  @Mixin
  NodeOptions node = new NodeOptions();

  @Option(names = "--port", defaultValue = "5050", description = "HTTP/gRPC port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--agent-ping-interval", defaultValue = "2",
      description = "Seconds between pings to each agent (default: ${DEFAULT-VALUE}).")
  double pingInterval;

  @Option(names = "--agent-ping-timeouts", defaultValue = "5",
      description = "Missed pings after which an agent is unreachable (default: ${DEFAULT-VALUE}).")
  int pingTimeouts;

  @Option(names = "--allocation-interval", defaultValue = "1",
      description = "Seconds between periodic allocation runs (default: ${DEFAULT-VALUE}).")
  double allocationInterval;

  @Override
  public Integer call() throws Exception {
    MasterOptions options = new MasterOptions()
        .setAgentPingIntervalMillis(millis("--agent-ping-interval", pingInterval))
        .setMaxAgentPingTimeouts(pingTimeouts)
        .setAllocationIntervalMillis(millis("--allocation-interval", allocationInterval));
    Vertx vertx;
    try {
      vertx = MesoCluster.start(node.toClusterOptions(false)).toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("meso master: could not join the cluster: " + e.getCause().getMessage());
      return 2;
    }
    Nodes.Master master;
    try {
      master = Nodes.deployMaster(vertx, options, new ApiServerOptions().setHost(node.host).setPort(port))
          .toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      vertx.close();
      System.err.println("meso master: could not start: " + e.getCause().getMessage());
      return 2;
    }
    int clusterPort = io.meso.cluster.MesoCluster.memberPort(vertx);
    System.out.println("meso master is running");
    System.out.println("  master   http://" + node.host + ":" + master.port() + "  (gRPC and HTTP)");
    System.out.println("  cluster  " + node.host + ":" + clusterPort + "  (agents: meso agent --join " + node.host + ":"
        + clusterPort + ")");
    System.out.flush();
    return LocalCommand.waitForShutdown(vertx);
  }

  static long millis(String flag, double seconds) {
    if (!(seconds > 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException(flag + " is " + seconds + "; expected a positive number of seconds");
    }
    return Math.max(1, (long) (seconds * 1000));
  }
}
