package io.meso.executor;

import static io.meso.executor.ExecutorHarness.scalar;
import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.executor.isolation.cgroups.Cgroups;
import io.meso.executor.isolation.cgroups.CgroupsHost;
import io.meso.executor.isolation.cgroups.Controller;
import io.meso.executor.isolation.cgroups.TaskCgroup;
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
    CgroupsHost host = CgroupsHost.detect(BASE);
    Assumptions.assumeTrue(host.has(Controller.MEMORY) && host.has(Controller.CPU),
        "cgroups memory and cpu controllers are not writable here");
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
    return cgroup(controller, ExecutorHarness.FRAMEWORK_ID, taskId);
  }

  private Path cgroup(String controller, String frameworkId, String taskId) {
    return BASE.resolve(controller).resolve(ROOT).resolve(FileNames.sanitize(harness.agentId))
        .resolve(Cgroups.name(frameworkId, taskId));
  }

  /**
   * Task ids are unique per framework only: two frameworks' tasks "same" get a cgroup each, with
   * its own memory limit, and killing one leaves the other running.
   */
  @Test
  void twoFrameworksTasksOfTheSameIdGetTheirOwnCgroupsAndKills() throws Exception {
    String script = "cat /proc/self/cgroup > cgroups; echo ready > ready; sleep 1000";
    Path sandboxA = Files.createDirectories(workDir.resolve("fw-a").resolve("same"));
    Path sandboxB = Files.createDirectories(workDir.resolve("fw/b").resolve("same"));
    harness.launch("fw-a", task("same", shell(script)).addResources(scalar("mem", 64)).build(), sandboxA);
    harness.launch("fw/b", task("same", shell(script)).addResources(scalar("mem", 96)).build(), sandboxB);
    await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(sandboxA.resolve("ready"))
        && Files.size(sandboxA.resolve("ready")) > 0 && Files.exists(sandboxB.resolve("ready"))
        && Files.size(sandboxB.resolve("ready")) > 0);

    Path memoryA = cgroup("memory", "fw-a", "same");
    Path memoryB = cgroup("memory", "fw/b", "same");
    assertThat(memoryA).isNotEqualTo(memoryB);
    assertThat(Files.readString(memoryA.resolve("memory.limit_in_bytes")).trim()).isEqualTo(String.valueOf(64L << 20));
    assertThat(Files.readString(memoryB.resolve("memory.limit_in_bytes")).trim()).isEqualTo(String.valueOf(96L << 20));
    assertThat(Files.readString(sandboxA.resolve("cgroups"))).contains(":memory:/" + ROOT + "/"
        + FileNames.sanitize(harness.agentId) + "/" + memoryA.getFileName());
    assertThat(Files.readString(sandboxB.resolve("cgroups"))).contains(":memory:/" + ROOT + "/"
        + FileNames.sanitize(harness.agentId) + "/" + memoryB.getFileName());
    java.util.Set<Long> pidsB = TaskCgroup.v1(memoryB, cgroup("cpu", "fw/b", "same"), null, null).pids();
    assertThat(pidsB).isNotEmpty();

    harness.kill("fw-a", "same", 500);
    await().atMost(Duration.ofSeconds(15)).until(() -> harness.statesOf("fw-a", "same").contains(TaskState.TASK_KILLED));
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(memoryA));

    assertThat(harness.statesOf("fw/b", "same")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
    assertThat(pidsB).allMatch(Procs::alive);
    assertThat(Files.exists(memoryB)).isTrue();

    harness.kill("fw/b", "same", 500);
    await().atMost(Duration.ofSeconds(15)).until(() -> harness.statesOf("fw/b", "same").contains(TaskState.TASK_KILLED));
  }

  /**
   * A task killed as the executor stops, whose processes are slow to leave its cgroups (held here
   * by the v1 freezer: a frozen process with SIGKILL pending exits only once thawed, as a process
   * on a loaded machine exits only once the kernel runs it), still has its cgroups removed: the
   * stop waits for them. It used to try once and leave them behind for ever.
   */
  @Test
  void stoppingWaitsForAKilledTaskToLeaveItsCgroups() throws Exception {
    Path freezerBase = BASE.resolve("freezer");
    Assumptions.assumeTrue(Files.isWritable(freezerBase), "no writable v1 freezer hierarchy");
    harness.launch(task("held", shell("echo ready > ready; sleep 1000")).addResources(scalar("mem", 64)).build());
    Path ready = harness.sandbox("held").resolve("ready");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ready) && Files.size(ready) > 0);
    Path memory = cgroup("memory", "held");
    java.util.Set<Long> pids = TaskCgroup.v1(memory, cgroup("cpu", "held"), null, null).pids();
    assertThat(pids).isNotEmpty();

    Path freezer = Files.createDirectories(freezerBase.resolve(ROOT + "-freezer-" + java.util.UUID.randomUUID()));
    ch.qos.logback.classic.Logger reaperLog =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(LeftoverReaper.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    reaperLog.addAppender(logs);
    try {
      for (long pid : pids) {
        Files.writeString(freezer.resolve("cgroup.procs"), Long.toString(pid));
      }
      Files.writeString(freezer.resolve("freezer.state"), "FROZEN");
      await("the task's processes frozen").atMost(Duration.ofSeconds(20))
          .until(() -> Files.readString(freezer.resolve("freezer.state")).trim().equals("FROZEN"));

      io.vertx.core.Future<Void> stopped = harness.undeploy();
      await().atMost(Duration.ofSeconds(20)).until(() -> logs.list.stream()
          .anyMatch(e -> e.getFormattedMessage().startsWith("waiting for killed tasks to leave their cgroups")));
      assertThat(memory).as("the frozen task is still in it").exists();
      assertThat(stopped.isComplete()).as("the stop waits for it").isFalse();

      Files.writeString(freezer.resolve("freezer.state"), "THAWED");
      stopped.await(20, TimeUnit.SECONDS);
      assertThat(memory).doesNotExist();
      assertThat(cgroup("cpu", "held")).doesNotExist();
      assertThat(pids).noneMatch(Procs::alive);
    } finally {
      reaperLog.detachAppender(logs);
      Files.writeString(freezer.resolve("freezer.state"), "THAWED");
      // After a failure above the task still runs: its processes are ended here, not waited for.
      for (String pid : Files.readAllLines(freezer.resolve("cgroup.procs"))) {
        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
      }
      await("the freezer cgroup empty").atMost(Duration.ofSeconds(20))
          .until(() -> Files.readAllLines(freezer.resolve("cgroup.procs")).isEmpty());
      Files.delete(freezer);
    }
  }

  /**
   * Tasks whose spawn is still to come when the executor stops (queued here behind a job that
   * holds the executor's one spawn thread; on a busy agent, behind other launches) are killed and
   * their cgroups removed once their spawn is done. The stop used to kill only the tasks already
   * spawned: one spawned after it ran on, and its cgroups were left behind.
   */
  @Test
  void stoppingWaitsForLaunchesInProgressAndKillsThem(Vertx vertx) throws Exception {
    ExecutorOptions onePool = new ExecutorOptions().setIsolation(Isolation.CGROUPS).setCgroupsRoot(ROOT)
        .setCleanupDelayMillis(50).setSpawnPoolSize(1);
    harness.restart(agentId -> new ExecutorVerticle(agentId, onePool));
    // The executor's spawn pool is the shared worker pool of this name: its one thread is held here.
    io.vertx.core.WorkerExecutor spawnPool = vertx.createSharedWorkerExecutor("meso-executor-" + harness.agentId, 1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    spawnPool.executeBlocking(() -> {
      held.countDown();
      return release.await(30, TimeUnit.SECONDS);
    }, false);
    ch.qos.logback.classic.Logger executorLog =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ExecutorVerticle.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    executorLog.addAppender(logs);
    try {
      assertThat(held.await(10, TimeUnit.SECONDS)).as("the spawn thread is held").isTrue();
      int count = 4;
      for (int i = 0; i < count; i++) {
        harness.launch(task("late-" + i, shell("echo ready > ready; sleep 1000")).addResources(scalar("mem", 64)).build());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> harness.statesOf("late-" + (count - 1))
          .contains(TaskState.TASK_STARTING));
      io.vertx.core.Future<Void> stopped = harness.undeploy();
      await().atMost(Duration.ofSeconds(10)).until(() -> logs.list.stream().anyMatch(e -> e.getFormattedMessage()
          .startsWith("executor stopping: waiting for launches in progress") && e.getFormattedMessage()
          .endsWith("count=" + count)));
      assertThat(stopped.isComplete()).as("the stop waits for the spawns").isFalse();

      release.countDown();
      stopped.await(30, TimeUnit.SECONDS);
      for (int i = 0; i < count; i++) {
        assertThat(cgroup("memory", "late-" + i)).doesNotExist();
        assertThat(cgroup("cpu", "late-" + i)).doesNotExist();
      }
      assertThat(processesIn(workDir)).as("processes working in a task's sandbox").isEmpty();
      assertThat(harness.statesOf("late-0")).containsExactly(TaskState.TASK_STARTING);
    } finally {
      executorLog.detachAppender(logs);
      release.countDown();
      spawnPool.close();
    }
  }

  /** The pids of processes whose working directory is under {@code dir}. */
  private static java.util.List<Long> processesIn(Path dir) {
    java.util.List<Long> found = new java.util.ArrayList<>();
    ProcessHandle.allProcesses().forEach(h -> {
      try {
        if (Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd")).startsWith(dir)) {
          found.add(h.pid());
        }
      } catch (java.io.IOException | UnsupportedOperationException e) {
        // gone, or not ours to read
      }
    });
    return found;
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
    assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).trim()).as("0.5 x the 100 ms period")
        .isEqualTo("50000");
    String relative = "/" + ROOT + "/" + FileNames.sanitize(harness.agentId) + "/"
        + Cgroups.name(ExecutorHarness.FRAMEWORK_ID, "limited");
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
