package io.meso.executor;

import static io.meso.executor.ExecutorHarness.scalar;
import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.ResourceDetector;
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

/** GPUs found by a fake nvidia-smi reporting two of them: offered, given out one by one, released. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GpuExecutorTest {

  @TempDir
  Path workDir;

  private Path fakeNvidiaSmi() throws Exception {
    Path smi = workDir.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\n[ \"$1 $2\" = '--query-gpu=index,uuid,name,memory.total --format=csv,noheader' ]"
        + " || exit 2\necho '0, GPU-aaaa, Tesla T4, 15360 MiB'\necho '1, GPU-bbbb, Tesla T4, 15360 MiB'\n");
    smi.toFile().setExecutable(true);
    return smi;
  }

  @Test
  void agentOffersTheGpusNvidiaSmiLists() throws Exception {
    Path smi = fakeNvidiaSmi();
    assertThat(ResourceDetector.detect(null, workDir, smi.toString()).toProto())
        .anyMatch(r -> r.getName().equals("gpus") && r.getScalar().getValue() == 2.0);
    assertThat(ResourceDetector.detect("gpus:1", workDir, smi.toString()).toProto())
        .filteredOn(r -> r.getName().equals("gpus")).singleElement()
        .matches(r -> r.getScalar().getValue() == 1.0);
    assertThat(ResourceDetector.detect(null, workDir, workDir.resolve("absent").toString()).toProto())
        .noneMatch(r -> r.getName().equals("gpus"));
  }

  @Test
  void eachTaskGetsItsOwnGpuAndReleasesIt(Vertx vertx) throws Exception {
    Path smi = fakeNvidiaSmi();
    ExecutorOptions options = new ExecutorOptions().setIsolation(Isolation.POSIX).setCleanupDelayMillis(50)
        .setNvidiaSmi(smi.toString()).setCgroupsRoot("meso-gputest-" + System.nanoTime());
    ExecutorHarness h = new ExecutorHarness(vertx, workDir, id -> new ExecutorVerticle(id, options));
    String script = "echo \"$CUDA_VISIBLE_DEVICES $NVIDIA_VISIBLE_DEVICES\" > gpu.txt; exec sleep 600";

    h.launch(task("a", shell(script)).addResources(scalar("gpus", 1)).build());
    h.launch(task("b", shell(script)).addResources(scalar("gpus", 1)).build());
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(h.sandbox("a").resolve("gpu.txt"))
        && Files.exists(h.sandbox("b").resolve("gpu.txt")));
    await().atMost(Duration.ofSeconds(30)).until(() -> !Files.readString(h.sandbox("a").resolve("gpu.txt")).isBlank()
        && !Files.readString(h.sandbox("b").resolve("gpu.txt")).isBlank());
    String a = Files.readString(h.sandbox("a").resolve("gpu.txt")).trim();
    String b = Files.readString(h.sandbox("b").resolve("gpu.txt")).trim();
    assertThat(java.util.Set.of(a, b)).containsExactlyInAnyOrder("0 0", "1 1");

    h.launch(task("c", shell(script)).addResources(scalar("gpus", 1)).build());
    TaskStatus third = h.awaitTerminal("c");
    assertThat(third.getState()).isEqualTo(TaskState.TASK_FAILED);
    assertThat(third.getMessage()).contains("resources.gpus").contains("GPUs 0,1 are in use");

    h.kill("a", 1_000, false);
    assertThat(h.awaitTerminal("a").getState()).isEqualTo(TaskState.TASK_KILLED);
    h.launch(task("d", shell(script)).addResources(scalar("gpus", 1)).build());
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(h.sandbox("d").resolve("gpu.txt"))
        && !Files.readString(h.sandbox("d").resolve("gpu.txt")).isBlank());
    assertThat(Files.readString(h.sandbox("d").resolve("gpu.txt")).trim()).isEqualTo(a);
    h.kill("b", 1_000, false);
    h.kill("d", 1_000, false);
    h.awaitTerminal("b");
    h.awaitTerminal("d");
  }
}
