package io.meso.executor;

import static io.meso.executor.ExecutorHarness.scalar;
import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.executor.isolation.HostSupport;
import io.meso.executor.isolation.IsolatorName;
import io.meso.v1.HealthCheck;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * namespaces/pid with real processes: what a task sees, how it ends, how it is killed, recovered
 * and health-checked. Each behaviour that the namespace brings is checked against a run without
 * it, so the test shows the difference. Needs root and util-linux (unshare, nsenter).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NamespacesTest {

  @TempDir
  Path workDir;

  /** Whether tasks launch with the native helper; the ...ProgramsTest subclass runs all with the program pipeline. */
  boolean helper() {
    return true;
  }

  private ExecutorHarness harness;

  private ExecutorOptions options(String isolation) {
    return new ExecutorOptions().setLaunchHelper(helper())
        .setIsolation(Isolation.parse(isolation)).setCgroupsRoot("meso-test")
        .setCleanupDelayMillis(50).setWatchIntervalMillis(100).setAdoptedPollMillis(20);
  }

  private void deploy(Vertx vertx, String isolation) throws Exception {
    String why = HostSupport.probe(Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE)).whyNot(IsolatorName.NAMESPACES_PID);
    Assumptions.assumeTrue(why == null, "no pid namespaces here: " + why);
    ExecutorOptions options = options(isolation);
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, options));
    harness.assertLaunchHelper(helper());
  }

  private void awaitFile(String taskId, String name) {
    Path file = harness.sandbox(taskId).resolve(name);
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file) && Files.size(file) > 0);
  }

  /** The pid namespace of a host process ("pid:[4026531836]"), or null when it is gone. */
  private static String pidNamespace(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid")).toString();
    } catch (IOException e) {
      return null;
    }
  }

  /** Host pids of live processes in a pid namespace. */
  private static List<Long> inNamespace(String namespace) throws IOException {
    List<Long> found = new java.util.ArrayList<>();
    try (var entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path entry : entries) {
        long pid = Long.parseLong(entry.getFileName().toString());
        if (namespace.equals(pidNamespace(pid)) && Procs.alive(pid)) {
          found.add(pid);
        }
      }
    }
    return found;
  }

  /** The host pid of the task's namespace init: its leader's only child. */
  private static long init(long leader) throws IOException {
    String children = Files.readString(Path.of("/proc", Long.toString(leader), "task", Long.toString(leader),
        "children")).trim();
    return Long.parseLong(children.split("\\s+")[0]);
  }

  private long leaderOf(String taskId) throws Exception {
    Path checkpoint = harness.checkpointDir(taskId);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      TaskCheckpoint.Recovered r = TaskCheckpoint.read(checkpoint);
      return r != null && r.pid() > 0;
    });
    return TaskCheckpoint.read(checkpoint).pid();
  }

  @Test
  void psInsideATaskShowsOnlyItsOwnTreeAndKillingItEndsTheNamespace(Vertx vertx) throws Exception {
    deploy(vertx, "namespaces/pid");
    long agent = ProcessHandle.current().pid();
    // ps runs once the background child has exec'd sleep (until then it is a forked "sh").
    harness.launchCheckpointed(task("alone", shell("sleep 1000 & s=$!; "
        + "until [ \"$(cat /proc/$s/comm 2> /dev/null)\" = sleep ]; do sleep 0.01; done; "
        + "ps -e -o pid=,comm= > ps.txt; "
        + "kill -0 " + agent + " 2> /dev/null; echo $? > signal-agent; wait")).build());
    awaitFile("alone", "signal-agent");

    List<String> ps = Files.readAllLines(harness.sandbox("alone").resolve("ps.txt")).stream().map(String::trim)
        .toList();
    assertThat(ps).as("the init shell, its script's subshell, sleep and ps: nothing of the host")
        .allMatch(line -> Long.parseLong(line.split("\\s+")[0]) < 10).hasSizeLessThanOrEqualTo(5)
        .anyMatch(line -> line.startsWith("1 ")).anyMatch(line -> line.endsWith("sleep"));
    assertThat(Files.readString(harness.sandbox("alone").resolve("signal-agent")).trim())
        .as("the agent's pid names no process in there").isNotEqualTo("0");

    long leader = leaderOf("alone");
    String namespace = pidNamespace(init(leader));
    assertThat(namespace).isNotEqualTo(pidNamespace(agent));
    assertThat(inNamespace(namespace)).hasSizeGreaterThanOrEqualTo(2);
    harness.kill("alone", 2_000, false);
    TaskStatus end = harness.awaitTerminal("alone");
    assertThat(end.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(end.getMessage()).as("SIGTERM reached the task through its init")
        .isEqualTo("Command terminated by signal SIGTERM (exit status 143)");
    await().atMost(Duration.ofSeconds(10)).until(() -> inNamespace(namespace).isEmpty());
  }

  /**
   * A daemon that left the task's session (setsid) is found by nothing but a cgroup, or the pid
   * namespace: when the task's init ends, the kernel kills everything in its namespace. Without
   * one (posix) the daemon outlives the task.
   */
  @ParameterizedTest(name = "{0}: daemon survives {1}")
  @CsvSource({"namespaces/pid, false", "posix, true"})
  void aDaemonThatLeftTheSessionEndsWithTheTaskOnlyInItsNamespace(String isolation, boolean survives, Vertx vertx)
      throws Exception {
    deploy(vertx, isolation);
    String marker = "7777." + (10 + (int) (Math.random() * 80)); // a sleep argument no other process uses
    harness.launch(task("daemon", shell("setsid sleep " + marker + " & "
        + "while [ ! -f go ]; do sleep 0.02; done")).build());
    long daemon = await().atMost(Duration.ofSeconds(30)).until(() -> withCommandLine("sleep\0" + marker + "\0"),
        pid -> pid > 0);

    Files.writeString(harness.sandbox("daemon").resolve("go"), "");
    assertThat(harness.awaitTerminal("daemon").getState()).isEqualTo(TaskState.TASK_FINISHED);

    if (survives) {
      assertThat(Procs.alive(daemon)).isTrue();
      ProcessTree.signal(List.of(daemon), true);
    } else {
      await().atMost(Duration.ofSeconds(10)).until(() -> !Procs.alive(daemon));
    }
  }

  private static long withCommandLine(String cmdline) throws IOException {
    try (var entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path entry : entries) {
        try {
          if (Files.readString(entry.resolve("cmdline")).equals(cmdline)) {
            return Long.parseLong(entry.getFileName().toString());
          }
        } catch (IOException e) {
          // exited meanwhile
        }
      }
    }
    return -1;
  }

  @Test
  void exitStatusesAndSignalsPassThroughTheNamespace(Vertx vertx) throws Exception {
    deploy(vertx, "namespaces/pid");
    harness.launch(task("three", shell("exit 3")).build());
    harness.launch(task("direct", shell("sleep 1000")).build());
    TaskStatus three = harness.awaitTerminal("three");
    assertThat(three.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(three.getMessage()).isEqualTo("Command exited with status 3");

    harness.awaitState("direct", TaskState.TASK_RUNNING);
    harness.kill("direct", 5_000, true);
    TaskStatus killed = harness.awaitTerminal("direct");
    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(killed.getMessage()).as("a graceful kill, not the SIGKILL after the grace period")
        .isEqualTo("Command terminated by signal SIGTERM (exit status 143)");
  }

  /**
   * A recoverable task in a pid namespace: a graceful kill reaches the command through the
   * namespace while its init (the helper, or the init shell) waits it out and records the
   * command's own status in exit_status from inside the namespace.
   */
  @Test
  void aCheckpointedTaskInTheNamespaceRecordsItsOwnStatusWhenKilledGracefully(Vertx vertx) throws Exception {
    deploy(vertx, "namespaces/pid");
    harness.launchCheckpointed(task("graceful", shell("trap 'echo TERM > saw-term; exit 0' TERM; echo ready > ready; "
        + "while :; do sleep 0.05; done")).build());
    awaitFile("graceful", "ready");

    harness.kill("graceful", 60_000, true);
    TaskStatus end = harness.awaitTerminal("graceful");

    assertThat(end.getState()).isEqualTo(TaskState.TASK_KILLED);
    Path sandbox = harness.sandbox("graceful");
    assertThat(Files.readString(sandbox.resolve("saw-term")).trim()).isEqualTo("TERM");
    assertThat(Files.readString(sandbox.resolve("exit_status"))).isEqualTo("0\n");
  }

  /**
   * The checkpointed pid is the task's leader on the host (unshare or meso-launch, whose child
   * is the namespace's init); a restarted executor adopts it, and a kill still ends the whole namespace
   * and removes the task's cgroups.
   */
  @Test
  void anIsolatedTaskIsRecoveredAfterItsExecutorWentAwayAndKilledWhole(Vertx vertx) throws Exception {
    deploy(vertx, "cgroups/mem,namespaces/pid,filesystem/cgroup-ro");
    ExecutorOptions keep = options("cgroups/mem,namespaces/pid,filesystem/cgroup-ro").setKillTasksOnStop(false);
    harness.restart(agentId -> new ExecutorVerticle(agentId, keep));
    harness.assertLaunchHelper(helper());
    harness.launchCheckpointed(task("long", shell("sleep 1000 & wait")).addResources(scalar("mem", 64)).build());
    harness.awaitState("long", TaskState.TASK_RUNNING);
    TaskCheckpoint.Recovered checkpoint = TaskCheckpoint.read(harness.checkpointDir("long"));
    long leader = checkpoint.pid();
    assertThat(ProcessTree.startTime(leader)).isEqualTo(checkpoint.startTime());
    String cmdline = Files.readString(Path.of("/proc", Long.toString(leader), "cmdline"));
    if (helper()) {
      assertThat(cmdline).contains("meso-launch").contains("--pid-ns");
    } else {
      assertThat(cmdline).startsWith("/usr/bin/unshare").contains("--pid");
    }
    String namespace = pidNamespace(init(leader));
    assertThat(namespace).isNotEqualTo(pidNamespace(leader));

    harness.restart(agentId -> new ExecutorVerticle(agentId, keep));

    harness.assertLaunchHelper(helper());
    assertThat(inNamespace(namespace)).as("the task outlives its executor").hasSizeGreaterThanOrEqualTo(2);
    harness.recover("long");
    harness.kill("long", 5_000, false);
    TaskStatus end = harness.awaitTerminal("long");

    assertThat(end.getState()).isEqualTo(TaskState.TASK_KILLED);
    assertThat(end.getMessage()).isEqualTo("Command terminated by signal SIGTERM (exit status 143)");
    await().atMost(Duration.ofSeconds(10)).until(() -> inNamespace(namespace).isEmpty() && !Procs.alive(leader));
  }

  /**
   * A COMMAND check runs inside the task's namespaces: there, pid 1 is the task's own init (its
   * command line has the init shell's name, or it is the helper); on the host, pid 1 is the
   * machine's init.
   */
  @ParameterizedTest(name = "{0}: healthy {1}")
  @CsvSource({"namespaces/pid, true", "posix, false"})
  void commandHealthChecksRunInsideTheTasksNamespaces(String isolation, boolean healthy, Vertx vertx)
      throws Exception {
    deploy(vertx, isolation);
    HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND)
        .setCommand(shell("grep -qE 'meso-task|meso-launch' /proc/1/cmdline")).setDelaySeconds(0).setIntervalSeconds(0.2)
        .setConsecutiveFailures(1000).build();
    harness.launch(task("checked", shell("sleep 1000")).setHealthCheck(check).build());

    await().atMost(Duration.ofSeconds(30)).until(() -> harness.statusesOf("checked").stream()
        .anyMatch(s -> s.getReason() == TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED));
    TaskStatus health = harness.statusesOf("checked").stream()
        .filter(s -> s.getReason() == TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED).findFirst()
        .orElseThrow();
    assertThat(health.getHealthy()).isEqualTo(healthy);
    harness.kill("checked", 500, false);
    assertThat(harness.awaitTerminal("checked").getState()).isEqualTo(TaskState.TASK_KILLED);
  }
}
