package io.meso.executor;

import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.v1.HealthCheck;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Recoverable tasks across an executor restart (what a restarted agent does): the executor is
 * undeployed without killing its tasks, a new one is deployed for the same agent and is sent
 * {@link RecoverTasks} with what the checkpoint says. Real processes, POSIX isolation.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecutorRecoveryTest {

  /** Waits for this file in the sandbox, then exits with the given status. */
  private static String waitForGoThenExit(int status) {
    return "echo waiting; while [ ! -f go ]; do sleep 0.02; done; exit " + status;
  }

  @TempDir
  Path workDir;

  private ExecutorHarness harness;
  private final ExecutorOptions options = new ExecutorOptions().setIsolation(Isolation.POSIX)
      .setCleanupDelayMillis(50).setKillTasksOnStop(false).setAdoptedPollMillis(20);

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, options));
  }

  private void restartExecutor() throws Exception {
    harness.restart(agentId -> new ExecutorVerticle(agentId, options));
  }

  private TaskCheckpoint.Recovered checkpoint(String taskId) throws Exception {
    return TaskCheckpoint.read(harness.checkpointDir(taskId));
  }

  private void launchRunning(String taskId, String script) {
    harness.launchCheckpointed(task(taskId, shell(script)).build());
    harness.awaitState(taskId, TaskState.TASK_RUNNING);
  }

  @Test
  void aCheckpointedLaunchRecordsTheTaskItsPidAndItsExitStatus() throws Exception {
    harness.launchCheckpointed(task("three", shell("echo \"[$0][$1][$#]\"; exit 3")).build());
    TaskStatus end = harness.awaitTerminal("three");
    assertThat(end.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(end.getMessage()).isEqualTo("Command exited with status 3");
    Path sandbox = harness.sandbox("three");
    assertThat(Files.readString(sandbox.resolve("exit_status")).trim()).isEqualTo("3");
    // The script sees no positional parameters, as under sh -c.
    assertThat(Files.readString(sandbox.resolve("stdout")).trim()).isEqualTo("[meso-task][][0]");
    TaskCheckpoint.Recovered r = checkpoint("three");
    assertThat(r.task().getTaskId().getValue()).isEqualTo("three");
    assertThat(r.framework().getId().getValue()).isEqualTo(ExecutorHarness.FRAMEWORK_ID);
    assertThat(r.pid()).isPositive();
    assertThat(r.startTime()).isPositive();
  }

  @Test
  void anAdoptedTaskIsHealthCheckedAfresh() throws Exception {
    HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND).setCommand(shell("true"))
        .setDelaySeconds(0).setIntervalSeconds(0.2).build();
    harness.launchCheckpointed(task("checked", shell("sleep 60")).setHealthCheck(check).build());
    await().atMost(Duration.ofSeconds(20)).until(() -> healthyUpdates("checked") == 1);

    restartExecutor();
    harness.recover("checked");

    await().atMost(Duration.ofSeconds(20)).until(() -> healthyUpdates("checked") == 2);
    harness.kill("checked", 0, false);
    assertThat(harness.awaitTerminal("checked").getState()).isEqualTo(TaskState.TASK_KILLED);
  }

  private long healthyUpdates(String taskId) {
    return harness.statusesOf(taskId).stream()
        .filter(s -> s.getReason() == TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED && s.getHealthy())
        .count();
  }

  @Test
  void aScriptThatDoesNotParseFailsAsUnderShDashC() {
    harness.launchCheckpointed(task("bad", shell("if then fi (")).build());
    TaskStatus end = harness.awaitTerminal("bad");
    assertThat(end.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(end.getMessage()).isEqualTo("Command exited with status 2");
  }

  @Test
  void aTaskKeepsRunningWhileNoExecutorWatchesAndIsAdoptedAndKilled() throws Exception {
    launchRunning("long", "sleep 60");
    long pid = checkpoint("long").pid();
    restartExecutor();
    assertThat(Procs.alive(pid)).as("the task outlives its executor").isTrue();

    harness.recover("long");
    harness.kill("long", 5_000, true);
    TaskStatus end = harness.awaitTerminal("long");
    assertThat(end.getState()).isEqualTo(TaskState.TASK_KILLED);
    // SIGTERM reached the task; its wrapper recorded how it ended.
    assertThat(end.getMessage()).isEqualTo("Command terminated by signal SIGTERM (exit status 143)");
    assertThat(harness.statesOf("long")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_KILLING, TaskState.TASK_KILLED);
    await().atMost(Duration.ofSeconds(10)).until(() -> Procs.inSession(pid).isEmpty());
  }

  /**
   * With the native helper a recoverable launch has no wrapper shell: the leader is meso-launch,
   * its one child the command (here the task's shell), and the helper records how the command
   * ended in exit_status, with nobody watching, for the restarted executor to report.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "exit 0          | 0   | TASK_FINISHED | Command exited with status 0",
      "exit 3          | 3   | TASK_FAILED   | Command exited with status 3",
      "kill -USR1 $$   | 138 | TASK_FAILED   | Command terminated by signal SIGUSR1 (exit status 138)"})
  void theHelperRecordsHowTheCommandEndedForTheRestartedExecutor(String end, String recorded, TaskState state,
      String message) throws Exception {
    harness.assertLaunchHelper(true);
    launchRunning("ends", "echo waiting; while [ ! -f go ]; do sleep 0.02; done; " + end);
    long leader = checkpoint("ends").pid();
    assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(leader), "exe")).getFileName().toString())
        .as("the leader is the helper, not a wrapper shell").startsWith("meso-launch");
    // Its one child is the command itself once exec'd (a forked child first shows the helper's command line).
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<ProcessHandle> children = ProcessHandle.of(leader).orElseThrow().children().toList();
      assertThat(children).hasSize(1);
      assertThat(Files.readString(Path.of("/proc", Long.toString(children.get(0).pid()), "cmdline")))
          .startsWith("/bin/sh\0-c\0echo waiting;");
    });

    restartExecutor();
    Files.writeString(harness.sandbox("ends").resolve("go"), "");
    Path status = harness.sandbox("ends").resolve("exit_status");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(status) && !Procs.alive(leader));
    assertThat(Files.readString(status)).isEqualTo(recorded + "\n");

    harness.recover("ends");
    TaskStatus terminal = harness.awaitTerminal("ends");
    assertThat(terminal.getState()).isEqualTo(state);
    assertThat(terminal.getMessage()).isEqualTo(message);
  }

  /**
   * A graceful kill: the command gets SIGTERM (it handles it and exits 0) while the helper that
   * waits for it stays, and records the command's own status; a helper ended by the SIGTERM
   * would leave none, and the executor would record 143 from the leader's end.
   */
  @Test
  void aGracefulKillReachesTheCommandAndTheHelperRecordsHowItEnded() throws Exception {
    harness.assertLaunchHelper(true);
    launchRunning("graceful", "trap 'echo TERM > saw-term; exit 0' TERM; echo ready > ready; "
        + "while :; do sleep 0.05; done");
    Path sandbox = harness.sandbox("graceful");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sandbox.resolve("ready")));

    harness.kill("graceful", 60_000, true);
    TaskStatus end = harness.awaitTerminal("graceful");

    assertThat(end.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(Files.readString(sandbox.resolve("saw-term")).trim()).isEqualTo("TERM");
    assertThat(Files.readString(sandbox.resolve("exit_status"))).isEqualTo("0\n");
    assertThat(end.getMessage()).isEqualTo("Command exited with status 0");
  }

  @Test
  void aTaskThatEndedWhileNoExecutorWatchedReportsTheStatusItRecorded() throws Exception {
    launchRunning("ends", waitForGoThenExit(7));
    restartExecutor();
    Files.writeString(harness.sandbox("ends").resolve("go"), "");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(harness.sandbox("ends").resolve("exit_status"))
        && !Procs.alive(checkpoint("ends").pid()));

    harness.recover("ends");
    TaskStatus end = harness.awaitTerminal("ends");
    assertThat(end.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(end.getMessage()).isEqualTo("Command exited with status 7");
    assertThat(end.getReason()).isEqualTo(TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED);
  }

  @Test
  void anAdoptedTaskThatExitsLaterIsNoticed() throws Exception {
    launchRunning("later", waitForGoThenExit(0));
    restartExecutor();
    harness.recover("later");
    Files.writeString(harness.sandbox("later").resolve("go"), "");
    TaskStatus end = harness.awaitTerminal("later");
    assertThat(end.getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(harness.statesOf("later")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_FINISHED);
  }

  @Test
  void aTaskKilledWithSigkillWhileNoExecutorWatchedIsNotGuessed() throws Exception {
    launchRunning("sigkilled", "sleep 60");
    long pid = checkpoint("sigkilled").pid();
    restartExecutor();
    ProcessTree.signal(Procs.inSession(pid), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> Procs.inSession(pid).isEmpty());

    harness.recover("sigkilled");
    TaskStatus end = harness.awaitTerminal("sigkilled");
    assertThat(end.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(end.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
    assertThat(end.getMessage()).contains("left no exit status");
    assertThat(Files.exists(harness.sandbox("sigkilled").resolve("exit_status"))).isFalse();
  }

  @Test
  void aReusedPidIsNotMistakenForTheTask() throws Exception {
    launchRunning("reused", "sleep 60");
    TaskCheckpoint.Recovered r = checkpoint("reused");
    restartExecutor();
    // Same pid, another start time: the checkpointed process is not this one.
    TaskCheckpoint.writePid(harness.checkpointDir("reused"), r.pid(), r.startTime() + 1);
    assertThat(ProcessTree.alive(r.pid(), r.startTime())).isTrue();
    assertThat(ProcessTree.alive(r.pid(), r.startTime() + 1)).isFalse();

    harness.recover("reused");
    TaskStatus end = harness.awaitTerminal("reused");
    assertThat(end.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
    assertThat(Procs.alive(r.pid())).as("the process with the reused pid is left alone").isTrue();
    ProcessTree.signal(Procs.inSession(r.pid()), true);
  }
}
