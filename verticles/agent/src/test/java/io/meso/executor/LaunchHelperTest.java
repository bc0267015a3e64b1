package io.meso.executor;

import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.executor.isolation.HostSupport;
import io.meso.executor.isolation.IsolatorName;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native launch helper itself: it is built into the classes (gcc at build time), extracted
 * and verified by the executor, run by it, and the executor falls back to the program pipeline
 * when it cannot run; its own failures fail the task with its reason; with a pid namespace it
 * passes the init's end on and takes the init with it when it dies. Real processes throughout
 * (the isolation and user behaviour with either launcher is in the ...Test / ...ProgramsTest
 * pairs: TaskUser, TaskUserIsolation, Namespaces, CgroupReadOnly, CgroupLimits).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LaunchHelperTest {

  @TempDir
  Path workDir;
  @TempDir
  Path runtimeDir;

  private static ExecutorOptions posix(Path runtimeDir) {
    return new ExecutorOptions().setIsolation(Isolation.POSIX).setCleanupDelayMillis(50)
        .setRuntimeDir(runtimeDir.toString());
  }

  @Test
  void theExecutorExtractsTheBuiltHelperAndLaunchesWithIt(Vertx vertx) throws Exception {
    assertThat(LaunchHelper.class.getResource(LaunchHelper.RESOURCE)).as("meso-launch built by the Maven build (gcc)")
        .isNotNull();
    ExecutorHarness harness = new ExecutorHarness(vertx, workDir,
        agentId -> new ExecutorVerticle(agentId, posix(runtimeDir)));
    harness.assertLaunchHelper(true);
    List<Path> extracted = new ArrayList<>();
    try (var files = Files.newDirectoryStream(runtimeDir, "meso-launch-*")) {
      files.forEach(extracted::add);
    }
    assertThat(extracted).hasSize(1);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(extracted.get(0)))).isEqualTo("rwxr-xr-x");

    harness.launch(task("runs", shell("/bin/true")).build());
    assertThat(harness.awaitTerminal("runs").getState()).isEqualTo(TaskState.TASK_FINISHED);
  }

  @Test
  void anExecutorWhoseHelperCannotBeExtractedLaunchesWithThePrograms(Vertx vertx) throws Exception {
    Path notADirectory = Files.writeString(runtimeDir.resolve("file"), "x");
    ExecutorHarness harness = new ExecutorHarness(vertx, workDir,
        agentId -> new ExecutorVerticle(agentId, posix(notADirectory)));
    harness.assertLaunchHelper(false);
    harness.launch(task("fallback", shell("grep NoNewPrivs /proc/self/status > nnp.txt")).build());
    assertThat(harness.awaitTerminal("fallback").getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(Files.readString(harness.sandbox("fallback").resolve("nnp.txt"))).contains("1");
  }

  /** Runs the extracted helper with {@code args}, in {@code sandbox} with stderr to its file. */
  private Process helper(Path sandbox, String... args) throws Exception {
    LaunchHelper helper = LaunchHelper.open(runtimeDir, "test");
    assertThat(helper).isNotNull();
    List<String> argv = new ArrayList<>(List.of(helper.executable().toString()));
    argv.addAll(List.of(args));
    Files.createDirectories(sandbox);
    return new ProcessBuilder(argv).directory(sandbox.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(sandbox.resolve("stdout").toFile()).redirectError(sandbox.resolve("stderr").toFile()).start();
  }

  @Test
  void aStepTheHelperCannotTakeFailsTheTaskWithItsReason() throws Exception {
    Path sandbox = workDir.resolve("join");
    Process p = helper(sandbox, "--setsid", "--cgroup", "/nonexistent/meso/cgroup.procs", "--", "/bin/true");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(LaunchHelper.LAUNCH_FAILED);

    ExitFacts.Ending ending = new ExitFacts(p.exitValue(), List.of(), LaunchHelper.launchError(sandbox)).ending();
    assertThat(ending.state()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(ending.reason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    assertThat(ending.message()).isEqualTo("Failed to launch the task: meso-launch: cannot join cgroup "
        + "/nonexistent/meso/cgroup.procs: No such file or directory; Command exited with status 125");
  }

  @Test
  void aTaskThatExits125ByItselfIsNotTakenForALaunchFailure() throws Exception {
    Path sandbox = workDir.resolve("own");
    Process p = helper(sandbox, "--setsid", "--", "/bin/sh", "-c", "echo 'something failed' >&2; exit 125");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    ExitFacts.Ending ending = new ExitFacts(p.exitValue(), List.of(), LaunchHelper.launchError(sandbox)).ending();
    assertThat(ending.reason()).isEqualTo(TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED);
  }

  @Test
  void badArgumentsAreRefusedNamingTheOptionAndTheValue() throws Exception {
    Path sandbox = workDir.resolve("bad");
    Process p = helper(sandbox, "--uid", "abc", "--", "/bin/true");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(LaunchHelper.LAUNCH_FAILED);
    assertThat(LaunchHelper.launchError(sandbox)).isEqualTo("meso-launch: --uid 'abc' is not a non-negative number");
  }

  @Test
  void withAPidNamespaceTheHelperEndsAsItsInitDidAndTakesItAlongWhenKilled() throws Exception {
    String why = HostSupport.probe(Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE)).whyNot(IsolatorName.NAMESPACES_PID);
    Assumptions.assumeTrue(why == null, "no pid namespaces here: " + why);
    Assumptions.assumeTrue(TaskPrivileges.agentUid() == 0, "switching users needs the test to be root");
    Process exits = helper(workDir.resolve("exits"), "--pid-ns", "--", "/bin/sh", "-c", "echo $$; exit 7");
    assertThat(exits.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(exits.exitValue()).isEqualTo(7);
    assertThat(Files.readString(workDir.resolve("exits").resolve("stdout")).trim()).as("pid 1 in its namespace")
        .isEqualTo("1");

    Process killedInit = helper(workDir.resolve("init"), "--setsid", "--pid-ns", "--", "/bin/sleep", "1000");
    ProcessHandle init = await().atMost(Duration.ofSeconds(30)).until(
        () -> killedInit.children().findFirst().orElse(null), h -> h != null);
    init.destroyForcibly();
    assertThat(killedInit.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(killedInit.exitValue()).as("SIGKILL passed on, as Java reports it").isEqualTo(137);

    long nobody = TaskUser.lookup("nobody", "test").uid();
    Process leader = helper(workDir.resolve("leader"), "--setsid", "--pid-ns", "--drop-caps", "--uid",
        Long.toString(nobody), "--gid", Long.toString(TaskUser.lookup("nobody", "test").gid()), "--user", "nobody",
        "--", "/bin/sleep", "1000");
    ProcessHandle child = await().atMost(Duration.ofSeconds(30)).until(
        () -> leader.children().findFirst().orElse(null), h -> h != null);
    await().atMost(Duration.ofSeconds(30)).until(() -> child.info().user().orElse("").equals("nobody"));
    leader.destroyForcibly();
    await("the init (switched to another user) dies with its leader").atMost(Duration.ofSeconds(30))
        .until(() -> !child.isAlive());
  }
  /** Runs the helper to its end and returns its exit status. */
  private static int endOf(Process p) throws Exception {
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  /**
   * --exit-status: the helper runs the command as its child and ends as a shell would, with
   * the same status written to exit_status (an exit code, or 128+N for signal N).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"exit 0 | 0", "exit 3 | 3", "kill -TERM $$ | 143", "kill -USR1 $$ | 138",
      "exec /nonexistent/command | 127"})
  void theHelperRecordsTheCommandsStatusAndEndsWithIt(String script, int status) throws Exception {
    Path sandbox = workDir.resolve("status");
    Process p = helper(sandbox, "--setsid", "--exit-status", "--", "/bin/sh", "-c", "echo $PPID > parent; " + script);
    assertThat(endOf(p)).isEqualTo(status);
    assertThat(Files.readString(sandbox.resolve("exit_status"))).isEqualTo(status + "\n");
    assertThat(Long.parseLong(Files.readString(sandbox.resolve("parent")).trim())).as("the helper waited for it")
        .isEqualTo(p.pid());
    try (var left = Files.list(sandbox)) {
      assertThat(left.map(f -> f.getFileName().toString())).as("no temporary file left")
          .containsExactlyInAnyOrder("stdout", "stderr", "parent", "exit_status");
    }
  }

  @Test
  void aCommandThatCannotRunIsRecordedAsAShellWould() throws Exception {
    Path sandbox = workDir.resolve("missing");
    assertThat(endOf(helper(sandbox, "--exit-status", "--", "meso-no-such-command"))).isEqualTo(127);
    assertThat(Files.readString(sandbox.resolve("exit_status"))).isEqualTo("127\n");
  }

  @Test
  void theStatusReplacesALinkTheTaskLeftInsteadOfWritingThroughIt() throws Exception {
    Path sandbox = workDir.resolve("link");
    Path target = Files.writeString(workDir.resolve("precious.txt"), "precious\n");
    Files.createDirectories(sandbox);
    Files.createSymbolicLink(sandbox.resolve("exit_status"), target);
    assertThat(endOf(helper(sandbox, "--exit-status", "--", "/bin/sh", "-c", "exit 4"))).isEqualTo(4);
    assertThat(Files.readString(target)).isEqualTo("precious\n");
    assertThat(Files.isSymbolicLink(sandbox.resolve("exit_status"))).isFalse();
    assertThat(Files.readString(sandbox.resolve("exit_status"))).isEqualTo("4\n");
  }

  @Test
  void withATemporaryDirectoryTheStatusIsMadeThereAndRenamedIn() throws Exception {
    Path sandbox = workDir.resolve("temp");
    Path checkpoint = Files.createDirectories(workDir.resolve("checkpoint"));
    assertThat(endOf(helper(sandbox, "--exit-status", "--exit-status-temp", checkpoint.toString(), "--",
        "/bin/sh", "-c", "exit 5"))).isEqualTo(5);
    assertThat(Files.readString(sandbox.resolve("exit_status"))).isEqualTo("5\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sandbox.resolve("exit_status"))))
        .isEqualTo("rw-------");
    try (var left = Files.list(checkpoint)) {
      assertThat(left).isEmpty();
    }
  }

  /**
   * The helper waits out SIGTERM, SIGINT and SIGHUP (they are meant for the command, which gets
   * them from the executor itself) and still records how the command ended; --wait alone records
   * nothing.
   */
  @Test
  void theWaitingHelperOutlivesTermIntAndHupAndRecordsTheCommandsEnd() throws Exception {
    Path sandbox = workDir.resolve("signals");
    Process p = helper(sandbox, "--setsid", "--exit-status", "--", "/bin/sh", "-c",
        "trap 'echo TERM >> seen' TERM; trap 'echo INT >> seen' INT; trap 'echo HUP >> seen' HUP; echo > ready; "
            + "while [ \"$(wc -l < seen 2>/dev/null)\" != 3 ]; do sleep 0.02; done; exit 6");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sandbox.resolve("ready")));
    for (String signal : List.of("TERM", "INT", "HUP")) {
      // The helper first, then the command, as the executor signals a session (oldest first).
      assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor()).isZero();
      long command = p.children().findFirst().orElseThrow().pid();
      assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(command)).start().waitFor()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sandbox.resolve("seen"))
          && Files.readString(sandbox.resolve("seen")).contains(signal));
    }
    assertThat(endOf(p)).isEqualTo(6);
    assertThat(Files.readString(sandbox.resolve("exit_status"))).isEqualTo("6\n");

    Path quiet = workDir.resolve("quiet");
    assertThat(endOf(helper(quiet, "--wait", "--", "/bin/sh", "-c", "kill -KILL $$"))).isEqualTo(137);
    assertThat(Files.exists(quiet.resolve("exit_status"))).isFalse();
  }

  /**
   * An agent started under nohup or in a shell's background ignores SIGHUP or SIGINT, and ignored
   * signals survive exec: the helper resets every disposition before it runs the command.
   */
  @Test
  void theCommandStartsWithNoSignalIgnoredOrBlockedHoweverTheAgentWasStarted() throws Exception {
    Path sandbox = workDir.resolve("dispositions");
    LaunchHelper helper = LaunchHelper.open(runtimeDir, "test");
    assertThat(helper).isNotNull();
    Files.createDirectories(sandbox);
    for (String mode : List.of("--exit-status", "--wait")) {
      Files.deleteIfExists(sandbox.resolve("status"));
      // `trap '' SIG` makes sh ignore the signal, and exec keeps it ignored for the helper.
      Process p = new ProcessBuilder("/bin/sh", "-c", "trap '' INT HUP QUIT TERM; exec \"$0\" \"$@\"",
          helper.executable().toString(), "--setsid", mode, "--", "/bin/sh", "-c",
          "grep -E '^Sig(Ign|Blk):' /proc/self/status > status")
          .directory(sandbox.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(sandbox.resolve("stdout").toFile()).redirectError(sandbox.resolve("stderr").toFile()).start();
      assertThat(endOf(p)).as(mode + ": " + Files.readString(sandbox.resolve("stderr"))).isZero();
      String status = Files.readString(sandbox.resolve("status"));
      assertThat(status).as(mode).contains("SigBlk:\t0000000000000000");
      long ignored = Long.parseLong(status.replaceAll("(?s).*SigIgn:\t([0-9a-f]+).*", "$1"), 16);
      long hupIntQuitTerm = 1L << (1 - 1) | 1L << (2 - 1) | 1L << (3 - 1) | 1L << (15 - 1);
      assertThat(ignored & hupIntQuitTerm).as(mode + ": " + status).isZero();
    }
  }

  @Test
  void aTemporaryDirectoryWithoutExitStatusIsRefused() throws Exception {
    Path sandbox = workDir.resolve("refused");
    assertThat(endOf(helper(sandbox, "--exit-status-temp", "/tmp", "--", "/bin/true")))
        .isEqualTo(LaunchHelper.LAUNCH_FAILED);
    assertThat(LaunchHelper.launchError(sandbox)).isEqualTo("meso-launch: --exit-status-temp needs --exit-status");
  }

  @Test
  void theHelperAnswersTheVersionTheExecutorNeeds() throws Exception {
    Path sandbox = workDir.resolve("version");
    assertThat(endOf(helper(sandbox, "--version"))).isZero();
    assertThat(Files.readString(sandbox.resolve("stdout")).trim()).isEqualTo("meso-launch " + LaunchHelper.VERSION);
  }

  /**
   * With a pid namespace the waiting helper is the namespace's init (no third process): the
   * command is its pid 2, and its status is recorded from inside the namespace.
   */
  @Test
  void withAPidNamespaceTheInitWaitsForTheCommandAndRecordsItsStatus() throws Exception {
    String why = HostSupport.probe(Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE)).whyNot(IsolatorName.NAMESPACES_PID);
    Assumptions.assumeTrue(why == null, "no pid namespaces here: " + why);
    Path sandbox = workDir.resolve("ns");
    Process p = helper(sandbox, "--setsid", "--pid-ns", "--exit-status", "--", "/bin/sh", "-c",
        "echo $$ > pid; tr '\\0' ' ' < /proc/1/cmdline > init; exit 9");
    assertThat(endOf(p)).isEqualTo(9);
    assertThat(Files.readString(sandbox.resolve("pid")).trim()).isEqualTo("2");
    assertThat(Files.readString(sandbox.resolve("init"))).contains("meso-launch").contains("--exit-status");
    assertThat(Files.readString(sandbox.resolve("exit_status"))).isEqualTo("9\n");
  }
}
