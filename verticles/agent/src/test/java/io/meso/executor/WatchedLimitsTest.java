package io.meso.executor;

import static io.meso.executor.ExecutorHarness.ports;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits the executor watches while tasks run, with real processes and no cgroups: disk/du
 * against the task's disk, network/ports against its ports, and posix/mem's polled resident
 * memory against its mem.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WatchedLimitsTest {

  @TempDir
  Path workDir;

  private ExecutorHarness harness;

  private void deploy(Vertx vertx, String isolation) throws Exception {
    ExecutorOptions options = new ExecutorOptions().setIsolation(Isolation.parse(isolation))
        .setCleanupDelayMillis(50).setWatchIntervalMillis(100).setDiskWatchIntervalMillis(0)
        .setPortsWatchIntervalMillis(0);
    harness = new ExecutorHarness(vertx, workDir, agentId -> new ExecutorVerticle(agentId, options));
  }

  @Test
  void aTaskWritingPastItsDiskIsKilledWithTheDiskReason(Vertx vertx) throws Exception {
    deploy(vertx, "disk/du");
    harness.launch(task("writer", shell("head -c 5000000 /dev/zero > blob; sleep 1000"))
        .addResources(scalar("disk", 1)).build());
    harness.launch(task("within", shell("head -c 100000 /dev/zero > blob; sleep 1000"))
        .addResources(scalar("disk", 1)).build());

    TaskStatus end = harness.awaitTerminal("writer");

    assertThat(end.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(end.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_DISK);
    assertThat(end.getMessage()).contains("Disk limit exceeded: the sandbox uses ")
        .contains(" MB, over the task's disk of 1.0 MB").contains("SIGKILL");
    assertThat(harness.statesOf("within")).as("a task within its disk runs on").containsExactly(
        TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
    harness.kill("within", 500, false);
    assertThat(harness.awaitTerminal("within").getState()).isEqualTo(TaskState.TASK_KILLED);
  }

  /** The task binds a port of the kernel's choosing (outside 31000-31001) and one of its own. */
  @Test
  void aTaskListeningOutsideItsPortsIsReportedOnce(Vertx vertx) throws Exception {
    deploy(vertx, "network/ports");
    String listen = "python3 -c \"import socket, time\n"
        + "own = socket.socket(); own.bind(('127.0.0.1', 31001)); own.listen()\n"
        + "other = socket.socket(); other.bind(('127.0.0.1', 0)); other.listen()\n"
        + "open('port.tmp', 'w').write(str(other.getsockname()[1]))\n"
        + "import os; os.rename('port.tmp', 'port')\n"
        + "time.sleep(1000)\"";
    harness.launch(task("listener", shell(listen)).addResources(ports(31000, 31001)).build());
    Path portFile = harness.sandbox("listener").resolve("port");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(portFile));
    String port = Files.readString(portFile).trim();

    await().atMost(Duration.ofSeconds(30)).until(() -> harness.statusesOf("listener").stream()
        .anyMatch(s -> s.getState() == TaskState.TASK_RUNNING && s.hasMessage()));
    TaskStatus notice = harness.statusesOf("listener").stream()
        .filter(s -> s.getState() == TaskState.TASK_RUNNING && s.hasMessage()).findFirst().orElseThrow();
    assertThat(notice.getMessage()).isEqualTo("The task listens on TCP port " + port
        + " outside its assigned ports (31000-31001)");
    assertThat(notice.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION);

    // Checked every 100 ms: still one notice a while later, and the task runs on.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> harness.statusesOf("listener")
        .stream().filter(s -> s.getState() == TaskState.TASK_RUNNING && s.hasMessage()).count() == 1);
    harness.kill("listener", 500, false);
    assertThat(harness.awaitTerminal("listener").getState()).isEqualTo(TaskState.TASK_KILLED);
  }

  @Test
  void withoutCgroupsATaskOverItsMemIsKilledByPolling(Vertx vertx) throws Exception {
    deploy(vertx, "posix/mem");
    // The shell keeps ~100 MB in a variable, then sleeps: resident until killed.
    harness.launch(task("hog", shell("x=$(head -c 100000000 /dev/zero | tr '\\0' a); sleep 1000"))
        .addResources(scalar("mem", 32)).build());
    harness.launch(task("small", shell("sleep 1000")).addResources(scalar("mem", 32)).build());

    TaskStatus end = harness.awaitTerminal("hog");

    assertThat(end.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(end.getReason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    assertThat(end.getMessage()).contains("over its limit of 32 MB").contains("polled").contains("SIGKILL");
    assertThat(harness.statesOf("small")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
    harness.kill("small", 500, false);
    assertThat(harness.awaitTerminal("small").getState()).isEqualTo(TaskState.TASK_KILLED);
  }
}
