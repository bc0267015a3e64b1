package io.meso.cli;

import io.meso.api.operator.PrometheusMetrics;
import io.meso.api.server.ApiServerOptions;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.DefaultPorts;
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

  @Mixin
  SecurityFlags security = new SecurityFlags();

  @Option(names = "--port", defaultValue = "" + DefaultPorts.MASTER, description = "HTTP/gRPC port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--agent-ping-interval", defaultValue = "2",
      description = "Seconds between pings to each agent (default: ${DEFAULT-VALUE}).")
  double pingInterval;

  @Option(names = "--agent-ping-timeouts", defaultValue = "5",
      description = "Missed pings after which an agent is unreachable (default: ${DEFAULT-VALUE}).")
  int pingTimeouts;

  @Option(names = "--framework-sorter", defaultValue = "drf",
      description = "How frameworks within a role are ordered for offers: drf or random (default: ${DEFAULT-VALUE}).")
  String frameworkSorter;

  @Option(names = "--role-sorter", defaultValue = "drf",
      description = "How roles are ordered against each other for offers: drf or random (default: ${DEFAULT-VALUE}).")
  String roleSorter;

  @Option(names = "--offer-timeout", defaultValue = "60",
      description = "Seconds after which an unanswered offer is rescinded and its resources offered again, so an "
          + "idle framework cannot hold agents; 0 = never (default: ${DEFAULT-VALUE}).")
  double offerTimeout;

  @Option(names = "--max-completed-tasks", defaultValue = "1000",
      description = "Completed tasks the master remembers across all frameworks, newest kept (default: ${DEFAULT-VALUE}).")
  int maxCompletedTasks;

  @Option(names = "--max-completed-frameworks", defaultValue = "50",
      description = "Removed frameworks the master remembers; those without remembered tasks are forgotten first "
          + "(default: ${DEFAULT-VALUE}).")
  int maxCompletedFrameworks;

  @Option(names = "--max-completed-age", defaultValue = "86400",
      description = "Seconds after which a completed task or removed framework is forgotten; 0 = kept until the "
          + "counts above push it out (default: ${DEFAULT-VALUE}, a day).")
  double maxCompletedAge;

  @Option(names = "--allocation-interval", defaultValue = "1",
      description = "Seconds between periodic allocation runs (default: ${DEFAULT-VALUE}).")
  double allocationInterval;

  @Option(names = "--masters", defaultValue = "1",
      description = "How many masters this cluster runs: 1 (leader election in Hazelcast's unsafe single-member mode) "
          + "or 3 to 7 (the masters form the CP subsystem; a leader is elected once all of them joined, and any "
          + "minority may fail). Give every master the same value (default: ${DEFAULT-VALUE}).")
  int masters;

  @Option(names = "--agent-reregister-timeout", defaultValue = "10",
      description = "Seconds a new leader waits for the agents admitted before a failover to re-register; "
          + "longer while they are still coming back (until none has for a fifth of it); those not back are "
          + "recorded unreachable (default: ${DEFAULT-VALUE}).")
  double reregisterTimeout;

  @Option(names = "--leader-session-timeout", defaultValue = "10",
      description = "Seconds after which a leader that stopped heart-beating (frozen, cut off) loses the leadership "
          + "to another master; a leader whose process died is replaced as soon as the cluster notices (about a "
          + "second), whatever this is. Shorter fails over a frozen leader faster, but a longer pause (GC, a busy "
          + "machine) then deposes a live one (integer, 2 to 300; default: ${DEFAULT-VALUE}).")
  int leaderSessionTimeout;

  @Option(names = "--master-removal-timeout", paramLabel = "SECONDS",
      description = "Seconds after which a master that left the cluster (dead, or cut off) is removed from the "
          + "leader election's quorum (Hazelcast's CP subsystem). Until then it still counts in the majority: of "
          + "5 masters, losing a third before the first two are removed leaves no leader. Shorter lets the others "
          + "survive a further loss sooner; longer keeps the vote of a standby cut off for a while (removed, it is "
          + "back without one when the link heals) "
          + "(integer, from --leader-session-timeout to " + io.meso.cluster.ClusterOptions.MAX_CP_MEMBER_REMOVAL_SECONDS
          + "; default: " + io.meso.cluster.ClusterOptions.DEFAULT_CP_MEMBER_REMOVAL_SECONDS
          + ", or --leader-session-timeout when longer).")
  Integer masterRemovalTimeout;

  @Option(names = "--rehearse-agents", defaultValue = "1000",
      description = "A standby (with --masters 3 or more) rehearses re-admitting this many agents, 10 tasks each, on a "
          + "private master a few seconds after it starts, so that when it takes over it runs compiled code; 0 turns "
          + "it off. Costs a few seconds of CPU once (0 to " + MasterOptions.MAX_REHEARSAL_AGENTS
          + "; default: ${DEFAULT-VALUE}).")
  int rehearseAgents;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate (chain) of the HTTP/gRPC port; "
      + "with --tls-key the port serves only TLS (HTTP/1.1 and HTTP/2 by ALPN) and advertises https://.")
  java.nio.file.Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (unencrypted) of --tls-cert.")
  java.nio.file.Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE", description = "PEM CA this master trusts when it forwards a "
      + "request to the leading master over TLS (default: its own --tls-cert, for masters sharing one certificate).")
  java.nio.file.Path tlsCa;

  @Option(names = "--agent-gateway-port", paramLabel = "PORT", description = "Also admit agents that are not "
      + "members of the cluster (meso agent --master-gateway HOST:PORT) on this port; 0: any free port. Off when not "
      + "given. Agents prove --cluster-secret-file when set, and talk mutual TLS with --cluster-tls-* when set.")
  Integer agentGatewayPort;

  /** The HTTP/gRPC port's TLS from --tls-cert/--tls-key, or null (cleartext) when neither is given. */
  static io.meso.security.tls.ServerTls serverTls(java.nio.file.Path cert, java.nio.file.Path key) {
    return cert == null && key == null ? null : io.meso.security.tls.ServerTls.load(cert, key);
  }

  /** Refuses an --agent-gateway-port out of range or busy before anything starts. */
  static void checkGatewayPort(String host, Integer port) {
    if (port == null) {
      return;
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--agent-gateway-port is " + port + "; expected 0 (any free port) to 65535");
    }
    if (port == 0) {
      return;
    }
    try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
      socket.bind(new java.net.InetSocketAddress(host, port));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("--agent-gateway-port " + port + " is in use on " + host + " ("
          + e.getMessage() + "); give a free port, or 0 for any");
    }
  }

  /**
   * Refuses a --master-removal-timeout out of range: Hazelcast removes a missing CP member no
   * sooner than its session time-to-live (--leader-session-timeout) allows.
   */
  static void checkMasterRemovalTimeout(Integer seconds, int leaderSessionTimeout) {
    if (seconds == null) {
      return;
    }
    int max = io.meso.cluster.ClusterOptions.MAX_CP_MEMBER_REMOVAL_SECONDS;
    if (seconds < leaderSessionTimeout || seconds > max) {
      throw new IllegalArgumentException("--master-removal-timeout is " + seconds + "; expected whole seconds from "
          + "--leader-session-timeout (" + leaderSessionTimeout + ") to " + max);
    }
  }

  static int cpMemberCount(int masters) {
    if (masters == 1) {
      return 0;
    }
    if (masters < 3 || masters > 7) {
      throw new IllegalArgumentException("--masters is " + masters + "; expected 1, or 3 to 7 (two masters cannot "
          + "elect a leader safely when one fails)");
    }
    return masters;
  }

  @Option(names = "--acls", paramLabel = "FILE", description = "ACLs in Mesos's JSON format (principals to actions "
      + "and objects, e.g. run_tasks, register_frameworks, view_tasks, update_apps); with a file, what no rule allows "
      + "is denied unless it says \"permissive\": true. Default: everything allowed.")
  java.nio.file.Path aclsFile;

  /** The ACLs of {@code --acls FILE}, or allow-all; a bad file stops the start with the parse error. */
  static io.meso.security.acl.Acls acls(java.nio.file.Path file) {
    return file == null ? io.meso.security.acl.Acls.allowAll() : io.meso.security.acl.Acls.load(file);
  }

  @Override
  public Integer call() throws Exception {
    io.meso.security.acl.Acls acls = acls(aclsFile);
    int cpMembers = cpMemberCount(masters);
    if (leaderSessionTimeout < 2 || leaderSessionTimeout > 300) {
      throw new IllegalArgumentException("--leader-session-timeout is " + leaderSessionTimeout
          + "; expected whole seconds from 2 to 300");
    }
    checkMasterRemovalTimeout(masterRemovalTimeout, leaderSessionTimeout);
    long reregisterMillis = millis("--agent-reregister-timeout", reregisterTimeout);
    MasterOptions options = new MasterOptions()
        .setAgentPingIntervalMillis(millis("--agent-ping-interval", pingInterval))
        .setMaxAgentPingTimeouts(pingTimeouts)
        .setAllocationIntervalMillis(millis("--allocation-interval", allocationInterval))
        .setOfferTimeoutMillis(offerTimeoutMillis(offerTimeout))
        .setMaxCompletedTasks(count("--max-completed-tasks", maxCompletedTasks))
        .setMaxCompletedFrameworks(count("--max-completed-frameworks", maxCompletedFrameworks))
        .setMaxCompletedAgeMillis(maxCompletedAge == 0 ? 0 : millis("--max-completed-age", maxCompletedAge))
        .setFrameworkSorter(sorter("--framework-sorter", frameworkSorter))
        .setRoleSorter(sorter("--role-sorter", roleSorter))
        .setClusterSecret(node.clusterSecret())
        .setAcls(acls);
    if (rehearseAgents < 0 || rehearseAgents > MasterOptions.MAX_REHEARSAL_AGENTS) {
      throw new IllegalArgumentException("--rehearse-agents is " + rehearseAgents + "; expected 0 (off) to "
          + MasterOptions.MAX_REHEARSAL_AGENTS);
    }
    options.setRehearsalAgents(masters == 1 ? 0 : rehearseAgents);
    // TLS files are checked before anything starts: a bad one is refused naming the flag and file.
    io.meso.security.tls.ServerTls tls = serverTls(tlsCert, tlsKey);
    io.meso.security.tls.ClientTls peers = tlsCa == null ? null
        : io.meso.security.tls.ClientTls.trusting("--tls-ca", tlsCa);
    if (peers != null && tls == null) {
      throw new IllegalArgumentException("--tls-ca " + tlsCa + " was given without --tls-cert and --tls-key; it "
          + "is the CA of the masters' own TLS certificates");
    }
    io.meso.cluster.ClusterOptions clusterOptions = node.toClusterOptions(false);
    checkGatewayPort(node.host, agentGatewayPort);
    io.meso.security.authn.Authenticator authenticator = security.authenticator();
    String insecure = security.refusal("meso master", node.host, authenticator);
    if (insecure != null) {
      System.err.println(insecure);
      return 2;
    }
    options.setAuthenticator(authenticator);
    Vertx vertx;
    try {
      clusterOptions.setCpMemberCount(cpMembers).setCpSessionTtlSeconds(leaderSessionTimeout);
      if (masterRemovalTimeout != null) {
        clusterOptions.setCpMemberRemovalSeconds(masterRemovalTimeout);
      }
      vertx = MesoCluster.start(clusterOptions,
              new io.vertx.core.VertxOptions().setMetricsOptions(PrometheusMetrics.vertxMetricsOptions()))
          .toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      String portTrouble = NodeOptions.joinFailure("meso master", e.getCause());
      System.err.println(portTrouble != null ? portTrouble
          : "meso master: could not join the cluster: " + e.getCause().getMessage());
      return 2;
    }
    io.meso.cluster.proxy.MasterLinks.useTls(vertx, peers);
    Nodes.Master master;
    try {
      Nodes.ElectedMaster elected = Nodes.deployElectedMaster(vertx, options,
              new ApiServerOptions().setHost(node.host).setPort(port).setTls(tls).setAuthenticator(authenticator)
                  .setAllowedHosts(security.allowedHosts).setAcls(acls), why -> {
                System.out.println("meso master: no longer the leader (" + why + "); exiting so it can rejoin as a "
                    + "standby");
                System.out.flush();
                new Thread(() -> System.exit(3), "meso-deposed").start();
              })
          .toCompletionStage().toCompletableFuture().get();
      master = elected.master();
      master.verticle().setReregisterTimeoutMillis(reregisterMillis);
      // The services framework: /v2 on every master (forwarded to the leader), the framework on the
      // leader only, its store under the leader's fence. A store that refuses a write means another
      // master leads: this one steps down as on any deposition.
      ServicesNode services = ServicesNode.mount(vertx, master.api().router(), node.host + ":" + master.port(),
          elected.leaderAddress(), acls);
      // The jobs framework, the same way: /v1/scheduler on every master (proxied to the leader, as
      // Chronos does), the framework on the leader only, writing the registry under its fence.
      String jobsUser = ""; // no user: tasks run as the agent's --task-user unless a job names runAsUser
      JobsNode jobs = JobsNode.mount(vertx, master.api().router(), node.host + ":" + master.port(),
          elected.leaderAddress(), java.time.Clock.systemUTC(), new io.meso.jobs.runtime.JobsOptions()
              .setUser(jobsUser).setDefaults(io.meso.jobs.job.JobDefaults.MESO), acls);
      Nodes.Master leading = master;
      elected.elected().onSuccess(fence -> {
        System.out.println("  leading  fence " + fence + "  (elected leader of " + masters + " master"
            + (masters == 1 ? "" : "s") + ")");
        System.out.flush();
        services.lead(new io.meso.ha.Registry(MesoCluster.hazelcast(vertx)), fence,
                why -> leading.verticle().stepDown("the services framework's store refused a write: " + why))
            .onSuccess(f -> {
              System.out.println("  services taken over  (/v2 on every master)");
              System.out.flush();
            })
            .onFailure(err -> leading.verticle().stepDown("the services framework could not take over: " + err));
        jobs.lead(new io.meso.ha.Registry(MesoCluster.hazelcast(vertx)), fence,
                why -> leading.verticle().stepDown("the jobs framework's registry refused a write: " + why))
            .onSuccess(f -> {
              System.out.println("  jobs taken over  (/v1/scheduler on every master)");
              System.out.flush();
            })
            .onFailure(err -> leading.verticle().stepDown("the jobs framework could not take over: " + err));
      });
    } catch (java.util.concurrent.ExecutionException e) {
      vertx.close();
      System.err.println("meso master: could not start: " + e.getCause().getMessage());
      return 2;
    }
    int gatewayPort = -1;
    if (agentGatewayPort != null) {
      io.meso.cluster.gateway.AgentGateway gateway;
      try {
        gateway = new io.meso.cluster.gateway.AgentGateway(node.host, agentGatewayPort, node.clusterSecret(),
            options.getAgentProofWindowMillis(), clusterOptions.getEventBusTls(),
            io.meso.cluster.gateway.AgentGateway.DEFAULT_KEEPALIVE_MILLIS);
        vertx.deployVerticle(gateway).toCompletionStage().toCompletableFuture().get();
      } catch (IllegalArgumentException | java.util.concurrent.ExecutionException e) {
        vertx.close();
        System.err.println("meso master: --agent-gateway-port " + agentGatewayPort + ": could not listen on " + node.host
            + ": " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage())
            + "; give a free port, or 0 for any");
        return 2;
      }
      gatewayPort = gateway.port();
    }
    int clusterPort = io.meso.cluster.MesoCluster.memberPort(vertx);
    System.out.println("meso master is running");
    System.out.println("  master   " + (tls == null ? "http" : "https") + "://" + node.host + ":" + master.port() + "  (gRPC and HTTP)");
    System.out.println("  cluster  " + node.host + ":" + clusterPort + "  (agents: meso agent --join " + node.host + ":"
        + clusterPort + ")");
    if (gatewayPort >= 0) {
      System.out.println("  gateway  " + node.host + ":" + gatewayPort + "  (agents outside the cluster: meso agent "
          + "--master-gateway " + node.host + ":" + gatewayPort + ")");
    }
    System.out.flush();
    return LocalCommand.waitForShutdown(vertx);
  }

  static io.meso.allocator.AllocatorOptions.FrameworkSorter sorter(String flag, String value) {
    try {
      return io.meso.allocator.AllocatorOptions.FrameworkSorter.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " is '" + value + "'; expected drf or random");
    }
  }

  static int count(String flag, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(flag + " is " + value + "; expected a positive number");
    }
    return value;
  }

  static long offerTimeoutMillis(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < 0) {
      throw new IllegalArgumentException("--offer-timeout is " + seconds + "; expected 0 (never) or a positive number of seconds");
    }
    return seconds == 0 ? 0 : Math.max(1, (long) (seconds * 1000));
  }

  static long millis(String flag, double seconds) {
    if (!(seconds > 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException(flag + " is " + seconds + "; expected a positive number of seconds");
    }
    return Math.max(1, (long) (seconds * 1000));
  }
}
