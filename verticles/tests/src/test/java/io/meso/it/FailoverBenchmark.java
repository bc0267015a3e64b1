package io.meso.it;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.agent.ExecutorMode;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Not a test: master failover time. Three `meso master --masters 3` from the built jar; this JVM
 * joins as {@code agentNodes} lite members hosting {@code agents} simulated agents and a framework (event bus) that
 * runs {@code tasksPerAgent} long tasks on each. Then the leading master is killed with SIGKILL
 * and the time is measured until a new master leads, until it has every agent re-registered
 * (its log line "all agents re-registered after the failover agents=N"), and until the framework
 * has an offer from it. From {@code verticles/tests/}, after
 * {@code mvn -o -pl verticles/tests -am package -DskipTests}:
 * {@code java -cp target/test-classes:../cli/target/meso.jar io.meso.it.FailoverBenchmark [agents] [tasksPerAgent]
 * [sessionTimeoutSeconds] [agentNodes]}; {@code -Dmeso.bench.masterJvmFlags="..."} adds JVM flags to the masters
 * ({@code {i}} is replaced by the master's index, e.g. for one flight recording each);
 * {@code -Dmeso.bench.gateway=true} puts the agents on {@code agentNodes} non-clustered Vert.x
 * instances that reach the masters through their agent gateways ({@link BenchAgentHosts}).
 */
public final class FailoverBenchmark {

  static final Pattern LEADING = Pattern.compile("leading\\s+fence (\\d+)");

  public static void main(String[] args) throws Exception {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int perAgent = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    String sessionTimeout = args.length > 2 ? args[2] : "10";
    // The simulated agents are spread over this many lite members (clustered Vert.x instances) in
    // this JVM, as real agents are spread over hosts: after a member dies, every member re-publishes
    // its event-bus subscriptions one synchronous write at a time, and one member holding all
    // agents' subscriptions held up every agent's re-registration by that long.
    int agentNodes = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    String cluster = "meso-failover-bench-" + UUID.randomUUID();
    List<MesoProcess> masters = new ArrayList<>();
    List<Integer> http = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      http.add(MesoProcess.freePort());
      ports.add(MesoProcess.freePort());
    }
    String join = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    Vertx vertx = null;
    BenchAgentHosts hosts = new BenchAgentHosts(3);
    Path root = Files.createTempDirectory("meso-failover-bench");
    try {
      // Extra JVM flags for the masters, e.g. -Dmeso.bench.masterJvmFlags=-XX:StartFlightRecording=filename=m.jfr
      List<String> masterJvm = new ArrayList<>(List.of("-Xmx1g"));
      for (String flag : System.getProperty("meso.bench.masterJvmFlags", "").split("\\s+")) {
        if (!flag.isBlank()) {
          masterJvm.add(flag);
        }
      }
      // Extra `meso master` arguments, e.g. -Dmeso.bench.masterArgs="--rehearse-agents 0"
      List<String> extraArgs = new ArrayList<>();
      for (String arg : System.getProperty("meso.bench.masterArgs", "").split("\\s+")) {
        if (!arg.isBlank()) {
          extraArgs.add(arg);
        }
      }
      for (int i = 0; i < 3; i++) {
        List<String> args0 = new ArrayList<>(List.of("master", "--masters", "3", "--host", "127.0.0.1",
            "--port", Integer.toString(http.get(i)), "--cluster-name", cluster, "--cluster-port",
            Integer.toString(ports.get(i)), "--join", join, "--agent-ping-interval", "2", "--agent-ping-timeouts", "10",
            "--allocation-interval", "0.5", "--leader-session-timeout", sessionTimeout));
        args0.addAll(extraArgs);
        args0.addAll(hosts.masterArgs(i));
        masters.add(MesoProcess.start("bench-master" + i, masterJvm.stream().map(f -> f.replace("{i}",
            Integer.toString(masters.size()))).toList(), args0.toArray(new String[0])));
      }
      int leader = awaitLeader(masters, -1, 120_000);
      System.out.printf("leader: master %d; agents as %s, on %d Vert.x instances%n", leader, hosts.mode(), agentNodes);
      hosts.start(cluster, join, agentNodes);
      vertx = hosts.frameworkNode;
      long t = System.nanoTime();
      List<Future<String>> registered = new ArrayList<>();
      for (int i = 0; i < agents; i++) {
        AgentVerticle agent = new AgentVerticle(hosts.configure(new AgentOptions().setHostname("sim-" + i)
            .setWorkDir(root.resolve("a" + i).toString()).setResources("cpus:" + (perAgent + 1) + ";mem:4096")
            .setExecutorMode(ExecutorMode.SIMULATED)));
        registered.add(hosts.deploy(i, agent));
      }
      Future.all(registered).await(600, TimeUnit.SECONDS);
      System.out.printf("%d agents registered in %.1f s%n", agents, (System.nanoTime() - t) / 1e9);

      EventBusSchedulerClient client = new EventBusSchedulerClient(vertx);
      java.util.Set<String> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
      AtomicInteger runningAgain = new AtomicInteger();
      AtomicLong firstOfferAfterKill = new AtomicLong();
      AtomicLong killedAt = new AtomicLong();
      AtomicInteger launchedOn = new AtomicInteger();
      AtomicInteger notRunning = new AtomicInteger();
      java.util.Set<String> used = java.util.concurrent.ConcurrentHashMap.newKeySet();
      client.subscribe(FrameworkInfo.newBuilder().setName("failover-bench").setUser("").setFailoverTimeout(600).build(),
          event -> {
            if (event.getType() == Event.Type.UPDATE) {
              if (event.getUpdate().getStatus().getState() == TaskState.TASK_RUNNING) {
                if (!running.add(event.getUpdate().getStatus().getTaskId().getValue())) {
                  runningAgain.incrementAndGet(); // redelivered: its acknowledgement went to the killed leader
                }
              } else if (event.getUpdate().getStatus().getState() != TaskState.TASK_STARTING) {
                notRunning.incrementAndGet();
              }
              client.acknowledge(event.getUpdate().getStatus());
            } else if (event.getType() == Event.Type.OFFERS) {
              if (killedAt.get() != 0) {
                firstOfferAfterKill.compareAndSet(0, System.nanoTime());
              }
              for (Offer offer : event.getOffers().getOffersList()) {
                if (killedAt.get() == 0 && used.add(offer.getAgentId().getValue())) {
                  List<TaskInfo> tasks = new ArrayList<>();
                  for (int k = 0; k < perAgent; k++) {
                    tasks.add(Launches.task("t-" + launchedOn.get() + "-" + k, offer, "simulated", 1, 10).toBuilder()
                        .setData(com.google.protobuf.ByteString.copyFrom("3600000", StandardCharsets.UTF_8)).build());
                  }
                  launchedOn.incrementAndGet();
                  client.accept(List.of(offer.getId()), List.of(Launches.launch(tasks.toArray(new TaskInfo[0]))), null);
                } else {
                  client.decline(List.of(offer.getId()), 0);
                }
              }
            }
          }).await(60, TimeUnit.SECONDS);
      t = System.nanoTime();
      while (running.size() < agents * perAgent) {
        if (System.nanoTime() - t > 600e9) {
          throw new IllegalStateException("only " + running.size() + " tasks running after 600 s");
        }
        Thread.sleep(50);
      }
      System.out.printf("%d tasks running in %.1f s%n", running.size(), (System.nanoTime() - t) / 1e9);

      int survivor = (leader + 1) % 3;
      GrpcOperatorClient operator = new GrpcOperatorClient(vertx, "127.0.0.1", http.get(survivor));
      long kill = System.nanoTime();
      long killWall = System.currentTimeMillis() + java.util.TimeZone.getDefault().getOffset(System.currentTimeMillis());
      int[] welcomesBefore = hosts.welcomes();
      int throughLeader = hosts.connectedThrough(leader);
      int registrationsBefore = hosts.registrations.get();
      int reregistrationsBefore = hosts.reregistrations.get();
      killedAt.set(kill);
      new ProcessBuilder("kill", "-KILL", Long.toString(masters.get(leader).pid())).inheritIO().start().waitFor();
      int next = awaitLeader(masters, leader, 120_000);
      double elected = (System.nanoTime() - kill) / 1e9;
      double allAgents = awaitAllReregistered(masters.get(next), agents, kill, killWall, 300e9);
      while (firstOfferAfterKill.get() == 0 && System.nanoTime() - kill < 300e9) {
        Thread.sleep(20);
      }
      double offer = firstOfferAfterKill.get() == 0 ? -1 : (firstOfferAfterKill.get() - kill) / 1e9;
      System.out.printf("failover: %d agents x %d tasks; new leader (master %d) elected %.2f s, all agents "
          + "re-registered %.2f s, first offer %.2f s after kill -9%n", agents, perAgent, next, elected, allAgents, offer);
      System.out.printf("FAILOVER_SECONDS=%.2f%n", Math.max(allAgents, offer));
      // What the failover cost the agents: gateway moves, registration attempts, tasks that ended.
      Thread.sleep(5_000);
      System.out.printf("after the failover (+5 s, %s mode): %d agents were through the killed leader's gateway; %s; "
          + "%d ReregisterAgent and %d RegisterAgent sent for %d agents; %d tasks running (of %d; %d TASK_RUNNING "
          + "updates delivered again), %d updates other than STARTING/RUNNING%n", hosts.mode(), throughLeader, hosts.movesSince(welcomesBefore),
          hosts.reregistrations.get() - reregistrationsBefore, hosts.registrations.get() - registrationsBefore, agents,
          running.size(), agents * perAgent, runningAgain.get(), notRunning.get());
      if (BenchAgentHosts.DEBUG_SENT) {
        System.out.println("sent by the agents' hosts: " + new java.util.TreeMap<>(hosts.sent));
      }
      System.out.printf("new leader's tasks: %s%n", BenchAgentHosts.leaderTasks(http.get(next), (long) agents * perAgent,
          60));
      operator.close();
    } finally {
      hosts.stopAll(masters, root);
    }
    System.exit(0);
  }

  /**
   * Seconds from the kill to the new leader's log line "all agents re-registered after the failover
   * agents=N" (its own log time, same clock as ours), or -1 if it did not come within {@code maxNanos}.
   */
  static double awaitAllReregistered(MesoProcess leader, int agents, long kill, long killWall, double maxNanos)
      throws Exception {
    Pattern reregistered = Pattern.compile(
        "(?m)^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) .*all agents re-registered after the failover agents=(\\d+)");
    long readFrom = 0;
    while (System.nanoTime() - kill < maxNanos) {
      // Only what the log gained since the last look (the master shares this machine's CPU).
      String gained;
      try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(leader.stderr.toFile(), "r")) {
        long end = f.length();
        long from = Math.max(0, readFrom - 4096); // a line may have been half written
        byte[] bytes = new byte[(int) (end - from)];
        f.seek(from);
        f.readFully(bytes);
        gained = new String(bytes, StandardCharsets.UTF_8);
        readFrom = end;
      }
      Matcher m = reregistered.matcher(gained);
      if (m.find()) {
        if (Integer.parseInt(m.group(5)) != agents) {
          throw new IllegalStateException("the new leader expected " + m.group(5) + " agents, not " + agents);
        }
        long last = ((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60 + Long.parseLong(m.group(3)))
            * 1000 + Long.parseLong(m.group(4));
        return (last - killWall % 86_400_000L) / 1000.0;
      }
      Thread.sleep(100);
    }
    return -1;
  }

  /** {@code count} (at least one) clustered Vert.x instances joining {@code join} as Hazelcast lite members. */
  static List<Vertx> joinLiteMembers(String cluster, String join, int count) throws Exception {
    List<Future<Vertx>> joining = new ArrayList<>();
    for (int n = 0; n < Math.max(1, count); n++) {
      joining.add(MesoCluster.start(ClusterOptions.loopbackForTest().setClusterName(cluster).setLiteMember(true)
          .setJoin(List.of(join.split(","))), new VertxOptions()));
    }
    List<Vertx> nodes = new ArrayList<>();
    for (Future<Vertx> f : joining) {
      nodes.add(f.await(180, TimeUnit.SECONDS));
    }
    return nodes;
  }

  /** Stops the masters (SIGTERM, then SIGKILL), closes the lite members and deletes the agents' work dirs. */
  static void stopAll(List<MesoProcess> masters, List<Vertx> nodes, Path root) throws Exception {
    for (MesoProcess m : masters) {
      m.close();
    }
    for (Vertx node : nodes) {
      node.close().await(120, TimeUnit.SECONDS);
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static int awaitLeader(List<MesoProcess> masters, int not, long millis) throws Exception {
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      for (int i = 0; i < masters.size(); i++) {
        if (i != not && masters.get(i).process.isAlive()) {
          Matcher m = LEADING.matcher(Files.readString(masters.get(i).stdout));
          if (m.find()) {
            return i;
          }
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no master leads after " + millis + " ms");
  }
}
