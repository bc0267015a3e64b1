package io.meso.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three `meso master --masters 3` and two agents from the built jar on 127.0.0.1. A framework
 * (gRPC, connected to a standby master) runs long and short tasks; the leading master is killed
 * with SIGKILL mid-workload. Another master is elected with a higher fencing token, the agents
 * re-register with their tasks, the framework's subscription is taken over from the registry,
 * every status reaches the framework, and no task is lost or launched twice. A `meso run` given
 * all three masters (the leader first) follows to another master and its task completes.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class MasterFailoverIT {

  static final Duration STARTUP = Duration.ofSeconds(90);

  static {
    // Load what the test uses late up front: a concurrent build in the same tree may be
    // rewriting target/test-classes while this minute-long test runs.
    for (Class<?> c : List.of(Launches.class, FrameworkRecorder.class, io.meso.scheduler.GrpcOperatorClient.class,
        io.meso.proto.AgentSummary.class, TaskStatus.class, TaskID.class)) {
      c.getName();
    }
  }
  static final Pattern LEADING = Pattern.compile("leading\\s+fence (\\d+)");

  final List<MesoProcess> masters = new ArrayList<>();
  final List<MesoProcess> agents = new ArrayList<>();
  final List<Integer> httpPorts = new ArrayList<>();
  Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    // Agents with SIGTERM (they clean up their tasks' cgroups), masters with SIGKILL (MesoProcess.killAll).
    MesoProcess.killAll(masters);
    MesoProcess.closeAll(agents);
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Index of the master that printed it leads, with its fence; null while none (alive) does. */
  long[] leader() throws Exception {
    long[] found = null;
    for (int i = 0; i < masters.size(); i++) {
      MesoProcess m = masters.get(i);
      if (!m.process.isAlive()) {
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

  @Test
  void killingTheLeaderLosesNoTaskAndEveryStatusArrives() throws Exception {
    String cluster = "meso-ha-" + UUID.randomUUID();
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int port = MesoProcess.freePort();
      if (clusterPorts.contains(port)) {
        i--;
        continue;
      }
      clusterPorts.add(port);
    }
    String join = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    // The standbys rehearse a failover (the failover ITs that test frameworks turn it off), at a
    // tenth of the default size: at 1,000 agents the two rehearsals held the agents' start back
    // by about eight seconds on two cores.
    for (int i = 0; i < 3; i++) {
      masters.add(MesoProcess.start("ha-master" + i, MesoProcess.SHORT_LIVED, "master", "--masters", "3",
          "--host", "127.0.0.1",
          "--port", "0", "--cluster-name", cluster,
          "--cluster-port", Integer.toString(clusterPorts.get(i)), "--join", join,
          "--agent-ping-interval", "0.5", "--agent-ping-timeouts", "10", "--allocation-interval", "0.2",
          "--rehearse-agents", "100"));
    }
    // Agents are lite members: they need a master in the cluster when they join.
    // (Each master's HTTP port is chosen by the system and read from its output.)
    for (MesoProcess m : masters) {
      m.awaitOutput("cluster\\s+(127\\.0\\.0\\.1:\\d+)", STARTUP);
      httpPorts.add(Integer.parseInt(m.awaitOutput("master\\s+http://127\\.0\\.0\\.1:(\\d+)", STARTUP)));
    }
    for (int i = 1; i <= 2; i++) {
      Path workDir = Files.createTempDirectory("meso-ha-agent" + i);
      agents.add(MesoProcess.start("ha-agent" + i, MesoProcess.SHORT_LIVED, "agent", "--join", join,
          "--host", "127.0.0.1",
          "--cluster-name", cluster, "--cluster-port", Integer.toString(MesoProcess.freePort()),
          "--port", Integer.toString(MesoProcess.freePort()), "--work-dir", workDir.toString(),
          "--resources", "cpus:2;mem:1024;disk:100"));
    }
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> leader() != null);
    long[] first = leader();
    int leaderIndex = (int) first[0];
    int standby = (leaderIndex + 1) % 3;

    // The Mesos HTTP scheduler API on a standby redirects to the leader (the cached leader
    // address refreshes every 500 ms, hence the wait).
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
      java.net.HttpURLConnection http = (java.net.HttpURLConnection) new java.net.URL(
          "http://127.0.0.1:" + httpPorts.get(standby) + "/api/v1/scheduler").openConnection();
      http.setInstanceFollowRedirects(false);
      http.setRequestMethod("POST");
      http.setRequestProperty("Content-Type", "application/json");
      http.setDoOutput(true);
      http.getOutputStream().write("{\"type\":\"SUBSCRIBE\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      int code = http.getResponseCode();
      String location = http.getHeaderField("Location");
      http.disconnect();
      return code == 307 && ("http://127.0.0.1:" + httpPorts.get(leaderIndex) + "/api/v1/scheduler").equals(location);
    });

    vertx = Vertx.vertx();
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", httpPorts.get(standby));
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("ha").setUser("").setFailoverTimeout(120).build(),
        framework::onEvent).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    // Two tasks on each agent: one that runs until killed, one that ends during the failover.
    Map<String, AgentID> tasks = new LinkedHashMap<>();
    Set<String> agentsUsed = new java.util.HashSet<>();
    int seen = 0;
    while (agentsUsed.size() < 2) {
      Offer offer = framework.awaitOffer(seen++);
      if (!agentsUsed.add(offer.getAgentId().getValue())) {
        client.decline(List.of(offer.getId()), 0);
        continue;
      }
      String n = Integer.toString(agentsUsed.size());
      tasks.put("long-" + n, offer.getAgentId());
      tasks.put("short-" + n, offer.getAgentId());
      client.accept(List.of(offer.getId()), List.of(Launches.launch(
              Launches.task("long-" + n, offer, "sleep 600", 0.1, 32),
              Launches.task("short-" + n, offer, "sleep 8", 0.1, 32))), null)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    for (String id : tasks.keySet()) {
      framework.awaitUpdate(id, TaskState.TASK_RUNNING);
    }

    // `meso run` given every master, the leader first: it must follow to another master and finish.
    String masterList = java.util.stream.Stream.of(leaderIndex, standby, (leaderIndex + 2) % 3)
        .map(i -> "127.0.0.1:" + httpPorts.get(i)).collect(Collectors.joining(","));
    MesoProcess run = MesoProcess.start("ha-cli-run", MesoProcess.SHORT_LIVED, "run", "--master", masterList,
        "--cpus", "0.1", "--mem", "32",
        "--", "sh", "-c", "sleep 8; echo survived");
    agents.add(run); // stopped with the rest
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(100))
        .until(() -> Files.readString(run.stderr).contains("RUNNING"));

    masters.get(leaderIndex).signal("KILL");
    // Until the kernel has reaped it, the killed JVM still counts as alive and its log still says it leads.
    assertThat(masters.get(leaderIndex).process.waitFor(30, TimeUnit.SECONDS)).as("the killed master exited").isTrue();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> leader() != null);
    long[] second = leader();
    assertThat(second[0]).isNotEqualTo(first[0]);
    assertThat(second[1]).as("the new leader's fencing token").isGreaterThan(first[1]);

    // Statuses of tasks that ended around the failover reach the framework through the new leader.
    for (String id : List.of("short-1", "short-2")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> framework.updates(id).stream()
          .anyMatch(s -> s.getState() == TaskState.TASK_FINISHED));
    }
    // The new leader re-learned the running tasks from the agents: it can kill them.
    // (Once both agents re-registered with it: the operator API of any master reaches the leader.)
    io.meso.scheduler.GrpcOperatorClient operator = new io.meso.scheduler.GrpcOperatorClient(vertx, "127.0.0.1",
        httpPorts.get(standby));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> operator.getState()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).getAgentsList().stream()
        .filter(io.meso.proto.AgentSummary::getActive).count() == 2);
    for (String id : List.of("long-1", "long-2")) {
      client.kill(TaskID.newBuilder().setValue(id).build(), tasks.get(id))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      framework.awaitUpdate(id, TaskState.TASK_KILLED);
    }
    for (String id : tasks.keySet()) {
      List<TaskStatus> updates = framework.updates(id);
      assertThat(updates).as("updates of " + id).noneMatch(s -> s.getState() == TaskState.TASK_LOST
          || s.getState() == TaskState.TASK_DROPPED || s.getState() == TaskState.TASK_GONE
          || s.getState() == TaskState.TASK_FAILED || s.getState() == TaskState.TASK_ERROR);
      assertThat(updates).as("every update of " + id + " came from the agent it was launched on")
          .allMatch(s -> s.getAgentId().equals(tasks.get(id)));
    }
    // Nothing ran twice: each task started once, on the agent it was launched on.
    for (String id : tasks.keySet()) {
      assertThat(framework.updates(id).stream().filter(s -> s.getState() == TaskState.TASK_STARTING)
          .map(TaskStatus::getUuid).distinct().count()).as("distinct TASK_STARTING updates of " + id).isEqualTo(1);
    }
    assertThat(run.process.waitFor(90, TimeUnit.SECONDS)).as("meso run finished").isTrue();
    assertThat(run.process.exitValue()).as("meso run's exit code; stderr: " + Files.readString(run.stderr)).isZero();
    assertThat(Files.readString(run.stdout)).contains("survived");
    assertThat(Files.readString(run.stderr)).contains("reconnected to the master at");
    client.teardown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client.close();
  }
}
