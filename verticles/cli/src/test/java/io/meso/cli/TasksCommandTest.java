package io.meso.cli;

import io.meso.testkit.CliStreams;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.proto.TaskSummary;
import io.meso.v1.Resource;
import io.meso.v1.Task;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.Value;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class TasksCommandTest {

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static TaskSummary task(String id, String name, TaskState state, String host, double cpus, double mem,
      double createdAt) {
    return TaskSummary.newBuilder()
        .setTask(Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(name).setState(state)
            .addResources(scalar("cpus", cpus)).addResources(scalar("mem", mem)))
        .setHostname(host)
        .setCreatedAt(createdAt)
        .build();
  }

  @ParameterizedTest(name = "{0}s -> {1}")
  @CsvSource({"0, 0s", "3, 3s", "59.9, 59s", "60, 1m", "150, 2m", "3599, 59m", "3600, 1h", "86399, 23h",
      "86400, 1d", "-5, 0s"})
  void ageIsInTheLargestWholeUnit(double seconds, String age) {
    assertThat(TasksCommand.age(1_000_000, 1_000_000 + seconds)).isEqualTo(age);
  }

  @Test
  void unknownStartTimeHasNoAge() {
    assertThat(TasksCommand.age(0, 1_000)).isEqualTo("-");
  }

  @Test
  void tableHasAlignedColumnsAndReadableNumbers() {
    String table = TasksCommand.table(List.of(
        task("run-1a2b3c4d", "echo hello", TaskState.TASK_RUNNING, "node1", 0.1, 32, 997),
        task("web-0", "server", TaskState.TASK_STAGING, "a-much-longer-host", 2, 1024, 880)), 1000);
    assertThat(table).isEqualTo(""
        + "ID            NAME        STATE    AGENT               CPUS  MEM     AGE\n"
        + "run-1a2b3c4d  echo hello  RUNNING  node1               0.1   32MB    3s\n"
        + "web-0         server      STAGING  a-much-longer-host  2     1024MB  2m\n");
  }

  @Test
  void cpusAddUpWithoutFloatingPointNoise() {
    TaskSummary t = TaskSummary.newBuilder().setTask(Task.newBuilder()
        .addResources(scalar("cpus", 0.1)).addResources(scalar("cpus", 0.2))).build();
    assertThat(TasksCommand.scalar(t.getTask().getResourcesList(), "cpus")).isEqualTo(0.3);
  }

  @Test
  void activeOnlyUnlessAllOldestFirst() {
    List<TaskSummary> tasks = List.of(
        task("b", "b", TaskState.TASK_RUNNING, "h", 1, 1, 20),
        task("done", "d", TaskState.TASK_FINISHED, "h", 1, 1, 5),
        task("a", "a", TaskState.TASK_STAGING, "h", 1, 1, 10));
    assertThat(TasksCommand.select(tasks, false)).extracting(t -> t.getTask().getTaskId().getValue())
        .containsExactly("a", "b");
    assertThat(TasksCommand.select(tasks, true)).extracting(t -> t.getTask().getTaskId().getValue())
        .containsExactly("done", "a", "b");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aMasterThatIsNotThereExitsTwo() throws Exception {
    int port = RunCommandTest.closedPort();
    try (CliStreams streams = new CliStreams()) {
      assertThat(new CommandLine(new TasksCommand()).execute("--master", "127.0.0.1:" + port)).isEqualTo(2);
      assertThat(streams.err()).contains("cannot reach a master").contains("meso local");
    }
  }
}
