package io.meso.executor;

import static io.meso.executor.ExecutorHarness.scalar;
import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.executor.isolation.HostSupport;
import io.meso.executor.isolation.IsolatorName;
import io.meso.executor.isolation.cgroups.Cgroups;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * filesystem/cgroup-ro with real processes and the host's cgroups: a task that tries to leave
 * its memory cgroup, raise its own limit and remount the cgroup filesystem writable fails at all
 * three, and is then killed at its 32 MB limit when it allocates 200 MB. Without the isolator
 * (the control case) the same task raises its limit.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CgroupReadOnlyTest {

  /** Records the status of each attempt, waits for the test's go-ahead, then allocates ~200 MB and lingers. */
  private static final String ESCAPE = String.join("\n",
      "own=/sys/fs/cgroup/memory$(grep ':memory:' /proc/self/cgroup | cut -d: -f3)",
      "{ echo $$ > /sys/fs/cgroup/memory/cgroup.procs; } 2> move.err; echo $? > move.rc",
      "{ echo 1073741824 > \"$own/memory.limit_in_bytes\"; } 2> raise.err; echo $? > raise.rc",
      "mount -o remount,rw,bind /sys/fs/cgroup/memory 2> remount.err; echo $? > remount.rc",
      "echo tried > tried",
      "while [ ! -f go ]; do sleep 0.02; done",
      "head -c 200000000 /dev/zero | tail > /dev/null",
      "sleep 1000");

  @TempDir
  Path workDir;

  /** Whether tasks launch with the native helper; the ...ProgramsTest subclass runs all with the program pipeline. */
  boolean helper() {
    return true;
  }

  private ExecutorHarness harness;

  private String read(String file) throws Exception {
    return Files.readString(harness.sandbox("escape").resolve(file)).trim();
  }

  private Path memoryCgroup() {
    return Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE, "memory", "meso-test",
        io.meso.executor.FileNames.sanitize(harness.agentId), Cgroups.name(ExecutorHarness.FRAMEWORK_ID, "escape"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cgroups/mem,filesystem/cgroup-ro", "cgroups/mem,namespaces/pid,filesystem/cgroup-ro"})
  void aTaskCannotWriteItsCgroupsAndIsKilledAtItsLimit(String isolation, Vertx vertx) throws Exception {
    HostSupport host = HostSupport.probe(Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE));
    Assumptions.assumeTrue(host.supports(IsolatorName.CGROUPS_MEM) && host.supports(IsolatorName.FILESYSTEM_CGROUP_RO),
        "no memory cgroup or no namespaces here: " + host.whyNot(IsolatorName.FILESYSTEM_CGROUP_RO));
    ExecutorOptions options = new ExecutorOptions().setLaunchHelper(helper())
        .setIsolation(Isolation.parse(isolation)).setCgroupsRoot("meso-test")
        .setCleanupDelayMillis(50).setWatchIntervalMillis(100);
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, options));
    harness.assertLaunchHelper(helper());
    // As root: the isolator guards the limits against tasks that run as root (nobody's cannot write them anyway).
    harness.launch(task("escape", shell(ESCAPE).toBuilder().setUser("root").build()).addResources(scalar("mem", 32)).build());
    Path tried = harness.sandbox("escape").resolve("tried");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(tried));

    assertThat(read("move.rc")).as("moving itself out: " + read("move.err")).isNotEqualTo("0");
    assertThat(read("move.err")).contains("Read-only file system");
    assertThat(read("raise.rc")).as("raising its limit: " + read("raise.err")).isNotEqualTo("0");
    assertThat(read("remount.rc")).as("remounting writable: " + read("remount.err")).isNotEqualTo("0");
    assertThat(Files.readString(memoryCgroup().resolve("memory.limit_in_bytes")).trim())
        .isEqualTo(String.valueOf(32L << 20));

    Files.writeString(harness.sandbox("escape").resolve("go"), "");
    TaskStatus end = harness.awaitTerminal("escape");
    assertThat(end.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(end.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(end.getMessage()).contains("32 MB");
  }

  @ParameterizedTest(name = "control: {0}")
  @ValueSource(strings = {"cgroups/mem"})
  void withoutTheIsolatorTheSameTaskRaisesItsOwnLimit(String isolation, Vertx vertx) throws Exception {
    HostSupport host = HostSupport.probe(Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE));
    Assumptions.assumeTrue(host.supports(IsolatorName.CGROUPS_MEM), "no memory cgroup here");
    ExecutorOptions options = new ExecutorOptions().setLaunchHelper(helper())
        .setIsolation(Isolation.parse(isolation)).setCgroupsRoot("meso-test")
        .setCleanupDelayMillis(50);
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, options));
    harness.assertLaunchHelper(helper());
    // Only the raise: the control must not actually leave its cgroup. As root (the cgroup's
    // files are root's; a task of another user could not raise it either way).
    harness.launch(task("escape", shell(ESCAPE.replace("echo $$ > /sys/fs/cgroup/memory/cgroup.procs;", "false;"))
        .toBuilder().setUser("root").build()).addResources(scalar("mem", 32)).build());
    Path tried = harness.sandbox("escape").resolve("tried");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(tried));

    assertThat(read("raise.rc")).isEqualTo("0");
    assertThat(Files.readString(memoryCgroup().resolve("memory.limit_in_bytes")).trim()).isEqualTo("1073741824");
    harness.kill("escape", 500, false);
    assertThat(harness.awaitTerminal("escape").getState()).isEqualTo(TaskState.TASK_KILLED);
  }
}
