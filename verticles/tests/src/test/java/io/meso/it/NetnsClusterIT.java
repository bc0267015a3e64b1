package io.meso.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three masters and three agents from the built jar, each in its own network namespace with its
 * own address on a bridge ({@code scripts/netns-cluster}), so that nothing can reach another node
 * over loopback. Two agents are members of the cluster ({@code --join}); the third reaches the
 * masters through their agent gateways ({@code --master-gateway}, every master runs one), and the
 * masters' member lists show it is no member. A framework in this JVM (root namespace, over the
 * bridge, partition-aware) runs long-lived tasks on every agent. The leading master's link is cut:
 * a standby takes over, the cut one steps down and exits (a gateway agent connected through it
 * moves to another gateway), and the framework launches again. The gateway agent's link is cut
 * past the master's ping timeout: its tasks go TASK_UNREACHABLE, and once healed (it connects to a
 * gateway again) TASK_RUNNING again. At the end every task runs, once, on the agent it was
 * launched on, and each transition reached the framework once. Needs root (CI runs as root);
 * without it the test fails saying so.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NetnsClusterIT {

  static final Duration STARTUP = Duration.ofSeconds(120);
  static final Duration CHANGE = Duration.ofSeconds(90);
  static final Path SCRIPT = Path.of("..", "..", "scripts", "netns-cluster").toAbsolutePath().normalize();
  static final String SUBNET = System.getenv().getOrDefault("MESO_NETNS_SUBNET", "10.77.3");
  static final List<String> MASTERS = List.of("m1", "m2", "m3");
  static final List<String> AGENTS = List.of("a1", "a2", "a3");
  static final int HTTP_PORT = 5050;
  static final int CLUSTER_PORT = 5701;
  static final int GATEWAY_PORT = 5052;
  /** The agent that reaches the masters through their gateways; the others join the cluster. */
  static final String GATEWAY_AGENT = "a3";

  static final String ID = Long.toString(System.nanoTime() % 60_466_176L, 36); // at most 5 characters
  static final Path STATE_DIR = Path.of("target", "netns").toAbsolutePath();
  static boolean up;
  static Vertx vertx;
  static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(2)).build();

  static String address(String node) {
    return SUBNET + "." + ((node.startsWith("m") ? 10 : 20) + Integer.parseInt(node.substring(1)));
  }

  static Path runDir() {
    return STATE_DIR.resolve("mit-" + ID);
  }

  static Path workDir(String agent) {
    return runDir().resolve("work").resolve(agent);
  }

  /** Runs the script with this run's prefix, id and directories; returns its output, failing on a non-zero exit. */
  static String script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("MESO_NETNS_PREFIX", "mit");
    env.put("MESO_NETNS_ID", ID);
    env.put("MESO_NETNS_SUBNET", SUBNET);
    env.put("MESO_NETNS_DIR", STATE_DIR.toString());
    env.put("MESO_JAR", MesoProcess.jar().toAbsolutePath().toString());
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    // Masters bind the bridge's addresses, not loopback.
    env.put("MESO_INSECURE", "true");
    // Hazelcast's member lists at INFO: the test reads from the masters' who is a member of the cluster.
    env.put("MESO_HAZELCAST_LOG_LEVEL", "INFO");
    env.remove("MESO_CONFIG");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("scripts/netns-cluster " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  @BeforeAll
  static void requireRootAndNetns() throws Exception {
    assertThat(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
            StandardCharsets.UTF_8).trim())
        .as("NetnsClusterIT runs masters and agents in network namespaces: it must run as root (CI does)")
        .isEqualTo("0");
    Process netns = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
    String out = new String(netns.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(netns.waitFor()).as("`ip netns list` must work (iproute2 with network namespaces): " + out).isZero();
    Files.createDirectories(STATE_DIR);
  }

  @AfterAll
  static void down() throws Exception {
    try {
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } finally {
      if (up) {
        script("down");
      }
    }
  }

  /** The leading master's node name, read from a live master's /redirect; null while none answers with one. */
  static String leader(List<String> askable) {
    for (String m : askable) {
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address(m) + ":" + HTTP_PORT
            + "/redirect")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        String location = r.headers().firstValue("location").orElse("");
        for (String candidate : MASTERS) {
          if (r.statusCode() == 307 && location.equals("//" + address(candidate) + ":" + HTTP_PORT)) {
            return candidate;
          }
        }
      } catch (IOException e) {
        // not up yet, or cut off: ask the next one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  static JsonObject state(String master) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address(master) + ":"
        + HTTP_PORT + "/state")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("/state of " + master).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static long pid(String node) throws IOException {
    return Long.parseLong(Files.readString(runDir().resolve("pids").resolve(node)).trim());
  }

  /** Processes running `sleep <arg>` (each task sleeps a number of its own). */
  static long processesSleeping(String arg) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/sleep") || c.equals("sleep")).orElse(false))
        .filter(p -> p.info().arguments().map(a -> a.length == 1 && a[0].equals(arg)).orElse(false))
        .count();
  }

  /** Sandboxes of a task across every agent's work dir. */
  static List<Path> sandboxes(String taskId) throws IOException {
    List<Path> found = new ArrayList<>();
    for (String a : AGENTS) {
      Path frameworks = workDir(a).resolve("frameworks");
      if (!Files.isDirectory(frameworks)) {
        continue;
      }
      try (Stream<Path> fws = Files.list(frameworks)) {
        for (Path fw : fws.toList()) {
          Path sandbox = fw.resolve("tasks").resolve(taskId);
          if (Files.isDirectory(sandbox)) {
            found.add(sandbox);
          }
        }
      }
    }
    return found;
  }

  @Test
  void cuttingTheLeadersAndAnAgentsLinksLosesNoTaskAndReportsEachTransitionOnce() throws Exception {
    String cluster = "mit-" + ID;
    script("up", Integer.toString(MASTERS.size()), Integer.toString(AGENTS.size()));
    up = true;
    String join = MASTERS.stream().map(m -> address(m) + ":" + CLUSTER_PORT).collect(Collectors.joining(","));
    for (String m : MASTERS) {
      script("start", m, "master", "--masters", "3", "--port", Integer.toString(HTTP_PORT),
          "--cluster-name", cluster, "--cluster-port", Integer.toString(CLUSTER_PORT), "--join", join,
          "--leader-session-timeout", "3", "--agent-ping-interval", "0.5", "--agent-ping-timeouts", "6",
          "--agent-reregister-timeout", "20", "--allocation-interval", "0.2", "--rehearse-agents", "0",
          "--agent-gateway-port", Integer.toString(GATEWAY_PORT));
    }
    String gateways = MASTERS.stream().map(m -> address(m) + ":" + GATEWAY_PORT).collect(Collectors.joining(","));
    for (String a : AGENTS) {
      Files.createDirectories(workDir(a));
      List<String> reach = a.equals(GATEWAY_AGENT) ? List.of("--master-gateway", gateways)
          : List.of("--cluster-name", cluster, "--cluster-port", Integer.toString(CLUSTER_PORT), "--join", join);
      List<String> args = new ArrayList<>(List.of("start", a, "agent", "--port", "5051"));
      args.addAll(reach);
      args.addAll(List.of("--work-dir", workDir(a).toString(), "--resources", "cpus:1;mem:512;disk:100"));
      script(args.toArray(String[]::new));
    }
    String firstLeader = await().atMost(STARTUP).pollInterval(Duration.ofMillis(500))
        .until(() -> leader(MASTERS), java.util.Objects::nonNull);
    List<String> standbys = MASTERS.stream().filter(m -> !m.equals(firstLeader)).toList();
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).until(() -> state(standbys.get(0))
        .getJsonArray("slaves").stream().filter(s -> ((JsonObject) s).getBoolean("active", false)).count() == 3);

    // The framework reaches the masters over the bridge; the standbys first, so the cut of the
    // leader's link does not cut its own connection (its subscription is served through a standby).
    vertx = Vertx.vertx();
    List<SocketAddress> masterList = Stream.concat(standbys.stream(), Stream.of(firstLeader))
        .map(m -> SocketAddress.inetSocketAddress(HTTP_PORT, address(m))).toList();
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, masterList);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("netns").setUser("").setFailoverTimeout(300)
            .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
            .build(), framework::onEvent)
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    // Two long-lived tasks on every agent; each sleeps a number of its own, so its processes can be counted.
    Map<String, AgentID> tasks = new LinkedHashMap<>();
    Map<String, String> sleepArg = new HashMap<>();
    Set<String> agentsUsed = new java.util.HashSet<>();
    int seen = 0;
    while (agentsUsed.size() < AGENTS.size()) {
      Offer offer = framework.awaitOffer(seen++);
      if (!agentsUsed.add(offer.getAgentId().getValue())) {
        client.decline(List.of(offer.getId()), 0);
        continue;
      }
      List<io.meso.v1.TaskInfo> launch = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        String id = "t" + tasks.size();
        tasks.put(id, offer.getAgentId());
        sleepArg.put(id, Integer.toString(70_000 + tasks.size()));
        launch.add(Launches.task(id, offer, "sleep " + sleepArg.get(id), 0.1, 16));
      }
      client.accept(List.of(offer.getId()), List.of(Launches.launch(launch.toArray(io.meso.v1.TaskInfo[]::new))), null)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    for (String id : tasks.keySet()) {
      await().atMost(CHANGE).until(() -> framework.updates(id).stream().anyMatch(s -> s.getState() == TaskState.TASK_RUNNING));
    }
    Map<String, String> agentOfHost = new HashMap<>();
    for (Object s : state(standbys.get(0)).getJsonArray("slaves")) {
      JsonObject agent = (JsonObject) s;
      agentOfHost.put(agent.getString("hostname"), agent.getString("id"));
    }
    for (String a : AGENTS) {
      assertThat(agentOfHost).as("agents by the address they advertise").containsKey(address(a));
      assertThat(tasks.values().stream().map(AgentID::getValue)).as("tasks on " + a).contains(agentOfHost.get(address(a)));
    }
    // The member agents are in every master's Hazelcast member list; the gateway agent is in none
    // (it runs no Hazelcast: it is admitted through a gateway, which its log names).
    Path gatewayAgentLog = runDir().resolve("logs").resolve(GATEWAY_AGENT + ".err");
    assertThat(Files.readString(gatewayAgentLog)).as("the gateway agent's log")
        .contains("connected to the cluster through agent gateway " + SUBNET + ".");
    for (String m : MASTERS) {
      await("the members " + m + " lists").atMost(CHANGE).pollInterval(Duration.ofMillis(500)).until(() -> {
        String members = lastMemberList(m);
        return members != null && AGENTS.stream().filter(a -> !a.equals(GATEWAY_AGENT))
            .allMatch(a -> members.contains("Member [" + address(a) + "]:" + CLUSTER_PORT));
      });
      assertThat(memberLists(m)).as("Hazelcast member lists logged by " + m)
          .allSatisfy(list -> assertThat(list).doesNotContain("[" + address(GATEWAY_AGENT) + "]"));
    }

    // 1. Cut the leading master off. A standby takes over; the cut one steps down and exits.
    long cutLeaderPid = pid(firstLeader);
    int offersBefore = framework.offers().size();
    script("cut", firstLeader);
    await().atMost(CHANGE).pollInterval(Duration.ofMillis(200)).until(() -> {
      String now = leader(standbys);
      return now != null && !now.equals(firstLeader);
    });
    String secondLeader = leader(standbys);
    await().atMost(CHANGE).pollInterval(Duration.ofMillis(500))
        .until(() -> ProcessHandle.of(cutLeaderPid).map(p -> !p.isAlive()).orElse(true));
    assertThat(Files.readString(runDir().resolve("logs").resolve(firstLeader + ".out")))
        .as("the cut leader says why it exited").contains("no longer the leader");

    // The framework carries on through the new leader: one more task, on whichever agent the new
    // leader offers (its offers' ids start with its master id; the old leader's are void).
    String newLeaderId = state(secondLeader).getString("id");
    Offer after = await().atMost(CHANGE).until(() -> framework.offers().stream().skip(offersBefore)
        .filter(o -> o.getId().getValue().startsWith(newLeaderId))
        .filter(o -> o.getResourcesList().stream().anyMatch(r -> r.getName().equals("cpus") && r.getScalar().getValue() >= 0.1))
        .reduce((x, y) -> y).orElse(null), o -> o != null);
    String afterId = "t" + tasks.size();
    tasks.put(afterId, after.getAgentId());
    sleepArg.put(afterId, Integer.toString(70_000 + tasks.size()));
    client.accept(List.of(after.getId()), List.of(Launches.launch(Launches.task(afterId, after, "sleep "
            + sleepArg.get(afterId), 0.1, 16))), null).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    await().atMost(CHANGE).until(() -> framework.updates(afterId).stream().anyMatch(s -> s.getState() == TaskState.TASK_RUNNING));

    // 2. Cut the gateway agent off past the master's ping timeout and past the gateway's keepalive
    // (both ends drop the silent connection), then heal: its tasks go TASK_UNREACHABLE, then
    // TASK_RUNNING once it is admitted through a gateway again and re-registered.
    String cutAgent = GATEWAY_AGENT;
    AgentID cutAgentId = AgentID.newBuilder().setValue(agentOfHost.get(address(cutAgent))).build();
    List<String> cutTasks = tasks.entrySet().stream().filter(e -> e.getValue().equals(cutAgentId))
        .map(Map.Entry::getKey).toList();
    assertThat(cutTasks).isNotEmpty();
    Path cutAgentLog = runDir().resolve("logs").resolve(cutAgent + ".err");
    // (It may have lost a gateway already: when the leader's link was cut, if it was connected through the leader's.)
    long lostBefore = count(cutAgentLog, "lost agent gateway");
    long admittedBefore = count(cutAgentLog, "connected to the cluster through agent gateway");
    script("cut", cutAgent);
    for (String id : cutTasks) {
      await().atMost(CHANGE).until(() -> framework.updates(id).stream()
          .anyMatch(s -> s.getState() == TaskState.TASK_UNREACHABLE));
    }
    await("the cut agent drops its silent gateway connection").atMost(CHANGE).pollInterval(Duration.ofMillis(200))
        .until(() -> count(cutAgentLog, "lost agent gateway") > lostBefore);
    script("heal", cutAgent);
    // Healed, the agent connects to a gateway again (after its backoff) and re-registers. If the
    // gateway it left had not yet noticed the silence, the master's pings could still go there for
    // a while and the agent be unreachable once more before it re-registers again. So after it is
    // admitted, the end state must hold for twice the master's ping timeout (6 s) before it is
    // judged: a stability check, not a wait.
    await("the cut agent admitted through a gateway again").atMost(CHANGE).pollInterval(Duration.ofMillis(200))
        .until(() -> count(cutAgentLog, "connected to the cluster through agent gateway") > admittedBefore);
    await("every agent active and every task running, steadily").atMost(CHANGE).during(Duration.ofSeconds(6))
        .pollInterval(Duration.ofMillis(500)).until(() -> {
          for (String id : cutTasks) {
            if (last(framework.updates(id)).getState() != TaskState.TASK_RUNNING) {
              return false;
            }
          }
          JsonObject s = state(secondLeader);
          boolean allActive = s.getJsonArray("slaves").stream()
              .filter(a -> ((JsonObject) a).getBoolean("active", false)).count() == AGENTS.size();
          return allActive && runningTasks(s).keySet().containsAll(tasks.keySet());
        });

    // Invariants. Every task runs, on the agent it was launched on, once.
    Map<String, String> running = runningTasks(state(secondLeader));
    for (Map.Entry<String, AgentID> t : tasks.entrySet()) {
      String id = t.getKey();
      assertThat(running.get(id)).as("the master's agent of running task " + id).isEqualTo(t.getValue().getValue());
      List<TaskStatus> updates = framework.updates(id);
      assertThat(last(updates).getState()).as("last update of " + id).isEqualTo(TaskState.TASK_RUNNING);
      assertThat(updates).as("every update of " + id + " names the agent it was launched on")
          .allMatch(s -> s.getAgentId().equals(t.getValue()));
      assertThat(updates).as("updates of " + id).noneMatch(s -> s.getState() == TaskState.TASK_LOST
          || s.getState() == TaskState.TASK_DROPPED || s.getState() == TaskState.TASK_GONE
          || s.getState() == TaskState.TASK_FAILED || s.getState() == TaskState.TASK_ERROR
          || s.getState() == TaskState.TASK_KILLED || s.getState() == TaskState.TASK_FINISHED);
      // Each transition reported once: no update delivered twice (same uuid) and no state repeated back to back.
      List<com.google.protobuf.ByteString> uuids = updates.stream().filter(TaskStatus::hasUuid)
          .map(TaskStatus::getUuid).toList();
      assertThat(uuids).as("uuids of the updates of " + id).doesNotHaveDuplicates();
      for (int i = 1; i < updates.size(); i++) {
        assertThat(updates.get(i).getState()).as("update " + i + " of " + id + " repeats the one before: " + updates)
            .isNotEqualTo(updates.get(i - 1).getState());
      }
      assertThat(updates.stream().filter(s -> s.getState() == TaskState.TASK_STARTING).count())
          .as("TASK_STARTING updates of " + id).isEqualTo(1);
      assertThat(sandboxes(id)).as("sandboxes of " + id + " across the agents' work dirs").hasSize(1);
      assertThat(processesSleeping(sleepArg.get(id))).as("processes of " + id + " (sleep " + sleepArg.get(id) + ")")
          .isEqualTo(1);
    }
    for (String id : cutTasks) {
      List<TaskState> states = framework.updates(id).stream().map(TaskStatus::getState).toList();
      assertThat(states).as("states of " + id + " on the cut agent").contains(TaskState.TASK_UNREACHABLE);
    }
    client.teardown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client.close();
  }

  static long count(Path log, String text) throws IOException {
    return Files.readString(log).lines().filter(l -> l.contains(text)).count();
  }

  /** A member list as Hazelcast logs it at INFO: "Members {size:N, ver:V} [", a line per member, "]". */
  static final java.util.regex.Pattern MEMBER_LIST =
      java.util.regex.Pattern.compile("(?m)^Members \\{size:\\d+, ver:\\d+\\} \\[\\n(?:\\s+Member \\[.*\\n)*\\]$");

  /** The Hazelcast member lists a master logged, each as logged. */
  static List<String> memberLists(String master) throws IOException {
    String log = Files.readString(runDir().resolve("logs").resolve(master + ".err"));
    List<String> lists = new ArrayList<>();
    java.util.regex.Matcher m = MEMBER_LIST.matcher(log);
    while (m.find()) {
      lists.add(m.group());
    }
    return lists;
  }

  static String lastMemberList(String master) throws IOException {
    List<String> lists = memberLists(master);
    return lists.isEmpty() ? null : lists.get(lists.size() - 1);
  }

  static TaskStatus last(List<TaskStatus> updates) {
    return updates.isEmpty() ? TaskStatus.getDefaultInstance() : updates.get(updates.size() - 1);
  }

  /** task id -> agent id of the tasks /state lists as TASK_RUNNING. */
  static Map<String, String> runningTasks(JsonObject state) {
    Map<String, String> running = new HashMap<>();
    for (Object f : state.getJsonArray("frameworks", new JsonArray())) {
      for (Object t : ((JsonObject) f).getJsonArray("tasks", new JsonArray())) {
        JsonObject task = (JsonObject) t;
        if ("TASK_RUNNING".equals(task.getString("state"))) {
          running.put(task.getString("id"), task.getString("slave_id"));
        }
      }
    }
    return running;
  }
}
