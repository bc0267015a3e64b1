package io.meso.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.proto.AgentSummary;
import io.meso.proto.ReadFileRequest;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The built jar as three JVMs on 127.0.0.1: `meso master` and two `meso agent --join`. A
 * framework over gRPC runs tasks on both agents; the CLI runs a task as its own process; an
 * agent frozen with SIGSTOP is found unreachable and its task reported lost.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiProcessIT {

  static final Duration STARTUP = Duration.ofSeconds(90);
  static MesoProcess master;
  static final List<MesoProcess> agents = new ArrayList<>();
  static int httpPort;
  static Vertx vertx;
  static GrpcOperatorClient operator;

  @BeforeAll
  static void startCluster() throws Exception {
    String cluster = "meso-it-" + UUID.randomUUID();
    httpPort = MesoProcess.freePort();
    int clusterPort = MesoProcess.freePort();
    master = MesoProcess.start("master", "master", "--host", "127.0.0.1", "--port", Integer.toString(httpPort),
        "--cluster-name", cluster, "--cluster-port", Integer.toString(clusterPort),
        "--agent-ping-interval", "0.5", "--agent-ping-timeouts", "4", "--allocation-interval", "0.2");
    String joined = master.awaitOutput("cluster\\s+(127\\.0\\.0\\.1:\\d+)", STARTUP);
    for (int i = 1; i <= 2; i++) {
      Path workDir = Files.createTempDirectory("meso-it-agent" + i);
      agents.add(MesoProcess.start("agent" + i, "agent", "--join", joined, "--host", "127.0.0.1",
          "--cluster-name", cluster, "--cluster-port", Integer.toString(MesoProcess.freePort()),
          "--port", Integer.toString(5060 + i), "--work-dir", workDir.toString(),
          "--resources", "cpus:2;mem:1024;disk:100;ports:[32000-32100]", "--attributes", "rack:r" + i));
    }
    vertx = Vertx.vertx();
    operator = new GrpcOperatorClient(vertx, "127.0.0.1", httpPort);
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> activeAgents() == 2);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (MesoProcess agent : agents) {
      agent.signal("CONT");
      agent.close();
    }
    if (master != null) {
      master.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  static long activeAgents() throws Exception {
    List<AgentSummary> list = operator.getState().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .getAgentsList();
    return list.stream().filter(AgentSummary::getActive).count();
  }

  @Test
  @Order(1)
  void tasksRunOnBothAgents() throws Exception {
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", httpPort);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("it").setUser("").build(), framework::onEvent)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Set<String> agentsSeen = new HashSet<>();
    int seen = 0;
    List<String> launched = new ArrayList<>();
    while (agentsSeen.size() < 2) {
      Offer offer = framework.awaitOffer(seen++);
      if (!agentsSeen.add(offer.getAgentId().getValue())) {
        client.decline(List.of(offer.getId()), 0);
        continue;
      }
      String id = "on-" + offer.getHostname() + "-" + agentsSeen.size();
      launched.add(id);
      client.accept(List.of(offer.getId()), List.of(Launches.launch(
              Launches.task(id, offer, "echo from $MESOS_TASK_ID on port $PORT0", 0.5, 64)
                  .toBuilder().addResources(ports(offer)).build())), null)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    Set<String> agentIds = new HashSet<>();
    for (String id : launched) {
      TaskStatus finished = framework.awaitUpdate(id, TaskState.TASK_FINISHED);
      agentIds.add(finished.getAgentId().getValue());
      String stdout = operator.readFile(ReadFileRequest.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
              .setPath("stdout").build())
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).getData().toString(StandardCharsets.UTF_8);
      assertThat(stdout).contains("from " + id + " on port 32");
    }
    assertThat(agentIds).hasSize(2);
    client.teardown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client.close();
  }

  @Test
  @Order(2)
  void cliRunStreamsOutputAndExitsWithTheTaskExitCode() throws Exception {
    MesoProcess run = MesoProcess.start("cli-run", "run", "--master", "127.0.0.1:" + httpPort, "--cpus", "0.5",
        "--mem", "64", "--", "sh", "-c", "echo hello; exit 3");
    assertThat(run.process.waitFor(90, TimeUnit.SECONDS)).as("meso run finished").isTrue();
    assertThat(run.process.exitValue()).isEqualTo(3);
    assertThat(Files.readString(run.stdout)).contains("hello");
    assertThat(Files.readString(run.stderr)).contains("RUNNING").contains("FAILED");

    MesoProcess tasks = MesoProcess.start("cli-tasks", "tasks", "--all", "--master", "127.0.0.1:" + httpPort);
    assertThat(tasks.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tasks.process.exitValue()).isZero();
    assertThat(Files.readString(tasks.stdout)).contains("FAILED").contains("sh -c");
  }

  @Test
  @Order(3)
  void frozenAgentBecomesUnreachableAndItsTaskIsLost() throws Exception {
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", httpPort);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("it-freeze").setUser("").setFailoverTimeout(60).build(),
        framework::onEvent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Offer offer = framework.awaitOffer(0);
    client.accept(List.of(offer.getId()), List.of(Launches.launch(Launches.task("frozen", offer, "sleep 600", 0.1, 32))),
        null).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    framework.awaitUpdate("frozen", TaskState.TASK_RUNNING);
    MesoProcess victim = agents.get(agentIndex(offer));
    victim.signal("STOP");
    try {
      TaskStatus lost = framework.awaitUpdate("frozen", TaskState.TASK_LOST);
      assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED);
      assertThat(lost.getMessage()).contains("unreachable");
      assertThat(activeAgents()).isEqualTo(1);
    } finally {
      victim.signal("CONT");
    }
    // Thawed, the agent re-registers and is active again; the framework, told the task was lost
    // and not partition-aware, sees the returning task killed rather than left running as a twin.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> activeAgents() == 2);
    TaskStatus killed = framework.awaitUpdate("frozen", TaskState.TASK_KILLED);
    assertThat(killed.getAgentId()).isEqualTo(offer.getAgentId());
    client.teardown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client.close();
  }

  /** The first port of the offer, as a task resource. */
  private static io.meso.v1.Resource ports(Offer offer) {
    for (io.meso.v1.Resource r : offer.getResourcesList()) {
      if (r.getName().equals("ports")) {
        long port = r.getRanges().getRange(0).getBegin();
        return io.meso.v1.Resource.newBuilder().setName("ports").setType(io.meso.v1.Value.Type.RANGES)
            .setRanges(io.meso.v1.Value.Ranges.newBuilder().addRange(
                io.meso.v1.Value.Range.newBuilder().setBegin(port).setEnd(port))).build();
      }
    }
    throw new IllegalStateException("offer " + offer.getId().getValue() + " has no ports");
  }

  /** Which agent process holds the offer's agent: the one whose work dir has the task's sandbox after launch. */
  private static int agentIndex(Offer offer) throws Exception {
    List<AgentSummary> list = operator.getState().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .getAgentsList();
    for (AgentSummary a : list) {
      if (a.getAgentInfo().getId().equals(offer.getAgentId())) {
        return a.getAgentInfo().getPort() - 5061;
      }
    }
    throw new IllegalStateException("agent " + offer.getAgentId().getValue() + " not in the master's state");
  }
}
