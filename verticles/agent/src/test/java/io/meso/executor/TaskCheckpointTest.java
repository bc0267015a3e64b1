package io.meso.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.meso.internal.StatusUpdate;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCheckpointTest {

  @TempDir
  Path workDir;

  private static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder()
      .setId(FrameworkID.newBuilder().setValue("fw/1")).setName("f").setUser("u").build();

  private static TaskInfo task(String id) {
    return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).build();
  }

  private static StatusUpdate update(String taskId, TaskState state, int uuid) {
    ByteString bytes = ByteString.copyFrom(new byte[] {(byte) uuid, 1, 2, 3});
    return StatusUpdate.newBuilder().setFrameworkId(FRAMEWORK.getId()).setUuid(bytes)
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
            .setUuid(bytes)).build();
  }

  @Test
  void updatesNotYetAcknowledgedAreRecoveredInOrder() throws Exception {
    Path dir = TaskCheckpoint.dir(workDir, "fw/1", "t1");
    assertThat(dir.startsWith(TaskCheckpoint.root(workDir))).isTrue();
    TaskCheckpoint.writeLaunch(dir, FRAMEWORK, task("t1"));
    TaskCheckpoint.writePid(dir, 4242, 99);
    StatusUpdate starting = update("t1", TaskState.TASK_STARTING, 1);
    StatusUpdate running = update("t1", TaskState.TASK_RUNNING, 2);
    StatusUpdate finished = update("t1", TaskState.TASK_FINISHED, 3);
    TaskCheckpoint.appendUpdate(dir, starting);
    TaskCheckpoint.appendAck(dir, starting.getUuid());
    TaskCheckpoint.appendUpdate(dir, running);
    TaskCheckpoint.appendUpdate(dir, finished);

    TaskCheckpoint.Recovered r = TaskCheckpoint.read(dir);
    assertThat(r.framework()).isEqualTo(FRAMEWORK);
    assertThat(r.task()).isEqualTo(task("t1"));
    assertThat(r.pid()).isEqualTo(4242);
    assertThat(r.startTime()).isEqualTo(99);
    assertThat(r.updates()).containsExactly(starting, running, finished);
    assertThat(r.unacknowledged()).containsExactly(running, finished);
  }

  @Test
  void aRecordCutShortByACrashIsIgnored() throws Exception {
    Path dir = TaskCheckpoint.dir(workDir, "fw/1", "t2");
    TaskCheckpoint.writeLaunch(dir, FRAMEWORK, task("t2"));
    StatusUpdate running = update("t2", TaskState.TASK_RUNNING, 5);
    TaskCheckpoint.appendUpdate(dir, running);
    TaskCheckpoint.appendUpdate(dir, update("t2", TaskState.TASK_FINISHED, 6));
    byte[] log = Files.readAllBytes(dir.resolve(TaskCheckpoint.UPDATES));
    Files.write(dir.resolve(TaskCheckpoint.UPDATES), java.util.Arrays.copyOf(log, log.length - 3));

    TaskCheckpoint.Recovered r = TaskCheckpoint.read(dir);
    assertThat(r.updates()).containsExactly(running);
    assertThat(r.pid()).isEqualTo(-1);

    Path spawned = TaskCheckpoint.dir(workDir, "fw/1", "t3");
    TaskCheckpoint.writeLaunch(spawned, FRAMEWORK, task("t3"));
    TaskCheckpoint.writePid(spawned, 4242, 99);
    TaskCheckpoint.writePid(spawned, 4343, 100);
    log = Files.readAllBytes(spawned.resolve(TaskCheckpoint.UPDATES));
    Files.write(spawned.resolve(TaskCheckpoint.UPDATES), java.util.Arrays.copyOf(log, log.length - 3));
    assertThat(TaskCheckpoint.read(spawned).pid()).as("the last pid record, cut short, does not count").isEqualTo(4242);
  }

  @Test
  void theLaunchIsFoundWhereverItStandsInTheLog() throws Exception {
    Path dir = TaskCheckpoint.dir(workDir, "fw/1", "late");
    StatusUpdate starting = update("late", TaskState.TASK_STARTING, 8);
    TaskCheckpoint.appendUpdate(dir, starting); // the agent logged the first update before the executor's launch record
    TaskCheckpoint.writeLaunch(dir, FRAMEWORK, task("late"));
    TaskCheckpoint.writePid(dir, 77, 5);

    TaskCheckpoint.Recovered r = TaskCheckpoint.read(dir);
    assertThat(r.task()).isEqualTo(task("late"));
    assertThat(r.pid()).isEqualTo(77);
    assertThat(r.startTime()).isEqualTo(5);
    assertThat(r.unacknowledged()).containsExactly(starting);
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly(TaskCheckpoint.UPDATES);
  }

  @Test
  void aCheckpointInTheLegacyLayoutIsStillRead() throws Exception {
    Path dir = TaskCheckpoint.dir(workDir, "fw/1", "old");
    Files.createDirectories(dir);
    Files.write(dir.resolve(TaskCheckpoint.FRAMEWORK), FRAMEWORK.toByteArray());
    Files.write(dir.resolve(TaskCheckpoint.TASK), task("old").toByteArray());
    Files.writeString(dir.resolve(TaskCheckpoint.PID), "4242 99\n");
    StatusUpdate running = update("old", TaskState.TASK_RUNNING, 9);
    TaskCheckpoint.appendUpdate(dir, running);

    TaskCheckpoint.Recovered r = TaskCheckpoint.read(dir);
    assertThat(r.framework()).isEqualTo(FRAMEWORK);
    assertThat(r.task()).isEqualTo(task("old"));
    assertThat(r.pid()).isEqualTo(4242);
    assertThat(r.startTime()).isEqualTo(99);
    assertThat(r.unacknowledged()).containsExactly(running);

    Files.writeString(dir.resolve(TaskCheckpoint.PID), "12", StandardOpenOption.TRUNCATE_EXISTING);
    assertThat(TaskCheckpoint.read(dir).pid()).as("a pid file without a start time counts as not written").isEqualTo(-1);

    TaskCheckpoint.remove(dir);
    assertThat(Files.exists(dir)).isFalse();
  }

  @Test
  void aLaunchThatWasNeverRecordedIsRemovedOnRecovery() throws Exception {
    Path complete = TaskCheckpoint.dir(workDir, "fw/1", "ok");
    TaskCheckpoint.writeLaunch(complete, FRAMEWORK, task("ok"));
    Path partial = TaskCheckpoint.dir(workDir, "fw/1", "partial");
    TaskCheckpoint.appendUpdate(partial, update("partial", TaskState.TASK_STARTING, 7));
    Path garbage = TaskCheckpoint.dir(workDir, "fw/1", "garbage");
    Files.createDirectories(garbage);
    Files.write(garbage.resolve(TaskCheckpoint.FRAMEWORK), new byte[] {(byte) 0xff, (byte) 0xff});
    Files.write(garbage.resolve(TaskCheckpoint.TASK), new byte[] {1});

    assertThat(TaskCheckpoint.recoverAll(workDir)).extracting(r -> r.task().getTaskId().getValue())
        .containsExactly("ok");
    assertThat(Files.exists(partial)).isFalse();
    assertThat(Files.exists(garbage)).isFalse();

    TaskCheckpoint.remove(complete);
    assertThat(Files.exists(complete)).isFalse();
    assertThat(TaskCheckpoint.recoverAll(workDir)).isEmpty();
  }

  @Test
  void exitStatusIsReadOnlyWhenItIsANumber() throws Exception {
    assertThat(TaskCheckpoint.exitStatus(workDir)).isNull();
    Files.writeString(workDir.resolve("exit_status"), "137\n");
    assertThat(TaskCheckpoint.exitStatus(workDir)).isEqualTo(137);
    Files.writeString(workDir.resolve("exit_status"), "");
    assertThat(TaskCheckpoint.exitStatus(workDir)).isNull();
    Files.writeString(workDir.resolve("exit_status"), "13x");
    assertThat(TaskCheckpoint.exitStatus(workDir)).isNull();
  }

  @Test
  void leftoversAreKilledOnlyWhenThePidStillNamesTheTask() throws Exception {
    Process sleeper = new ProcessBuilder("setsid", "sleep", "60").start();
    try {
      long pid = sleeper.pid();
      org.awaitility.Awaitility.await().until(() -> ProcessTree.startTime(pid) > 0);
      long start = ProcessTree.startTime(pid);
      Path dir = TaskCheckpoint.dir(workDir, "fw/1", "left");
      TaskCheckpoint.writeLaunch(dir, FRAMEWORK, task("left"));

      TaskCheckpoint.writePid(dir, pid, start + 1); // another process's start time: a reused pid
      assertThat(TaskCheckpoint.killLeftovers(TaskCheckpoint.read(dir))).isFalse();
      assertThat(sleeper.isAlive()).isTrue();

      TaskCheckpoint.writePid(dir, pid, start);
      assertThat(TaskCheckpoint.killLeftovers(TaskCheckpoint.read(dir))).isTrue();
      assertThat(sleeper.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      sleeper.destroyForcibly();
    }
  }
}
