package io.meso.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.proto.TaskSummary;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.scheduler.Call;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A framework whose subscriber goes away keeps its tasks until its failover_timeout: one that
 * re-subscribes in time with its framework id gets them back (reconciliation answers RUNNING),
 * one that does not is removed and its task killed. A master and an agent from the built jar.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class FrameworkFailoverIT {

  static final Duration STARTUP = Duration.ofSeconds(90);
  static MesoProcess master;
  static MesoProcess agent;
  static int httpPort;
  static Vertx vertx;
  static GrpcOperatorClient operator;
  static java.nio.file.Path workDir;

  static {
    for (Class<?> c : List.of(Launches.class, FrameworkRecorder.class, GrpcOperatorClient.class, TaskSummary.class)) {
      c.getName();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    String cluster = "meso-ff-" + UUID.randomUUID();
    httpPort = MesoProcess.freePort();
    master = MesoProcess.start("ff-master", "master", "--host", "127.0.0.1", "--port", Integer.toString(httpPort),
        "--cluster-name", cluster, "--cluster-port", Integer.toString(MesoProcess.freePort()),
        "--agent-ping-interval", "0.5", "--allocation-interval", "0.2");
    String joined = master.awaitOutput("cluster\\s+(127\\.0\\.0\\.1:\\d+)", STARTUP);
    agent = MesoProcess.start("ff-agent", "agent", "--join", joined, "--host", "127.0.0.1", "--cluster-name", cluster,
        "--cluster-port", Integer.toString(MesoProcess.freePort()), "--port", Integer.toString(MesoProcess.freePort()),
        "--work-dir", (workDir = Files.createTempDirectory("meso-ff-agent")).toString(), "--resources", "cpus:2;mem:1024;disk:100");
    vertx = Vertx.vertx();
    operator = new GrpcOperatorClient(vertx, "127.0.0.1", httpPort);
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> operator.getState()
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).getAgentsCount() == 1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (master != null) {
      master.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Subscribes a framework, runs `sleep 600` and returns its id once the task runs. */
  static FrameworkID runOneTask(GrpcSchedulerClient client, FrameworkRecorder framework, String name, double failover,
      String taskId) throws Exception {
    FrameworkID id = client.subscribe(FrameworkInfo.newBuilder().setName(name).setUser("")
            .setFailoverTimeout(failover).build(), framework::onEvent)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Offer offer = framework.awaitOffer(0);
    client.accept(List.of(offer.getId()), List.of(Launches.launch(Launches.task(taskId, offer, "sleep 600", 0.1, 32))),
        null).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    framework.awaitUpdate(taskId, TaskState.TASK_RUNNING);
    return id;
  }

  static TaskState masterState(String taskId) throws Exception {
    for (TaskSummary t : operator.getTasks(true).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .getTasksList()) {
      if (t.getTask().getTaskId().getValue().equals(taskId)) {
        return t.getTask().getState();
      }
    }
    return null;
  }

  /** The executor's record of how the task ended (its sandbox's exit_status), or null while it runs. */
  static String exitStatus(FrameworkID framework, String taskId) throws java.io.IOException {
    java.nio.file.Path file = workDir.resolve("frameworks").resolve(framework.getValue()).resolve("tasks")
        .resolve(taskId).resolve("exit_status");
    return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
  }

  @Test
  void reSubscribingWithinTheFailoverTimeoutKeepsTheTasks() throws Exception {
    GrpcSchedulerClient first = new GrpcSchedulerClient(vertx, "127.0.0.1", httpPort);
    FrameworkID id = runOneTask(first, new FrameworkRecorder(first), "ff-within", 60, "kept");
    first.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.getState().toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).getFrameworksList().stream()
        .anyMatch(f -> f.getFrameworkInfo().getId().equals(id) && !f.getConnected()));
    assertThat(masterState("kept")).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(exitStatus(id, "kept")).isNull();

    GrpcSchedulerClient second = new GrpcSchedulerClient(vertx, "127.0.0.1", httpPort);
    FrameworkRecorder again = new FrameworkRecorder(second);
    FrameworkID same = second.subscribe(FrameworkInfo.newBuilder().setName("ff-within").setUser("")
            .setFailoverTimeout(60).setId(id).build(), again::onEvent)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(same).isEqualTo(id);
    second.reconcile(List.of(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("kept")).build()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    again.awaitUpdate("kept", TaskState.TASK_RUNNING);
    second.teardown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> exitStatus(id, "kept") != null);
    second.close();
  }

  @Test
  void notComingBackWithinTheFailoverTimeoutRemovesTheFrameworkAndKillsItsTasks() throws Exception {
    GrpcSchedulerClient first = new GrpcSchedulerClient(vertx, "127.0.0.1", httpPort);
    FrameworkID id = runOneTask(first, new FrameworkRecorder(first), "ff-beyond", 2, "orphan");
    first.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    // Killed on the agent (the executor records how it ended) once the master removed the framework.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> exitStatus(id, "orphan") != null);
    assertThat(operator.getState().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .getFrameworksList()).noneMatch(f -> f.getFrameworkInfo().getId().equals(id));

    GrpcSchedulerClient late = new GrpcSchedulerClient(vertx, "127.0.0.1", httpPort);
    try {
      assertThat(late.subscribe(FrameworkInfo.newBuilder().setName("ff-beyond").setUser("").setId(id).build(), e -> { })
          .toCompletionStage().toCompletableFuture()).failsWithin(Duration.ofSeconds(30))
          .withThrowableThat().withMessageContaining("was removed");
    } finally {
      late.close();
    }
  }
}
