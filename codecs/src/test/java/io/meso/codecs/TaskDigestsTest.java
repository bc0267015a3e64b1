package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.meso.internal.TaskDigest;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkID;
import io.meso.v1.Task;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Task digests: the same live tasks give the same digest in any order; any difference in what counts shows. */
class TaskDigestsTest {

  static final ByteString U1 = ByteString.copyFromUtf8("uuid-1");
  static final ByteString U2 = ByteString.copyFromUtf8("uuid-2");

  static TaskDigest of(Object[]... tasks) {
    TaskDigests.Builder b = TaskDigests.builder();
    for (Object[] t : tasks) {
      b.add((String) t[0], (String) t[1], (TaskState) t[2], (ByteString) t[3]);
    }
    return b.build();
  }

  static Object[] t(String framework, String task, TaskState state, ByteString uuid) {
    return new Object[] {framework, task, state, uuid};
  }

  @Test
  void theOrderOfTheTasksDoesNotMatter() {
    List<Object[]> tasks = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      tasks.add(t("f" + (i % 3), "task-" + i, i % 2 == 0 ? TaskState.TASK_RUNNING : TaskState.TASK_STARTING,
          ByteString.copyFromUtf8("u" + i)));
    }
    TaskDigest inOrder = of(tasks.toArray(Object[][]::new));
    Collections.shuffle(tasks, new Random(7));
    assertThat(of(tasks.toArray(Object[][]::new))).isEqualTo(inOrder);
    assertThat(inOrder.getTasks()).isEqualTo(200);
  }

  @Test
  void eachFieldThatCountsChangesTheDigest() {
    TaskDigest base = of(t("f", "t1", TaskState.TASK_RUNNING, U1), t("f", "t2", TaskState.TASK_RUNNING, U2));
    List<TaskDigest> changed = List.of(
        of(t("g", "t1", TaskState.TASK_RUNNING, U1), t("f", "t2", TaskState.TASK_RUNNING, U2)),
        of(t("f", "t3", TaskState.TASK_RUNNING, U1), t("f", "t2", TaskState.TASK_RUNNING, U2)),
        of(t("f", "t1", TaskState.TASK_STARTING, U1), t("f", "t2", TaskState.TASK_RUNNING, U2)),
        of(t("f", "t1", TaskState.TASK_RUNNING, U2), t("f", "t2", TaskState.TASK_RUNNING, U2)),
        of(t("f", "t1", TaskState.TASK_RUNNING, ByteString.EMPTY), t("f", "t2", TaskState.TASK_RUNNING, U2)),
        // Two tasks swapping their uuids: each task's fields are hashed together.
        of(t("f", "t1", TaskState.TASK_RUNNING, U2), t("f", "t2", TaskState.TASK_RUNNING, U1)));
    for (TaskDigest d : changed) {
      assertThat(TaskDigests.same(d, base)).as(TaskDigests.describe(d)).isFalse();
    }
    // Where one field ends and the next begins is part of the hash.
    assertThat(TaskDigests.same(of(t("ab", "c", TaskState.TASK_RUNNING, U1)), of(t("a", "bc", TaskState.TASK_RUNNING,
        U1)))).isFalse();
    assertThat(TaskDigests.same(of(t("f", "t1", TaskState.TASK_RUNNING, U1)), of(t("f", "t1", TaskState.TASK_RUNNING,
        U1)))).isTrue();
  }

  @Test
  void terminalTasksDoNotCountAndNoTasksIsTheEmptyDigest() {
    TaskDigest live = of(t("f", "t1", TaskState.TASK_RUNNING, U1));
    assertThat(of(t("f", "t1", TaskState.TASK_RUNNING, U1), t("f", "t2", TaskState.TASK_FINISHED, U2),
        t("f", "t3", TaskState.TASK_LOST, U2))).isEqualTo(live);
    assertThat(TaskDigests.same(TaskDigests.builder().build(), TaskDigest.getDefaultInstance())).isTrue();
    assertThat(TaskDigests.describe(live)).startsWith("1 tasks, hash ");
  }

  @Test
  void aTaskAsAnAgentReportsItCountsItsLatestStatus() {
    Task task = Task.newBuilder().setName("t1").setTaskId(TaskID.newBuilder().setValue("t1"))
        .setFrameworkId(FrameworkID.newBuilder().setValue("f")).setAgentId(AgentID.newBuilder().setValue("a"))
        .setState(TaskState.TASK_RUNNING)
        .addStatuses(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
            .setState(TaskState.TASK_STARTING).setUuid(U2))
        .addStatuses(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
            .setState(TaskState.TASK_RUNNING).setUuid(U1)).build();
    assertThat(TaskDigests.builder().add(task).build()).isEqualTo(of(t("f", "t1", TaskState.TASK_RUNNING, U1)));
  }
}
