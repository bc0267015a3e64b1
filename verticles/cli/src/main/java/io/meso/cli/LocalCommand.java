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
    description = "Run a master, an agent, the scheduler APIs, the services framework (/v2) and the jobs framework "
        + "(/v1/scheduler) in this one process (no other service needed).")
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

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate (chain) of the master's "
      + "HTTP/gRPC port; with --tls-key it serves only TLS (HTTP/1.1 and HTTP/2 by ALPN).")
  java.nio.file.Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (unencrypted) of --tls-cert.")
  java.nio.file.Path tlsKey;

  @picocli.CommandLine.Mixin
  SecurityFlags security = new SecurityFlags();

  @Option(names = "--acls", paramLabel = "FILE", description = "ACLs in Mesos's JSON format for the master, /v2 and "
      + "/v1/scheduler (see meso master --help). Default: everything allowed.")
  java.nio.file.Path aclsFile;

  @Override
  public Integer call() throws Exception {
    // Bad flags fail before anything starts. No task checkpoints: the master lives in this process
    // and keeps no registry across runs, so tasks recovered by a next `meso local` would belong to
    // frameworks no master knows; tasks are killed when it stops.
    AgentOptions agentOptions = agent.toAgentOptions(host, agentPort).setCheckpoint(false);
    io.meso.security.tls.ServerTls tls = MasterCommand.serverTls(tlsCert, tlsKey);
    String scheme = tls == null ? "http" : "https";
    io.meso.security.authn.Authenticator authenticator = security.authenticator();
    String insecure = security.refusal("meso local", host, authenticator);
    if (insecure != null) {
      System.err.println(insecure);
      return 2;
    }
    // The agent's own port asks the same credentials as the master's.
    io.meso.security.acl.Acls acls = MasterCommand.acls(aclsFile);
    agentOptions.setAuthenticator(authenticator).setAllowedHosts(security.allowedHosts).setAcls(acls);
    Vertx vertx = MesoCluster.startLocal(new VertxOptions().setMetricsOptions(PrometheusMetrics.vertxMetricsOptions()));
    Nodes.Master master;
    try {
      master = Nodes.deployMaster(vertx, new MasterOptions().setAuthenticator(authenticator).setAcls(acls),
          new ApiServerOptions().setHost(host).setPort(port).setTls(tls).setAuthenticator(authenticator)
              .setAllowedHosts(security.allowedHosts).setAcls(acls))
          .toCompletionStage().toCompletableFuture().get();
      agentPort = Nodes.deployAgent(vertx, agentOptions).toCompletionStage().toCompletableFuture().get()
          .agentInfo().getPort();
      // The built-in frameworks keep their state in a private fenced registry that lives as long as
      // this process (a loopback Hazelcast member of its own and an election on it), as on masters.
      io.meso.ha.LocalRegistry registry = new io.meso.ha.LocalRegistry();
      vertx.deployVerticle(registry).toCompletionStage().toCompletableFuture().get();
      long fence = registry.elected().toCompletionStage().toCompletableFuture().get();
      String leader = host + ":" + master.port();
      // The services framework (Marathon-style): an ordinary framework on the event bus, its /v2
      // API on the master's port.
      ServicesNode.mount(vertx, master.api().router(), leader, () -> leader, acls)
          .lead(registry.registry(), fence, why -> System.err.println("meso local: the services framework stopped: "
              + why))
          .toCompletionStage().toCompletableFuture().get();
      // The jobs framework (Chronos-style): its /v1/scheduler API on the master's port.
      String jobsUser = ""; // no user: tasks run as the agent's --task-user unless a job names runAsUser
      JobsNode.mount(vertx, master.api().router(), null, () -> leader, java.time.Clock.systemUTC(),
              new io.meso.jobs.runtime.JobsOptions().setUser(jobsUser)
                  .setDefaults(io.meso.jobs.job.JobDefaults.MESO), acls)
          .leadLocally(registry).toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      vertx.close();
      System.err.println("meso local: could not start: " + e.getCause().getMessage());
      System.err.println("Is another master already using port " + port + ", or an agent port " + agentPort
          + "? Pick others with --port and --agent-port.");
      return 2;
    }
    System.out.println("meso local is running");
    System.out.println("  master  " + scheme + "://" + host + ":" + master.port() + "  (gRPC and HTTP)");
    System.out.println("  agent   http://" + host + ":" + agentPort + "  work dir " + agentOptions.getWorkDir());
    System.out.println("  apps    " + scheme + "://" + host + ":" + master.port() + "/v2/apps  (Marathon API; meso app run FILE)");
    System.out.println("  jobs    " + scheme + "://" + host + ":" + master.port() + "/v1/scheduler/jobs  (Chronos API)");
    System.out.println(tls == null ? "Try: meso run -- echo hello    (Ctrl-C stops meso local)"
        : "Try: meso run --master https://" + host + ":" + master.port() + " --ca-cert CA.pem -- echo hello    "
            + "(Ctrl-C stops meso local)");
    System.out.flush();
    return waitForShutdown(vertx);
  }

  /** Blocks the main thread until Ctrl-C / SIGTERM, then closes Vert.x. */
  static int waitForShutdown(Vertx vertx) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().onComplete(ar -> stopped.countDown());
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
