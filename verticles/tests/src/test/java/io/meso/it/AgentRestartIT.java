package io.meso.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.executor.TaskCheckpoint;
import io.meso.proto.AgentSummary;
import io.meso.proto.TaskSummary;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Agent recovery from the built jar: {@code kill -9} of an agent JVM with running tasks. The
 * tasks keep running without it; one of them ends while the agent is down; the agent restarted
 * on the same work dir re-adopts the live ones, reports the one that ended with the exit status it
 * recorded, and the framework sees every transition exactly once and nothing lost. Then a
 * graceful stop (SIGTERM), which leaves the tasks running as well, and one more restart. (The
 * agent is started before the master, and waits for it.)
 */
@Timeout(value = 200, unit = TimeUnit.SECONDS)
class AgentRestartIT {

  static final Duration STARTUP = Duration.ofSeconds(90);
  static MesoProcess master;
  static MesoProcess agent;
  static String[] agentArgs;
  static int httpPort;
  static Path workDir;
  static Vertx vertx;
  static GrpcOperatorClient operator;

  static {
    for (Class<?> c : List.of(Launches.class, FrameworkRecorder.class, GrpcOperatorClient.class, TaskSummary.class)) {
      c.getName();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    String cluster = "meso-ar-" + UUID.randomUUID();
    httpPort = MesoProcess.freePort();
    int masterClusterPort = MesoProcess.freePort();
    workDir = Files.createTempDirectory("meso-ar-agent");
    agentArgs = new String[] {"agent", "--join", "127.0.0.1:" + masterClusterPort, "--host", "127.0.0.1",
        "--cluster-name", cluster, "--cluster-port", Integer.toString(MesoProcess.freePort()),
        "--port", Integer.toString(MesoProcess.freePort()), "--work-dir", workDir.toString(),
        "--resources", "cpus:2;mem:1024;disk:100"};
    // The agent starts first: it waits for a master to join rather than giving up.
    agent = MesoProcess.start("ar-agent", agentArgs);
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(100))
        .until(() -> Files.readString(agent.stderr).contains("no master in the cluster"));
    // 1 s pings x 30: the agent stays admitted while it restarts (a partition is MultiProcessIT's case).
    master = MesoProcess.start("ar-master", "master", "--host", "127.0.0.1", "--port", Integer.toString(httpPort),
        "--cluster-name", cluster, "--cluster-port", Integer.toString(masterClusterPort),
        "--agent-ping-interval", "1", "--agent-ping-timeouts", "30", "--allocation-interval", "0.2");
    master.awaitOutput("cluster\\s+(127\\.0\\.0\\.1:\\d+)", STARTUP);
    vertx = Vertx.vertx();
    operator = new GrpcOperatorClient(vertx, "127.0.0.1", httpPort);
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> agents().size() == 1);
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

  static List<AgentSummary> agents() throws Exception {
    return operator.getState().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).getAgentsList();
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

  static Path sandbox(FrameworkID framework, String taskId) {
    return workDir.resolve("frameworks").resolve(framework.getValue()).resolve("tasks").resolve(taskId);
  }

