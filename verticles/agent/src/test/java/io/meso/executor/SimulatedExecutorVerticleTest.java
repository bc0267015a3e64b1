package io.meso.executor;

import static io.meso.executor.ExecutorHarness.shell;
import static io.meso.executor.ExecutorHarness.task;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.meso.v1.HealthCheck;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SimulatedExecutorVerticleTest {

  @TempDir
  Path workDir;

  private ExecutorHarness harness;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    harness = new ExecutorHarness(vertx, workDir, agentId -> new SimulatedExecutorVerticle(agentId, new ExecutorOptions()));
  }

  @Test
  void finishesAtOnceByDefaultWithoutRunningAnything() {
    harness.launch(task("quick", shell("exit 3")).build());

    harness.awaitTerminal("quick");

    assertThat(harness.statesOf("quick"))
        .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(Files.exists(harness.sandbox("quick"))).isFalse();
  }

  @Test
  void runsForTheDurationInItsDataUntilKilled() {
    harness.launch(task("long", shell("true")).setData(ByteString.copyFromUtf8("600000")).build());
    harness.awaitState("long", TaskState.TASK_RUNNING);

    harness.kill("long", 0, true);
    harness.awaitTerminal("long");

    assertThat(harness.statesOf("long")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_KILLING, TaskState.TASK_KILLED);
  }

  @Test
  void reportsATaskWithAHealthCheckHealthyOnceWithoutCheckingIt() {
    HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND).setCommand(shell("exit 1")).build();
    harness.launch(task("checked", shell("true")).setHealthCheck(check).build());

    harness.awaitTerminal("checked");

    assertThat(harness.statesOf("checked")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING,
        TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    TaskStatus health = harness.statusesOf("checked").get(2);
    assertThat(health.getHealthy()).isTrue();
    assertThat(health.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    assertThat(harness.statusesOf("checked").get(1).hasHealthy()).isFalse();
  }
}
