package io.meso.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.proto.AgentSummary;
import io.meso.codecs.TaskStates;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * README's "Running a cluster" as a new user types it: a master and two agents on one host,
 * none of them given --cluster-port. Each node must advertise the Hazelcast port it bound (not
 * the default 5701 it asked for), or members are taken for one another, expelled, and the
 * agents' tasks end LOST. An explicit --cluster-port that is busy is refused, naming it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DefaultClusterPortsIT {

  static final Duration STARTUP = Duration.ofSeconds(90);
  static final List<MesoProcess> nodes = new ArrayList<>();
  static int httpPort;
  static String joined;
  static String cluster;
  static Vertx vertx;
  static GrpcOperatorClient operator;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = "meso-ports-" + UUID.randomUUID();
    httpPort = MesoProcess.freePort();
    MesoProcess master = MesoProcess.start("ports-master", "master", "--host", "127.0.0.1",
        "--port", Integer.toString(httpPort), "--cluster-name", cluster,
        "--agent-ping-interval", "0.5", "--agent-ping-timeouts", "6", "--allocation-interval", "0.2");
    nodes.add(master);
    joined = master.awaitOutput("cluster\\s+(127\\.0\\.0\\.1:\\d+)", STARTUP);
    for (int i = 1; i <= 2; i++) {
      Path workDir = Files.createTempDirectory("meso-ports-agent" + i);
      nodes.add(MesoProcess.start("ports-agent" + i, "agent", "--join", joined, "--cluster-name", cluster,
          "--port", Integer.toString(5160 + i), "--work-dir", workDir.toString(),
          "--resources", "cpus:2;mem:1024;disk:100"));
    }
    vertx = Vertx.vertx();
    operator = new GrpcOperatorClient(vertx, "127.0.0.1", httpPort);
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> activeAgents().size() == 2);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  static List<AgentSummary> activeAgents() throws Exception {
    return operator.getState().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .getAgentsList().stream().filter(AgentSummary::getActive).toList();
  }

  @Test
  void tasksOnBothAgentsFinishAndNobodyIsExpelled() throws Exception {
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", httpPort);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("ports").setUser("").build(), framework::onEvent)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Set<String> agentsUsed = new HashSet<>();
    List<String> launched = new ArrayList<>();
    int seen = 0;
    while (agentsUsed.size() < 2) {
      Offer offer = framework.awaitOffer(seen++);
      if (!agentsUsed.add(offer.getAgentId().getValue())) {
        client.decline(List.of(offer.getId()), 0);
        continue;
      }
      // Long enough to span the agents' 10 s re-registration retry: with both agents advertising
      // one address, they re-registered without their tasks and the tasks ended LOST.
      String id = "ports-" + agentsUsed.size();
      launched.add(id);
      client.accept(List.of(offer.getId()), List.of(Launches.launch(
              Launches.task(id, offer, "sleep 12; echo done", 0.5, 64))), null)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    Set<String> finishedOn = new HashSet<>();
    for (String id : launched) {
      TaskStatus finished = await().atMost(Duration.ofSeconds(90)).until(
          () -> framework.updates(id).stream().filter(s -> TaskStates.isTerminal(s.getState()) || s.getState() == TaskState.TASK_UNREACHABLE).findFirst().orElse(null),
          s -> s != null);
      assertThat(finished.getState()).as("task %s ended %s: %s", id, finished.getState(), finished.getMessage())
          .isEqualTo(TaskState.TASK_FINISHED);
      finishedOn.add(finished.getAgentId().getValue());
    }
    assertThat(finishedOn).hasSize(2);
    // Nobody was expelled or re-admitted meanwhile: the same two agents are active, and no node
    // saw another member claim its address.
    assertThat(activeAgents()).extracting(a -> a.getAgentInfo().getId().getValue())
        .containsExactlyInAnyOrderElementsOf(agentsUsed);
    for (MesoProcess node : nodes) {
      assertThat(Files.readString(node.stdout) + Files.readString(node.stderr))
          .as("%s's log", node.name).doesNotContain("is previously registered");
    }
    client.teardown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client.close();
  }

  @Test
  void aBusyExplicitClusterPortIsRefused() throws Exception {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = busy.getLocalPort();
      MesoProcess agent = MesoProcess.start("ports-busy-agent", "agent", "--join", joined, "--cluster-name", cluster,
          "--cluster-port", Integer.toString(port), "--work-dir", Files.createTempDirectory("meso-busy").toString());
      nodes.add(agent);
      assertThat(agent.process.waitFor(60, TimeUnit.SECONDS)).as("meso agent exited").isTrue();
      assertThat(agent.process.exitValue()).isEqualTo(2);
      assertThat(Files.readString(agent.stderr)).contains("--cluster-port " + port).contains("in use");
    }
  }
}
