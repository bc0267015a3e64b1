package io.meso.executor;

import static io.meso.executor.ExecutorHarness.scalar;
import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.executor.isolation.cgroups.CgroupsHost;
import io.meso.executor.isolation.cgroups.Controller;
import io.meso.v1.ResourceStatistics;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cgroups isolators against real processes and the host's real cgroups: a cpu hog held to
 * its CFS quota, OOM kills anywhere in a task's cgroup, and a fork bomb stopped at pids.max.
 * Needs writable memory, cpu and pids controllers (cgroups v1 here; see CgroupsV2Test for v2).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CgroupLimitsTest {

  private static final Path BASE = Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE);

  @TempDir
  Path workDir;

  /** Whether tasks launch with the native helper; the ...ProgramsTest subclass runs all with the program pipeline. */
  boolean helper() {
    return true;
  }

  private ExecutorHarness harness;

  private void deploy(Vertx vertx, String isolation, long pidsMax) throws Exception {
    deploy(vertx, isolation, pidsMax, 100);
  }

  private void deploy(Vertx vertx, String isolation, long pidsMax, long watchMillis) throws Exception {
    CgroupsHost host = CgroupsHost.detect(BASE);
    Assumptions.assumeTrue(host.has(Controller.MEMORY) && host.has(Controller.CPU) && host.has(Controller.PIDS),
        "cgroups memory, cpu and pids controllers are not writable here: " + host.describe());
    ExecutorOptions options = new ExecutorOptions().setLaunchHelper(helper())
        .setIsolation(Isolation.parse(isolation)).setCgroupsRoot("meso-test")
        .setCleanupDelayMillis(50).setWatchIntervalMillis(watchMillis).setPidsMax(pidsMax);
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, options));
    harness.assertLaunchHelper(helper());
  }

  private static double cpuSeconds(ResourceStatistics s) {
    return s.getCpusUserTimeSecs() + s.getCpusSystemTimeSecs();
  }

  /**
   * 0.2 cpus is a quota of 20 ms per 100 ms period: averaged over many periods the hog cannot run
   * more than a fifth of the wall time, however idle the machine (it would take a whole core
   * without the quota), and the kernel counts the periods it was throttled in. The lower bound is
   * loose: on a loaded machine the hog may get less than its quota.
   */
  @Test
  void aCpuHogIsHeldToItsQuotaAndReportedThrottled(Vertx vertx) throws Exception {
    deploy(vertx, "cgroups/cpu", 0);
    harness.launch(task("hog", shell("timeout 100 sh -c 'while :; do :; done'")).addResources(scalar("cpus", 0.2))
        .build());
    harness.awaitState("hog", TaskState.TASK_RUNNING);
    ResourceStatistics first = await().atMost(Duration.ofSeconds(30))
        .until(() -> harness.usage("hog"), u -> u != null && u.getCpusNrPeriods() > 0);

    // At least 30 periods (3 s of the hog running) and one throttled period later.
    ResourceStatistics later = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> harness.usage("hog"), u -> u.getCpusNrPeriods() - first.getCpusNrPeriods() >= 30
            && u.getCpusNrThrottled() > 0 && u.getTimestamp() - first.getTimestamp() >= 3);

    double ratio = (cpuSeconds(later) - cpuSeconds(first)) / (later.getTimestamp() - first.getTimestamp());
    assertThat(ratio).as("cpu time per wall second of a 0.2-cpu hog").isGreaterThan(0.01).isLessThan(0.3);
    assertThat(later.getCpusThrottledTimeSecs()).isPositive();
    assertThat(later.getCpusLimit()).isEqualTo(0.2);
    harness.kill("hog", 500, false);
    assertThat(harness.awaitTerminal("hog").getState()).isEqualTo(TaskState.TASK_KILLED);
  }

  /**
   * The shell sees success: the OOM killer killed the pipeline's memory hog, the last stage read
   * end-of-file and exited 0. The kernel's OOM kill counter in the task's cgroup says otherwise.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "head -c 200000000 /dev/zero | tail | wc -c > out",
      "python3 -c 'bytearray(200 << 20)' | cat > out"})
  void anOomKillOfAChildInAPipelineFailsTheTask(String pipeline, Vertx vertx) throws Exception {
    // The check at exit is under test: the watch (which kills a task that carries on after an OOM
    // kill, see the next test) must not tick before the shell has written its status, so it is
    // set to tick only after the test is over.
    deploy(vertx, "cgroups/mem", 0, 600_000);
    harness.launch(task("pipe", shell(pipeline + "; echo $? > status")).addResources(scalar("mem", 32)).build());

    TaskStatus end = harness.awaitTerminal("pipe");

    assertThat(Files.readString(harness.sandbox("pipe").resolve("status")).trim())
        .as("the pipeline's own exit status").isEqualTo("0");
    assertThat(end.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(end.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(end.getMessage()).contains("Memory limit exceeded").contains("32 MB").contains("OOM killer")
        .contains("exited with status 0");
  }

  @Test
  void aTaskThatCarriesOnAfterAnOomKillIsKilledAtOnce(Vertx vertx) throws Exception {
    deploy(vertx, "cgroups/mem", 0);
    harness.launch(task("carries-on", shell("head -c 200000000 /dev/zero | tail > /dev/null; sleep 1000"))
        .addResources(scalar("mem", 32)).build());

    TaskStatus end = harness.awaitTerminal("carries-on");

    assertThat(end.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(end.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(end.getMessage()).contains("32 MB").contains("SIGKILL");
    assertThat(harness.statesOf("carries-on")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_FAILED);
  }

  /** dash gives up at the first refused fork ("Cannot fork", status 2); the kernel counted the refusals. */
  @Test
  void twoHundredForksStopAtThePidsLimitAndTheTaskIsToldWhy(Vertx vertx) throws Exception {
    deploy(vertx, "cgroups/pids", 32);
    harness.launch(task("bomb", shell("i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); done; wait")).build());

    TaskStatus end = harness.awaitTerminal("bomb");

    assertThat(end.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(end.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION);
    assertThat(end.getMessage()).contains("limit of 32 processes (pids.max)").contains("refused")
        .contains("exited with status 2");
    assertThat(Files.readString(harness.sandbox("bomb").resolve("stderr"))).containsIgnoringCase("fork");
    // The sleeps it did start are killed and its cgroup removed (not left to the agent's next start).
    Path cgroup = BASE.resolve("pids").resolve("meso-test").resolve(io.meso.executor.FileNames.sanitize(harness.agentId))
        .resolve(io.meso.executor.isolation.cgroups.Cgroups.name(ExecutorHarness.FRAMEWORK_ID, "bomb"));
    await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(cgroup));
  }
}
