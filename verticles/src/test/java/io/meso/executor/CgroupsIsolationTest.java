package io.meso.executor;

import static io.meso.executor.ExecutorHarness.scalar;
import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Per-task cgroups v1; skipped where the memory and cpu hierarchies are not writable. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CgroupsIsolationTest {

  private static final Path BASE = Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE);
  private static final String ROOT = "meso-test";

  @TempDir
  Path workDir;

  private ExecutorHarness harness;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    Assumptions.assumeTrue(Cgroups.available(BASE), "cgroups v1 memory and cpu hierarchies are not writable here");
    ExecutorOptions options = new ExecutorOptions().setIsolation(Isolation.CGROUPS).setCgroupsRoot(ROOT)
        .setCleanupDelayMillis(50);
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, options));
  }

  @AfterAll
  static void removeTestRoot() {
    for (String controller : new String[] {"memory", "cpu"}) {
      try {
        Files.deleteIfExists(BASE.resolve(controller).resolve(ROOT));
      } catch (java.io.IOException e) {
        // another run still uses it
      }
    }
  }

  private Path cgroup(String controller, String taskId) {
    return BASE.resolve(controller).resolve(ROOT).resolve(FileNames.sanitize(harness.agentId)).resolve(taskId);
  }

  @Test
  void recoveryKeepsAnAdoptedTasksCgroupsAndSweepsTheOnesNobodyOwns(Vertx vertx) throws Exception {
    ExecutorOptions keep = new ExecutorOptions().setIsolation(Isolation.CGROUPS).setCgroupsRoot(ROOT)
        .setCleanupDelayMillis(50).setKillTasksOnStop(false).setAdoptedPollMillis(20);
    harness.restart(agentId -> new ExecutorVerticle(agentId, keep));
    harness.launchCheckpointed(task("adopted", shell("sleep 60")).addResources(scalar("mem", 64)).build());
    harness.launchCheckpointed(task("orphan", shell("sleep 60")).addResources(scalar("mem", 64)).build());
    harness.awaitState("adopted", TaskState.TASK_RUNNING);
    harness.awaitState("orphan", TaskState.TASK_RUNNING);
    long orphanPid = TaskCheckpoint.read(harness.checkpointDir("orphan")).pid();
    harness.restart(agentId -> new ExecutorVerticle(agentId, keep));

    // The restarted agent knows only "adopted" (as if "orphan" had never been checkpointed).
    harness.recover("adopted");
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(cgroup("memory", "orphan"))
        && !Files.exists(cgroup("cpu", "orphan")));
    assertThat(Procs.alive(orphanPid)).isFalse();
    assertThat(Files.exists(cgroup("memory", "adopted"))).isTrue();

    harness.kill("adopted", 1_000, false);
    assertThat(harness.awaitTerminal("adopted").getState()).isEqualTo(TaskState.TASK_KILLED);
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(cgroup("memory", "adopted")));
  }

  @Test
  void taskRunsInItsCgroupsWithLimitsWhichAreRemovedAfterwards() throws Exception {
    harness.launch(task("limited", shell("cat /proc/self/cgroup > cgroups; echo ready > ready; sleep 1000"))
        .addResources(scalar("cpus", 0.5)).addResources(scalar("mem", 64)).build());
    Path ready = harness.sandbox("limited").resolve("ready");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready) && Files.size(ready) > 0);

    Path memory = cgroup("memory", "limited");
    Path cpu = cgroup("cpu", "limited");
    assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo(String.valueOf(64L << 20));
    assertThat(Files.readString(cpu.resolve("cpu.shares")).trim()).isEqualTo("512");
    String relative = "/" + ROOT + "/" + FileNames.sanitize(harness.agentId) + "/limited";
    assertThat(Files.readString(harness.sandbox("limited").resolve("cgroups")))
        .contains(":memory:" + relative).contains(":cpu:" + relative);

    harness.kill("limited", 1_000, false);
    assertThat(harness.awaitTerminal("limited").getState()).isEqualTo(TaskState.TASK_KILLED);
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(memory) && !Files.exists(cpu));
  }

  @Test
  void exceedingTheMemoryLimitFailsTheTaskWithThatReason() {
    // tail keeps a newline-free "line" in memory: ~200 MB against a 32 MB limit.
    harness.launch(task("hog", shell("head -c 200000000 /dev/zero | tail > /dev/null"))
        .addResources(scalar("mem", 32)).build());

    TaskStatus terminal = harness.awaitTerminal("hog");

    assertThat(terminal.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(terminal.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(terminal.getMessage()).contains("Memory limit").contains("32 MB");
  }
}
