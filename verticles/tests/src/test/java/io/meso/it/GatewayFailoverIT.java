package io.meso.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.executor.TaskCheckpoint;
import io.meso.proto.AgentSummary;
import io.meso.proto.TaskSummary;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent gateway under {@code kill -9}, from the built jar on 127.0.0.1: three
 * {@code meso master --masters 3 --agent-gateway-port P} and three agents started with
 * {@code --master-gateway} (their own JVMs, not Hazelcast members: each master's member list,
 * logged by Hazelcast, holds the three masters only). A framework runs a long and a short task on
 * every agent.
 *
 * <ol>
 *   <li>A gateway agent's JVM is killed with SIGKILL while one of its tasks ends; restarted on the
 *       same work dir it re-adopts its live task, reports the ended one with its exit status, and
 *       is the same agent to the master. It is restarted with its gateways in an order that makes
 *       it connect through the leading master's gateway (an agent picks its first gateway from
 *       its id, which the work dir keeps).</li>
 *   <li>The leading master, whose gateway that agent is connected through, is killed with
 *       SIGKILL: a standby takes over with a higher fence, the agent moves to another gateway,
 *       and every agent (those whose gateway survived learn of the election through it)
 *       re-registers with the new leader.</li>
 * </ol>
 * At the end every task launched ran once, on its agent, and finished or was killed once; no task
 * was lost, and each transition reached the framework once.
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class GatewayFailoverIT {

  static final Duration STARTUP = Duration.ofSeconds(150);
  static final Duration CHANGE = Duration.ofSeconds(90);
  static final Pattern LEADING = Pattern.compile("leading\\s+fence (\\d+)");
  static final Pattern CONNECTED = Pattern.compile("connected to the cluster through agent gateway (\\S+) agent_id=(\\S+)");
  static final Pattern MEMBERS = Pattern.compile("Members \\{size:(\\d+), ver:\\d+\\}");
  static final int AGENTS = 3;

  static {
    // Load what the test uses late up front: a concurrent build in the same tree may be
    // rewriting target/test-classes while this test runs.
    for (Class<?> c : List.of(Launches.class, FrameworkRecorder.class, GrpcOperatorClient.class, AgentSummary.class,
        TaskSummary.class, TaskStatus.class, TaskID.class)) {
      c.getName();
    }
  }

  final List<MesoProcess> masters = new ArrayList<>();
  final List<MesoProcess> agents = new ArrayList<>();
  final List<String[]> agentArgs = new ArrayList<>();
  final List<Path> workDirs = new ArrayList<>();
  final List<Integer> httpPorts = new ArrayList<>();
  final List<String> gateways = new ArrayList<>();
  final List<MesoProcess> stopped = new ArrayList<>();
  Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    // Agents with SIGTERM (they clean up their tasks' cgroups), masters with SIGKILL (MesoProcess.killAll).
    MesoProcess.killAll(masters);
    MesoProcess.closeAll(Stream.concat(agents.stream(), stopped.stream()).toList());
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Index of the live master that printed it leads, with its fence; null while none does. */
  long[] leader() throws Exception {
    long[] found = null;
    for (int i = 0; i < masters.size(); i++) {
      MesoProcess m = masters.get(i);
      if (!m.isAlive()) {
        continue;
      }
      Matcher matcher = LEADING.matcher(Files.readString(m.stdout));
      if (matcher.find()) {
        assertThat(found).as("two live masters say they lead").isNull();
        found = new long[] {i, Long.parseLong(matcher.group(1))};
      }
    }
    return found;
  }

  /** The gateways an agent's log says it was admitted through, in order. */
  static List<String> connections(MesoProcess agent) throws Exception {
    List<String> found = new ArrayList<>();
    Matcher m = CONNECTED.matcher(Files.readString(agent.stderr));
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** The agent id an agent's log names when it was first admitted through a gateway. */
  static String agentId(MesoProcess agent) throws Exception {
    Matcher m = CONNECTED.matcher(Files.readString(agent.stderr));
    assertThat(m.find()).as(agent.name + " was admitted through a gateway").isTrue();
    return m.group(2);
  }

  /** The size of the last Hazelcast member list a master logged, or -1 before it logged one. */
  static int lastMemberCount(MesoProcess master) throws Exception {
    Matcher m = MEMBERS.matcher(Files.readString(master.stderr));
    int size = -1;
    while (m.find()) {
      size = Integer.parseInt(m.group(1));
    }
    return size;
  }

  static long count(MesoProcess p, String text) throws Exception {
    return Files.readString(p.stderr).lines().filter(l -> l.contains(text)).count();
  }

  MesoProcess startAgent(int i, String name, List<String> gatewayList) throws Exception {
    String[] args = {"agent", "--master-gateway", String.join(",", gatewayList), "--host", "127.0.0.1",
        "--port", Integer.toString(MesoProcess.freePort()), "--work-dir", workDirs.get(i).toString(),
        "--resources", "cpus:2;mem:1024;disk:100"};
    return MesoProcess.start(name, MesoProcess.SHORT_LIVED, args);
  }

  static long checkpointedPid(Path workDir, FrameworkID framework, String taskId) throws Exception {
    Path dir = TaskCheckpoint.dir(workDir, framework.getValue(), taskId);
    await().atMost(CHANGE).until(() -> {
      TaskCheckpoint.Recovered r = TaskCheckpoint.read(dir);
      return r != null && r.pid() > 0;
    });
    return TaskCheckpoint.read(dir).pid();
  }

  static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The task's updates other than reconciliation answers. */
  static List<TaskStatus> transitions(FrameworkRecorder framework, String taskId) {
    return framework.updates(taskId).stream().filter(s -> s.getReason() != TaskStatus.Reason.REASON_RECONCILIATION)
        .toList();
  }

  @Test
  void killingAGatewayAgentAndTheLeaderWhoseGatewayItUsesLosesNoTask() throws Exception {
    String cluster = "meso-gw-" + UUID.randomUUID();
    List<Integer> clusterPorts = new ArrayList<>();
    while (clusterPorts.size() < 3) {
      int port = MesoProcess.freeFixedPort();
      if (!clusterPorts.contains(port)) {
        clusterPorts.add(port);
      }
    }
    String join = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    // Pings every second, 60 missed before an agent is unreachable, and 60 s for agents to
    // re-register after a failover: a killed agent restarted (a JVM start, seconds on a busy
    // machine) or moved to another gateway stays admitted, as AgentRestartIT's does. (Past the
    // timeout the master would rightly end its tasks TASK_LOST and kill them when it comes back:
    // the framework is not partition-aware. Cutting an agent off past it is NetnsClusterIT's case.)
    for (int i = 0; i < 3; i++) {
      // Hazelcast's member list at INFO: the test reads from it who is a member of the cluster.
      masters.add(MesoProcess.start("gw-master" + i, Map.of("MESO_HAZELCAST_LOG_LEVEL", "INFO"),
          MesoProcess.SHORT_LIVED,
          "master", "--masters", "3", "--host", "127.0.0.1", "--port", "0", "--cluster-name", cluster,
          "--cluster-port", Integer.toString(clusterPorts.get(i)), "--join", join, "--agent-gateway-port", "0",
          "--rehearse-agents", "0", "--agent-ping-interval", "1", "--agent-ping-timeouts", "60",
          "--agent-reregister-timeout", "60", "--allocation-interval", "0.2"));
    }
    // Each master's HTTP and gateway ports are chosen by the system and read from its output.
    for (MesoProcess m : masters) {
      httpPorts.add(Integer.parseInt(m.awaitOutput("master\\s+http://127\\.0\\.0\\.1:(\\d+)", STARTUP)));
      gateways.add(m.awaitOutput("gateway\\s+(127\\.0\\.0\\.1:\\d+)", STARTUP));
    }
    for (int i = 0; i < AGENTS; i++) {
      workDirs.add(Files.createTempDirectory("meso-gw-agent" + i));
      agents.add(startAgent(i, "gw-agent" + i, gateways));
    }
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> leader() != null);
    long[] first = leader();
    int leaderIndex = (int) first[0];
    List<Integer> standbys = Stream.of(1, 2).map(d -> (leaderIndex + d) % 3).toList();
    int standby = standbys.get(0);

    vertx = Vertx.vertx();
    GrpcOperatorClient operator = new GrpcOperatorClient(vertx, "127.0.0.1", httpPorts.get(standby));
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> operator.getState()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).getAgentsList().stream()
        .filter(AgentSummary::getActive).count() == AGENTS);
    List<String> agentIds = new ArrayList<>();
    for (MesoProcess a : agents) {
      agentIds.add(agentId(a));
      assertThat(gateways).as("the gateway " + a.name + " is connected through").contains(connections(a).get(0));
    }

    // The gateway agents are not members of the cluster: each master's member list holds the masters only.
    for (MesoProcess m : masters) {
      await().atMost(CHANGE).until(() -> lastMemberCount(m) == 3);
    }

    // The framework reaches a standby first, so the leader's death does not cut its connection.
    List<SocketAddress> masterList = Stream.concat(standbys.stream(), Stream.of(leaderIndex))
        .map(i -> SocketAddress.inetSocketAddress(httpPorts.get(i), "127.0.0.1")).toList();
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, masterList);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    FrameworkID frameworkId = client.subscribe(FrameworkInfo.newBuilder().setName("gateway-failover").setUser("")
            .setFailoverTimeout(120).build(), framework::onEvent)
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    // The agent to restart: one not connected through the leader's gateway, if there is one.
    String leaderGateway = gateways.get(leaderIndex);
    int restarted = 0;
    for (int i = 0; i < AGENTS; i++) {
      if (!connections(agents.get(i)).get(0).equals(leaderGateway)) {
        restarted = i;
        break;
      }
    }
    String restartedId = agentIds.get(restarted);

    // On every agent a task that runs until killed and one that ends by itself (before, while or
    // after the agents and the leader are killed, as the machine's speed has it); on the
    // agent to restart, also one that ends (exit 7) while its agent is down.
    String waitForGo = "while [ ! -f go ]; do sleep 0.05; done; exit ";
    Map<String, AgentID> tasks = new LinkedHashMap<>();
    Map<String, String> sleepArg = new LinkedHashMap<>();
    java.util.Set<String> agentsUsed = new java.util.HashSet<>();
    int seen = 0;
    while (agentsUsed.size() < AGENTS) {
      int before = seen++;
      await().atMost(CHANGE).until(() -> framework.offers().size() > before);
      Offer offer = framework.offers().get(before);
      String agent = offer.getAgentId().getValue();
      if (!agentsUsed.add(agent)) {
        client.decline(List.of(offer.getId()), 0);
        continue;
      }
      int n = agentIds.indexOf(agent);
      assertThat(n).as("offered agent " + agent + " is one of " + agentIds).isNotNegative();
      List<io.meso.v1.TaskInfo> launch = new ArrayList<>();
      sleepArg.put("long-" + n, Integer.toString(61_000 + n));
      launch.add(Launches.task("long-" + n, offer, "sleep " + sleepArg.get("long-" + n), 0.1, 32));
      launch.add(Launches.task("short-" + n, offer, "sleep 12", 0.1, 32));
      if (n == restarted) {
        launch.add(Launches.task("ends-while-down", offer, waitForGo + 7, 0.1, 32));
      }
      for (io.meso.v1.TaskInfo t : launch) {
        tasks.put(t.getTaskId().getValue(), offer.getAgentId());
      }
      client.accept(List.of(offer.getId()), List.of(Launches.launch(launch.toArray(io.meso.v1.TaskInfo[]::new))),
          null).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    for (String id : tasks.keySet()) {
      await().atMost(CHANGE).until(() -> framework.updates(id).stream()
          .anyMatch(s -> s.getState() == TaskState.TASK_RUNNING));
    }

    // 1. kill -9 of a gateway agent; one of its tasks ends while it is down.
    Path workDir = workDirs.get(restarted);
    long longPid = checkpointedPid(workDir, frameworkId, "long-" + restarted);
    long downPid = checkpointedPid(workDir, frameworkId, "ends-while-down");
    MesoProcess killedAgent = agents.get(restarted);
    killedAgent.signal("KILL");
    assertThat(killedAgent.process.waitFor(30, TimeUnit.SECONDS)).as("the killed agent exited").isTrue();
    stopped.add(killedAgent);
    assertThat(List.of(longPid, downPid)).allMatch(GatewayFailoverIT::alive);
    Path sandbox = workDir.resolve("frameworks").resolve(frameworkId.getValue()).resolve("tasks")
        .resolve("ends-while-down");
    Files.writeString(sandbox.resolve("go"), "");
    await().atMost(CHANGE).until(() -> !alive(downPid)
        && Files.isRegularFile(sandbox.resolve("exit_status")));

    // Restarted on the same work dir (so with the same id) with its gateways reordered so that
    // the one it picks first is the leader's: the leader's death below then moves it.
    List<String> reordered = new ArrayList<>(gateways);
    Collections.swap(reordered, gateways.indexOf(connections(killedAgent).get(0)), leaderIndex);
    MesoProcess again = startAgent(restarted, "gw-agent" + restarted + "-restarted", reordered);
    agents.set(restarted, again);
    TaskStatus failed = awaitUpdate(framework, "ends-while-down", TaskState.TASK_FAILED, STARTUP);
    assertThat(failed.getMessage()).isEqualTo("Command exited with status 7");
    assertThat(connections(again)).as("the restarted agent's gateways (it picks its first from its id: "
        + "restarted with the leader's gateway in that place)").first().isEqualTo(leaderGateway);
    assertThat(agentId(again)).as("the restarted agent's id").isEqualTo(restartedId);
    assertThat(alive(longPid)).as("the restarted agent's long task's process").isTrue();
    await().atMost(CHANGE).pollInterval(Duration.ofMillis(200)).until(() -> {
      List<AgentSummary> now = operator.getState().toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).getAgentsList();
      return now.size() == AGENTS && now.stream().allMatch(AgentSummary::getActive);
    });
    assertThat(masterState(operator, "long-" + restarted)).isEqualTo(TaskState.TASK_RUNNING);

    // 2. kill -9 of the leading master, whose gateway the restarted agent is connected through.
    long[] reregisteredBefore = new long[AGENTS];
    for (int i = 0; i < AGENTS; i++) {
      reregisteredBefore[i] = count(agents.get(i), "re-registered with the master");
    }
    masters.get(leaderIndex).signal("KILL");
    assertThat(masters.get(leaderIndex).process.waitFor(30, TimeUnit.SECONDS)).as("the killed master exited").isTrue();
    await().atMost(CHANGE).pollInterval(Duration.ofMillis(100)).until(() -> leader() != null);
    long[] second = leader();
    assertThat(second[0]).isNotEqualTo(first[0]);
    assertThat(second[1]).as("the new leader's fencing token").isGreaterThan(first[1]);
    // The restarted agent moved to a surviving gateway; every agent re-registered with the new leader.
    await().atMost(CHANGE).pollInterval(Duration.ofMillis(200)).until(() -> connections(again).size() >= 2);
    assertThat(connections(again).get(connections(again).size() - 1)).isNotEqualTo(leaderGateway);
    for (int i = 0; i < AGENTS; i++) {
      MesoProcess a = agents.get(i);
      long before = reregisteredBefore[i];
      await(a.name + " re-registers with the new leader").atMost(CHANGE).pollInterval(Duration.ofMillis(200))
          .until(() -> count(a, "re-registered with the master") > before);
    }
    // Through the gateways too, agents came back by digest, from the new leader's copy of their tasks
    // (an agent holding an unacknowledged end sends its tasks instead).
    long byDigest = 0;
    for (MesoProcess a : agents) {
      byDigest += count(a, "by_digest=true");
    }
    assertThat(byDigest).as("agents re-admitted from the new leader's copy through a gateway").isPositive();
    await().atMost(CHANGE).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
      List<AgentSummary> now = operator.getState().toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).getAgentsList();
      return now.size() == AGENTS && now.stream().allMatch(AgentSummary::getActive)
          && now.stream().map(s -> s.getAgentInfo().getId().getValue()).collect(Collectors.toSet())
              .equals(new java.util.HashSet<>(agentIds));
    });
    for (int i : standbys) {
      MesoProcess m = masters.get(i);
      await().atMost(CHANGE).until(() -> lastMemberCount(m) == 2);
    }

    // The short tasks' ends reach the framework; the long tasks are killed through the new leader.
    for (int n = 0; n < AGENTS; n++) {
      awaitUpdate(framework, "short-" + n, TaskState.TASK_FINISHED, CHANGE);
    }
    for (int n = 0; n < AGENTS; n++) {
      assertThat(processesSleeping(sleepArg.get("long-" + n))).as("processes of long-" + n).isEqualTo(1);
      client.kill(TaskID.newBuilder().setValue("long-" + n).build(), tasks.get("long-" + n))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    for (int n = 0; n < AGENTS; n++) {
      awaitUpdate(framework, "long-" + n, TaskState.TASK_KILLED, CHANGE);
      assertThat(masterState(operator, "long-" + n)).as("the new leader's state of long-" + n)
          .isEqualTo(TaskState.TASK_KILLED);
    }
    await().atMost(CHANGE).until(() -> !alive(longPid));

    // Invariants: every task ran once, on its agent, and every transition reached the framework once.
    for (Map.Entry<String, AgentID> t : tasks.entrySet()) {
      String id = t.getKey();
      TaskState end = id.startsWith("long-") ? TaskState.TASK_KILLED
          : id.startsWith("short-") ? TaskState.TASK_FINISHED : TaskState.TASK_FAILED;
      List<TaskStatus> updates = transitions(framework, id);
      assertThat(updates.stream().map(TaskStatus::getState).toList()).as("transitions of " + id)
          .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, end);
      assertThat(updates.stream().map(TaskStatus::getUuid).toList()).as("uuids of the updates of " + id)
          .doesNotHaveDuplicates();
      assertThat(framework.updates(id)).as("every update of " + id + " came from the agent it was launched on")
          .allMatch(s -> s.getAgentId().equals(t.getValue()));
      // A task that ended before the failover is not in the new leader's memory (as in Mesos,
      // completed tasks are not in the registry): it knows the state of a task only as its end.
      assertThat(masterState(operator, id)).as("the new leader's state of " + id).isIn(end, null);
    }
    client.teardown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client.close();
  }

  /** As FrameworkRecorder.awaitUpdate, with a timeout for a busy machine. */
  static TaskStatus awaitUpdate(FrameworkRecorder framework, String taskId, TaskState state, Duration timeout) {
    await().atMost(timeout).until(() -> framework.updates(taskId).stream().anyMatch(s -> s.getState() == state));
    return framework.updates(taskId).stream().filter(s -> s.getState() == state).findFirst().orElseThrow();
  }

  static TaskState masterState(GrpcOperatorClient operator, String taskId) throws Exception {
    for (TaskSummary t : operator.getTasks(true).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .getTasksList()) {
      if (t.getTask().getTaskId().getValue().equals(taskId)) {
        return t.getTask().getState();
      }
    }
    return null;
  }

  /** Processes running {@code sleep <arg>} (each long task sleeps a number of its own). */
  static long processesSleeping(String arg) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/sleep") || c.equals("sleep")).orElse(false))
        .filter(p -> p.info().arguments().map(a -> a.length == 1 && a[0].equals(arg)).orElse(false))
        .count();
  }
}