  /** The task leader's pid as the agent checkpointed it. */
  static long checkpointedPid(FrameworkID framework, String taskId) throws Exception {
    Path dir = TaskCheckpoint.dir(workDir, framework.getValue(), taskId);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
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
  static List<TaskState> transitions(FrameworkRecorder framework, String taskId) {
    return framework.updates(taskId).stream().filter(s -> s.getReason() != TaskStatus.Reason.REASON_RECONCILIATION)
        .map(TaskStatus::getState).toList();
  }

  @Test
  void tasksSurviveKillDashNineOfTheirAgentAndAreRecovered() throws Exception {
    // First a framework that does not acknowledge: its task's terminal update stays in flight.
    GrpcSchedulerClient silentClient = new GrpcSchedulerClient(vertx, "127.0.0.1", httpPort);
    FrameworkRecorder silent = new FrameworkRecorder(silentClient).autoAck(false);
    silentClient.subscribe(FrameworkInfo.newBuilder().setName("agent-restart-silent")
        .setUser("").setFailoverTimeout(600).build(), silent::onEvent).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    Offer silentOffer = silent.awaitOffer(0);
    silentClient.accept(List.of(silentOffer.getId()), List.of(Launches.launch(
            Launches.task("unacknowledged", silentOffer, "true", 0.1, 32))), null)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    // It wants nothing more: it suppresses offers (and hands back, below, any it got meanwhile).
    silentClient.suppress("*").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    TaskStatus unacked = silent.awaitUpdate("unacknowledged", TaskState.TASK_STARTING);
    assertThat(unacked.hasUuid()).isTrue();

    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", httpPort);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    FrameworkID id = client.subscribe(FrameworkInfo.newBuilder().setName("agent-restart").setUser("")
        .setFailoverTimeout(600).build(), framework::onEvent).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    java.util.Set<String> handedBack = new java.util.HashSet<>();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (Offer extra : silent.offers().subList(1, silent.offers().size())) {
        if (handedBack.add(extra.getId().getValue())) {
          silentClient.decline(List.of(extra.getId()), 3600);
        }
      }
      return !framework.offers().isEmpty();
    });
    Offer offer = framework.awaitOffer(0);
    String waitForGo = "while [ ! -f go ]; do sleep 0.05; done; exit ";
    client.accept(List.of(offer.getId()), List.of(Launches.launch(
            Launches.task("long", offer, "sleep 600", 0.1, 32),
            Launches.task("ends-while-down", offer, waitForGo + 7, 0.1, 32),
            Launches.task("ends-after", offer, waitForGo + 0, 0.1, 32))), null)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    for (String task : List.of("long", "ends-while-down", "ends-after")) {
      framework.awaitUpdate(task, TaskState.TASK_RUNNING);
    }
    String agentId = agents().get(0).getAgentInfo().getId().getValue();
    long longPid = checkpointedPid(id, "long");
    long downPid = checkpointedPid(id, "ends-while-down");
    long afterPid = checkpointedPid(id, "ends-after");

    agent.signal("KILL");
    await().atMost(Duration.ofSeconds(30)).until(() -> !agent.isAlive());
    assertThat(List.of(longPid, downPid, afterPid)).allMatch(AgentRestartIT::alive);

    // One task ends while no agent runs: its wrapper records the exit status in the sandbox.
    Files.writeString(sandbox(id, "ends-while-down").resolve("go"), "");
    Path exitStatus = sandbox(id, "ends-while-down").resolve("exit_status");
    await().atMost(Duration.ofSeconds(20)).until(() -> !alive(downPid) && Files.isRegularFile(exitStatus));
    assertThat(Files.readString(exitStatus).trim()).isEqualTo("7");

    agent = MesoProcess.start("ar-agent-restarted", agentArgs);
    TaskStatus failed = framework.awaitUpdate("ends-while-down", s -> s.getState() == TaskState.TASK_FAILED);
    assertThat(failed.getMessage()).isEqualTo("Command exited with status 7");
    assertThat(failed.getAgentId().getValue()).isEqualTo(agentId);
    assertThat(agents()).hasSize(1);
    assertThat(agents().get(0).getAgentInfo().getId().getValue()).isEqualTo(agentId);
    assertThat(agents().get(0).getActive()).isTrue();

    // The update that was in flight when the agent died comes again, the same update (same uuid),
    // and once acknowledged the rest follow.
    await().atMost(Duration.ofSeconds(60)).until(() -> silent.updates("unacknowledged").stream()
        .filter(s -> s.getUuid().equals(unacked.getUuid())).count() >= 2);
    silent.autoAck(true);
    silentClient.acknowledge(unacked).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    silent.awaitUpdate("unacknowledged", TaskState.TASK_FINISHED);
    assertThat(silent.updates("unacknowledged").stream().map(TaskStatus::getState).distinct().toList())
        .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    silentClient.teardown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    silentClient.close();

    // The live tasks were re-adopted: still running, still known to the master.
    assertThat(alive(longPid)).isTrue();
    client.reconcile(List.of(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("long")).build()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    framework.awaitUpdate("long", s -> s.getReason() == TaskStatus.Reason.REASON_RECONCILIATION
        && s.getState() == TaskState.TASK_RUNNING);
    assertThat(masterState("long")).isEqualTo(TaskState.TASK_RUNNING);

    // An adopted task's exit is noticed although it is not the new agent's child.
    Files.writeString(sandbox(id, "ends-after").resolve("go"), "");
    framework.awaitUpdate("ends-after", TaskState.TASK_FINISHED);

    // A graceful stop (SIGTERM) of `meso agent` leaves the tasks running too, for the next agent.
    agent.signal("TERM");
    await().atMost(Duration.ofSeconds(30)).until(() -> !agent.isAlive());
    assertThat(alive(longPid)).isTrue();
    agent = MesoProcess.start("ar-agent-restarted-again", agentArgs);
    agent.awaitOutput("meso agent is running", STARTUP);
    await().atMost(Duration.ofSeconds(30)).until(() -> agents().get(0).getActive());

    // And an adopted task can be killed.
    client.kill(TaskID.newBuilder().setValue("long").build(), null).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    framework.awaitUpdate("long", TaskState.TASK_KILLED);
    await().atMost(Duration.ofSeconds(20)).until(() -> !alive(longPid));

    // Every transition reached the framework once; nothing was lost.
    assertThat(transitions(framework, "long")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_KILLED);
    assertThat(transitions(framework, "ends-while-down")).containsExactly(TaskState.TASK_STARTING,
        TaskState.TASK_RUNNING, TaskState.TASK_FAILED);
    assertThat(transitions(framework, "ends-after")).containsExactly(TaskState.TASK_STARTING,
        TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(masterState("ends-while-down")).isEqualTo(TaskState.TASK_FAILED);
    assertThat(masterState("ends-after")).isEqualTo(TaskState.TASK_FINISHED);
    // Acknowledged terminal updates leave no checkpoint behind.
    Path checkpoints = workDir.resolve("meta").resolve("tasks").resolve(id.getValue());
    await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(checkpoints));
    client.close();
  }
}
