package io.meso.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A master and an agent on two clustered Vert.x nodes (Hazelcast over loopback, unique
 * cluster name), a framework on the event bus, real processes. Each test subscribes a fresh
 * framework.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusteredMasterAgentTest {

  static Vertx masterNode;
  static Vertx agentNode;
  static MasterVerticle master;
  static Path workDir;

  EventBusSchedulerClient client;
  FrameworkRecorder framework;

  @BeforeAll
  static void startCluster() throws Exception {
    ClusterOptions cluster = ClusterOptions.loopbackForTest();
    masterNode = MesoCluster.start(cluster).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    int port = MesoCluster.memberPort(masterNode);
    agentNode = MesoCluster.start(ClusterOptions.loopbackForTest().setClusterName(cluster.getClusterName())
        .setJoin(List.of("127.0.0.1:" + port)).setLiteMember(true))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    master = new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100).setAgentPingIntervalMillis(500));
    masterNode.deployVerticle(master).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    workDir = Files.createTempDirectory("meso-agent");
    agentNode.deployVerticle(new AgentVerticle(new AgentOptions()
            .setWorkDir(workDir.toString())
            .setResources("cpus:4;mem:4096;disk:1000;ports:[31000-31100]")))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (agentNode != null) {
      agentNode.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (masterNode != null) {
      masterNode.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @BeforeEach
  void subscribe() throws Exception {
    client = new EventBusSchedulerClient(masterNode);
    framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("test").setUser("").setFailoverTimeout(0).build(),
        framework::onEvent).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void teardown() throws Exception {
    client.teardown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    client.close();
  }

  private void accept(Offer offer, Offer.Operation... operations) throws Exception {
    client.accept(List.of(offer.getId()), List.of(operations), null)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void launchedTaskRunsAndFinishes() throws Exception {
    Offer offer = framework.awaitOffer(0);
    assertThat(offer.getResourcesList()).extracting(r -> r.getName()).contains("cpus", "mem", "ports");
    accept(offer, Launches.launch(Launches.task("ok", offer, "echo hello", 0.5, 64)));

    TaskStatus finished = framework.awaitUpdate("ok", TaskState.TASK_FINISHED);
    assertThat(finished.getUuid().size()).isEqualTo(16);
    assertThat(framework.updates("ok")).extracting(TaskStatus::getState)
        .containsSubsequence(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    Path stdout = Files.walk(workDir).filter(p -> p.endsWith("stdout") && p.toString().contains("/ok/")).findFirst()
        .orElseThrow();
    assertThat(Files.readString(stdout)).contains("hello");
  }

  @Test
  void failedTaskReportsItsExitCode() throws Exception {
    Offer offer = framework.awaitOffer(0);
    accept(offer, Launches.launch(Launches.task("fails", offer, "exit 3", 0.1, 32)));
    TaskStatus failed = framework.awaitUpdate("fails", TaskState.TASK_FAILED);
    assertThat(failed.getMessage()).contains("3");
  }

  @Test
  void killedTaskEndsKilled() throws Exception {
    Offer offer = framework.awaitOffer(0);
    accept(offer, Launches.launch(Launches.task("sleeper", offer, "sleep 1000", 0.1, 32)));
    TaskStatus running = framework.awaitUpdate("sleeper", TaskState.TASK_RUNNING);
    client.kill(TaskID.newBuilder().setValue("sleeper").build(), running.getAgentId());
    framework.awaitUpdate("sleeper", TaskState.TASK_KILLED);
  }

  @Test
  void reconcileAnswersKnownAndUnknownTasks() throws Exception {
    Offer offer = framework.awaitOffer(0);
    accept(offer, Launches.launch(Launches.task("long", offer, "sleep 1000", 0.1, 32)));
    framework.awaitUpdate("long", TaskState.TASK_RUNNING);
    client.reconcile(List.of(
        Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("long")).build(),
        Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("never-launched")).build()));
    TaskStatus known = framework.awaitUpdate("long",
        s -> s.getReason() == TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(known.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(known.hasUuid()).as("reconciliation updates are not acknowledged").isFalse();
    TaskStatus unknown = framework.awaitUpdate("never-launched", TaskState.TASK_LOST);
    assertThat(unknown.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);

    int before = framework.updates("long").size();
    client.reconcile(List.of()); // implicit: every task the master knows
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> framework.updates("long").size() > before);
  }

  @Test
  void declineFilterHoldsUntilRevive() throws Exception {
    Offer offer = framework.awaitOffer(0);
    client.decline(List.of(offer.getId()), 3600).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    long runs = master.metrics().allocationRuns;
    int offersSoFar = framework.offers().size();
    // Several allocation runs later (100 ms interval) the filtered agent has still not been re-offered.
    long allocatorRuns = master.allocatorVerticle().runCount();
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> master.allocatorVerticle().runCount() >= allocatorRuns + 5);
    assertThat(framework.offers()).hasSize(offersSoFar);
    client.revive().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Offer again = framework.awaitOffer(offersSoFar);
    assertThat(again.getAgentId()).isEqualTo(offer.getAgentId());
    assertThat(runs).isGreaterThanOrEqualTo(0);
  }

  @Test
  void invalidLaunchesGetErrorsNamingTheProblem() throws Exception {
    Offer offer = framework.awaitOffer(0);
    accept(offer, Launches.launch(
        Launches.task("too-big", offer, "true", 64, 32),
        Launches.task("no-command", offer, " ", 0.1, 32),
        Launches.task("good", offer, "true", 0.1, 32),
        Launches.task("good", offer, "true", 0.1, 32)));
    TaskStatus tooBig = framework.awaitUpdate("too-big", TaskState.TASK_ERROR);
    assertThat(tooBig.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
    assertThat(tooBig.getMessage()).contains("cpus:64");
    assertThat(framework.awaitUpdate("no-command", TaskState.TASK_ERROR).getMessage()).contains("command.value");
    assertThat(framework.awaitUpdate("good", TaskState.TASK_ERROR).getMessage()).contains("already used");
    framework.awaitUpdate("good", TaskState.TASK_FINISHED);

    // The offer is used up: accepting it again drops the task with REASON_INVALID_OFFERS.
    accept(offer, Launches.launch(Launches.task("reused", offer, "true", 0.1, 32)));
    TaskStatus reused = framework.awaitUpdate("reused", TaskState.TASK_LOST);
    assertThat(reused.getReason()).isEqualTo(TaskStatus.Reason.REASON_INVALID_OFFERS);
    assertThat(reused.getMessage()).contains(offer.getId().getValue());
  }

  @Test
  void malformedCallsAreRefusedWithoutHarm() throws Exception {
    assertThatThrownBy(() -> client.call(Call.newBuilder().setType(Call.Type.ACCEPT).build())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ApiException.class)
        .hasMessageContaining("call.accept is missing");
    assertThatThrownBy(() -> client.call(Call.newBuilder().setType(Call.Type.KILL).build())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .hasMessageContaining("kill.task_id is missing");
    assertThatThrownBy(() -> client.call(Call.newBuilder().setType(Call.Type.SUPPRESS)
            .setSuppress(Call.Suppress.newBuilder().addRoles("not-mine")).build())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .hasMessageContaining("'not-mine'");
    // The master is still serving: offers keep coming.
    framework.awaitOffer(0);
  }
}
