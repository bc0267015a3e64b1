package io.meso.executor;

import static io.meso.executor.ExecutorHarness.ports;
import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
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

/** The process executor with real processes, POSIX isolation (sessions, no cgroups). */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecutorVerticleTest {

  @TempDir
  Path workDir;

  private ExecutorHarness harness;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    ExecutorOptions options = new ExecutorOptions().setIsolation(Isolation.POSIX).setCleanupDelayMillis(50);
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, options));
  }

  @Test
  void exitZeroFinishes() throws Exception {
    harness.launch(task("ok", shell("true")).build());

    TaskStatus terminal = harness.awaitTerminal("ok");

    assertThat(harness.statesOf("ok"))
        .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(harness.statusesOf("ok")).allMatch(s -> s.getSource() == TaskStatus.Source.SOURCE_EXECUTOR);
    assertThat(terminal.getMessage()).contains("status 0");
    assertThat(Files.readString(harness.sandbox("ok").resolve("exit_status")).trim()).isEqualTo("0");
  }

  @Test
  void nonZeroExitFailsAndKeepsOutput() throws Exception {
    harness.launch(task("bad", shell("echo hello; echo oops >&2; exit 3")).build());

    TaskStatus terminal = harness.awaitTerminal("bad");

    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(terminal.getMessage()).isEqualTo("Command exited with status 3");
    assertThat(terminal.getReason()).isEqualTo(TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED);
    Path sandbox = harness.sandbox("bad");
    assertThat(Files.readString(sandbox.resolve("stdout"))).isEqualTo("hello\n");
    assertThat(Files.readString(sandbox.resolve("stderr"))).isEqualTo("oops\n");
    assertThat(Files.readString(sandbox.resolve("exit_status")).trim()).isEqualTo("3");
  }

  @Test
  void taskSeesItsEnvironmentAndRunsInItsSandbox() throws Exception {
    CommandInfo command = CommandInfo.newBuilder()
        .setValue("printf '%s\\n' \"$MESOS_SANDBOX\" \"$MESO_SANDBOX\" \"$MESOS_TASK_ID\" \"$MESOS_FRAMEWORK_ID\" "
            + "\"$MESOS_AGENT_ID\" \"$PORT0\" \"$PORT1\" \"$PORT\" \"$PORTS\" \"$GREETING\" \"$(pwd)\" > env.txt")
        .setEnvironment(Environment.newBuilder().addVariables(
            Environment.Variable.newBuilder().setName("GREETING").setValue("hi there")))
        .build();
    harness.launch(task("env", command).addResources(ports(31005, 31006)).build());

    assertThat(harness.awaitTerminal("env").getState()).isEqualTo(TaskState.TASK_FINISHED);

    Path sandbox = harness.sandbox("env");
    assertThat(Files.readAllLines(sandbox.resolve("env.txt"))).containsExactly(
        sandbox.toString(), sandbox.toString(), "env", ExecutorHarness.FRAMEWORK_ID, harness.agentId,
        "31005", "31006", "31005", "31005,31006", "hi there", sandbox.toRealPath().toString());
  }

  @Test
  void killTerminatesTheWholeProcessTree() throws Exception {
    harness.launch(task("tree", shell("echo $$ > leader; sleep 1000 & sleep 1000; wait")).build());
    harness.awaitState("tree", TaskState.TASK_RUNNING);
    Path leaderFile = harness.sandbox("tree").resolve("leader");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(leaderFile) && Files.size(leaderFile) > 0);
    long leader = Procs.readPid(leaderFile);
    // The shell and both sleeps share the task's session, led by the shell.
    await().atMost(Duration.ofSeconds(10)).until(() -> Procs.inSession(leader).size() >= 3);
    List<Long> tree = Procs.inSession(leader);

    harness.kill("tree", 3_000, true);
    TaskStatus terminal = harness.awaitTerminal("tree");

    assertThat(harness.statesOf("tree")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_KILLING, TaskState.TASK_KILLED);
    assertThat(terminal.getMessage()).contains("SIGTERM");
    assertThat(Procs.inSession(leader)).isEmpty();
    assertThat(tree).noneMatch(Procs::alive);
  }

  @Test
  void taskIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
    // SIG_IGN survives exec: neither the shell nor its sleeps react to SIGTERM.
    harness.launch(task("stubborn", shell("trap '' TERM; echo $$ > leader; sleep 1000 & sleep 1000; wait")).build());
    Path leaderFile = harness.sandbox("stubborn").resolve("leader");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(leaderFile) && Files.size(leaderFile) > 0);
    long leader = Procs.readPid(leaderFile);
    await().atMost(Duration.ofSeconds(10)).until(() -> Procs.inSession(leader).size() >= 3);

    long killedAt = System.nanoTime();
    harness.kill("stubborn", 500, false);
    TaskStatus terminal = harness.awaitTerminal("stubborn");
    long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;

    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(terminal.getMessage()).contains("SIGKILL");
    assertThat(harness.statesOf("stubborn")).doesNotContain(TaskState.TASK_KILLING);
    assertThat(tookMillis).as("SIGKILL only after the grace period").isGreaterThanOrEqualTo(500);
    assertThat(Procs.inSession(leader)).isEmpty();
  }

  @Test
  void unknownShellCommandFails() {
    harness.launch(task("nosuch", shell("no-such-command-meso-test")).build());

    TaskStatus terminal = harness.awaitTerminal("nosuch");

    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(terminal.getMessage()).contains("127").contains("not found");
  }

  @Test
  void unknownExecutableFailsToLaunch() {
    CommandInfo command = CommandInfo.newBuilder().setShell(false).setValue("no-such-binary-meso-test").build();
    harness.launch(task("noexec", command).build());

    TaskStatus terminal = harness.awaitTerminal("noexec");

    assertThat(harness.statesOf("noexec")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_FAILED);
    assertThat(terminal.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(terminal.getMessage()).contains("no-such-binary-meso-test").contains("not found");
  }

  @Test
  void shellFalseExecsWithArgumentsUnsplit() throws Exception {
    // Mesos convention: arguments[0] is argv[0]; the rest are passed as they are, no shell.
    CommandInfo command = CommandInfo.newBuilder().setShell(false).setValue("printf")
        .addAllArguments(List.of("printf", "%s|%s", "a b", "$HOME")).build();
    harness.launch(task("exec", command).build());

    assertThat(harness.awaitTerminal("exec").getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(Files.readString(harness.sandbox("exec").resolve("stdout"))).isEqualTo("a b|$HOME");
  }

  @Test
  void plainShellCommandsRunWithoutAShellButTheSame() throws Exception {
    harness.launch(task("plain", shell("/usr/bin/printf %s-%s a b")).build());

    assertThat(harness.awaitTerminal("plain").getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(Files.readString(harness.sandbox("plain").resolve("stdout"))).isEqualTo("a-b");
  }

  @Test
  void deathBySignalNamesTheSignal() {
    harness.launch(task("sig", shell("kill -KILL $$")).build());

    TaskStatus terminal = harness.awaitTerminal("sig");

    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(terminal.getMessage()).contains("SIGKILL");
  }

  @Test
  void processesLeftBehindAreKilledAfterTheTaskEnds() throws Exception {
    harness.launch(task("bg", shell("sleep 1000 & echo $! > bg; exit 0")).build());

    assertThat(harness.awaitTerminal("bg").getState()).isEqualTo(TaskState.TASK_FINISHED);
    long background = Procs.readPid(harness.sandbox("bg").resolve("bg"));

    await().atMost(Duration.ofSeconds(10)).until(() -> !Procs.alive(background));
  }

  @Test
  void withoutSessionsAKillStillReachesTheTasksDescendants(Vertx vertx) throws Exception {
    ExecutorOptions options = new ExecutorOptions().setIsolation(Isolation.POSIX).setSessions(false);
    ExecutorHarness plain = new ExecutorHarness(vertx, workDir.resolve("plain"),
        agentId -> new ExecutorVerticle(agentId, options));
    plain.launch(task("nosession", shell("sleep 1000 & echo $! > bg; sleep 1000; wait")).build());
    Path bgFile = plain.sandbox("nosession").resolve("bg");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(bgFile) && Files.size(bgFile) > 0);
    long background = Procs.readPid(bgFile);

    plain.kill("nosession", 2_000, false);

    assertThat(plain.awaitTerminal("nosession").getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(Procs.alive(background)).isFalse();
  }

  @Test
  void killOfAnUnknownTaskIsIgnored() {
    harness.kill("ghost", 0, true);
    harness.launch(task("after", shell("true")).build());

    harness.awaitTerminal("after");

    assertThat(harness.statesOf("ghost")).isEmpty();
  }
}
