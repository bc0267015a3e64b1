package io.meso.cli;

import io.meso.testkit.CliStreams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.api.server.ApiServerOptions;
import io.meso.api.server.ApiServerVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.it.FrameworkRecorder;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.CommandInfo;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.Value;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code meso run}, {@code meso tasks} and {@code meso kill} in-process against a real master,
 * agent and API server, as a user would run them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliEndToEndTest {

  static Vertx vertx;
  static String master;

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100)))
        .await(30, TimeUnit.SECONDS);
    Path workDir = Files.createTempDirectory("meso-cli-e2e");
    vertx.deployVerticle(new AgentVerticle(new AgentOptions()
            .setWorkDir(workDir.toString())
            .setResources("cpus:2;mem:1024;disk:1000")))
        .await(30, TimeUnit.SECONDS);
    ApiServerVerticle api = new ApiServerVerticle(new ApiServerOptions().setPort(0));
    vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
    master = "127.0.0.1:" + api.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void runStreamsOutputAndExitsWithTheTasksStatus() {
    try (CliStreams streams = new CliStreams()) {
      int code = Meso.run("run", "--master", master, "--", "sh", "-c", "echo hello; echo oops >&2; exit 3");
      assertThat(code).isEqualTo(3);
      assertThat(streams.out()).isEqualTo("hello\n");
      assertThat(streams.err()).contains("oops\n")
          .containsPattern("task run-[0-9a-f]{8} STAGING\n")
          .containsPattern("task run-[0-9a-f]{8} RUNNING on agent \\S+\n")
          .containsPattern("task run-[0-9a-f]{8} FAILED: Command exited with status 3\n");
    }
  }

  @Test
  void runWithAListOfMastersSkipsOnesThatAreDown() throws Exception {
    int down;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      down = s.getLocalPort(); // nothing listens here once closed
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("run", "--master", "127.0.0.1:" + down + "," + master, "--", "echo via the second")).isZero();
      assertThat(streams.out()).isEqualTo("via the second\n");
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("tasks", "--all", "--master", "127.0.0.1:" + down + "," + master)).isZero();
      assertThat(streams.out()).contains("echo via the second");
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("tasks", "--master", master + ",," + master)).isEqualTo(2);
      assertThat(streams.err()).contains("--master").contains("empty entry (number 2)");
    }
  }

  @Test
  void runTasksAreNotRootUnlessAUserIsNamed() throws Exception {
    String nobody = uid("nobody");
    String daemon = uid("daemon");
    org.junit.jupiter.api.Assumptions.assumeTrue("0".equals(uid("root")) && "root".equals(
        System.getProperty("user.name")), "the agent must run as root to switch users");
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("run", "--master", master, "--", "id -u; grep NoNewPrivs /proc/self/status")).isZero();
      assertThat(streams.out()).isEqualTo(nobody + "\nNoNewPrivs:\t1\n");
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("run", "--master", master, "--user", "daemon", "--", "id -u")).isZero();
      assertThat(streams.out()).isEqualTo(daemon + "\n");
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("run", "--master", master, "--user", "meso-no-such-user", "--", "true")).isNotZero();
      assertThat(streams.err()).contains("'meso-no-such-user' does not exist on this agent's host");
    }
  }

  private static String uid(String user) throws Exception {
    Process p = new ProcessBuilder("id", "-u", user).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor()).isZero();
    return out;
  }

  @Test
  void runOfASingleShellStringFinishesWithZero() {
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("run", "--master", master, "--name", "greeting", "--", "echo hi | tr a-z A-Z")).isZero();
      assertThat(streams.out()).isEqualTo("HI\n");
      assertThat(streams.err()).containsPattern("FINISHED\n");
    }
  }

  @Test
  void runLosesNoOutputOfAChattyTask() {
    try (CliStreams streams = new CliStreams()) {
      // ~590 KB: several ReadFile chunks, most of it written just before the task ends.
      assertThat(Meso.run("run", "--master", master, "--", "seq 1 100000")).isZero();
      String[] lines = streams.out().split("\n");
      assertThat(lines).hasSize(100000);
      assertThat(lines[99999]).isEqualTo("100000");
    }
  }

  @Test
  void runTimeoutKillsTheTask() {
    try (CliStreams streams = new CliStreams()) {
      // The timeout counts from the start, offer included: leave room for an offer on a loaded machine.
      assertThat(Meso.run("run", "--master", master, "--timeout", "4", "--", "sleep 100")).isEqualTo(124);
      assertThat(streams.err()).contains("KILLED").contains("timed out after 4s");
    }
  }

  @Test
  void runAsksForMoreThanAnyAgentHasAndTimesOut() {
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("run", "--master", master, "--cpus", "64", "--timeout", "1", "--", "true")).isEqualTo(124);
      assertThat(streams.err()).contains("no offer with cpus:64");
    }
  }

  @Test
  void tasksListsARunningTaskAndKillKillsIt() throws Exception {
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, io.meso.scheduler.MasterAddress.parse(master));
    FrameworkRecorder framework = new FrameworkRecorder(client);
    try {
      client.subscribe(FrameworkInfo.newBuilder().setName("cli-e2e").setUser(System.getProperty("user.name")).build(),
          framework::onEvent).await(30, TimeUnit.SECONDS);
      Offer offer = framework.awaitOffer(0);
      TaskInfo task = TaskInfo.newBuilder().setName("long sleep").setTaskId(TaskID.newBuilder().setValue("sleeper-1"))
          .setAgentId(offer.getAgentId())
          .addResources(scalar("cpus", 0.25)).addResources(scalar("mem", 48))
          .setCommand(CommandInfo.newBuilder().setShell(true).setValue("sleep 1000"))
          .build();
      client.accept(List.of(offer.getId()), List.of(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
          .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)).build()), null).await(30, TimeUnit.SECONDS);
      framework.awaitUpdate("sleeper-1", TaskState.TASK_RUNNING);

      try (CliStreams streams = new CliStreams()) {
        assertThat(Meso.run("tasks", "--master", master)).isZero();
        assertThat(streams.out()).startsWith("ID ")
            .containsPattern("sleeper-1 +long sleep +RUNNING +\\S+ +0\\.25 +48MB +\\d+s\n");
      }
      try (CliStreams streams = new CliStreams()) {
        assertThat(Meso.run("kill", "--master", master, "sleeper-1")).isZero();
        assertThat(streams.out()).isEqualTo("killing sleeper-1\n");
      }
      framework.awaitUpdate("sleeper-1", TaskState.TASK_KILLED);
      await().atMost(FrameworkRecorder.TIMEOUT).untilAsserted(() -> {
        try (CliStreams streams = new CliStreams()) {
          assertThat(Meso.run("tasks", "--master", master, "--all")).isZero();
          assertThat(streams.out()).containsPattern("sleeper-1 .*KILLED");
        }
      });
    } finally {
      client.teardown().await(10, TimeUnit.SECONDS);
      client.close();
    }
  }

  @Test
  void killingAnUnknownTaskSaysSoAndExitsOne() {
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("kill", "--master", master, "no-such-task")).isEqualTo(1);
      assertThat(streams.err()).contains("no-such-task").contains("unknown");
      assertThat(streams.out()).isEmpty();
    }
  }

  @Test
  void agentsListsTheAgentWithItsResources() {
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("agents", "--master", master)).isZero();
      assertThat(streams.out()).startsWith("ID ")
          .containsPattern("\\S+ +\\S+:\\d+ +active +[0-9.]+/2 +[0-9.]+/1024MB +\\d+ +\\d+s\n");
    }
  }

  @Test
  void logsFollowsATasksOutputUntilItEnds() throws Exception {
    Path gate = io.meso.testkit.TaskVisibleDirs.create("meso-logs-gate");
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, io.meso.scheduler.MasterAddress.parse(master));
    FrameworkRecorder framework = new FrameworkRecorder(client);
    try {
      client.subscribe(FrameworkInfo.newBuilder().setName("cli-logs").setUser("").build(), framework::onEvent)
          .await(30, TimeUnit.SECONDS);
      Offer offer = framework.awaitOffer(0);
      // Writes a line to each stream, waits until the test opens the gate, then writes the last line and ends.
      TaskInfo task = TaskInfo.newBuilder().setName("chatty").setTaskId(TaskID.newBuilder().setValue("logs-1"))
          .setAgentId(offer.getAgentId())
          .addResources(scalar("cpus", 0.25)).addResources(scalar("mem", 48))
          .setCommand(CommandInfo.newBuilder().setShell(true).setValue("echo first; echo oops >&2; "
              + "while [ ! -e " + gate + "/open ]; do sleep 0.1; done; echo last"))
          .build();
      client.accept(List.of(offer.getId()), List.of(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
          .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)).build()), null).await(30, TimeUnit.SECONDS);
      framework.awaitUpdate("logs-1", TaskState.TASK_RUNNING);

      try (CliStreams streams = new CliStreams()) {
        java.util.concurrent.CompletableFuture<Integer> logs = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> Meso.run("logs", "-f", "--master", master, "logs-1"));
        await().atMost(FrameworkRecorder.TIMEOUT).until(() -> streams.out().contains("first\n")
            && streams.err().contains("oops\n"));
        // Still following: the task has not ended.
        assertThat(logs).isNotDone();
        Files.createFile(gate.resolve("open"));
        assertThat(logs.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(streams.out()).isEqualTo("first\nlast\n");
        assertThat(streams.err()).isEqualTo("oops\n");
      }
      framework.awaitUpdate("logs-1", TaskState.TASK_FINISHED);
      // Without -f, a finished task's output is printed once; --stderr picks one stream.
      try (CliStreams streams = new CliStreams()) {
        assertThat(Meso.run("logs", "--master", master, "--stderr", "logs-1")).isZero();
        assertThat(streams.out()).isEmpty();
        assertThat(streams.err()).isEqualTo("oops\n");
      }
    } finally {
      client.teardown().await(10, TimeUnit.SECONDS);
      client.close();
    }
  }

  @Test
  void logsOfAnUnknownTaskSaysSoAndExitsThree() {
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("logs", "--master", master, "no-such-task")).isEqualTo(3);
      assertThat(streams.err()).contains("no task no-such-task").contains("meso tasks --all");
      assertThat(streams.out()).isEmpty();
    }
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }
}
