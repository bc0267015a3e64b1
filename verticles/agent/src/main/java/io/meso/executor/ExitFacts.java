package io.meso.executor;

import io.meso.executor.isolation.Isolators;
import io.meso.executor.isolation.Limitation;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a task's leader ended, and what its terminal status says about it when nobody killed it:
 * any hard limit the task ran into fails it whatever its exit status (a pipeline whose first
 * stage was OOM-killed can still exit 0, with wrong output); then exit 0 finishes it; a non-zero
 * status fails it, with the reason of a limit that explains the failure (refused forks) or
 * REASON_COMMAND_EXECUTOR_FAILED; no recorded status (an adopted task killed with SIGKILL while
 * the agent was away) fails it with REASON_EXECUTOR_TERMINATED, never guessing.
 *
 * @param status the exit status as Java reports it (128+N for signal N), null when nobody recorded it
 * @param limitations what the isolators found when the leader exited
 * @param launchError the launch helper's error line when it failed before the command ran, else null
 */
record ExitFacts(Integer status, List<Limitation> limitations, String launchError) {

  /** Stands for "no exit status was recorded" in {@link ProcessTask#exitStatus}. */
  static final int UNKNOWN_STATUS = Integer.MIN_VALUE;
  private static final Logger LOG = LoggerFactory.getLogger(ExitFacts.class);

  ExitFacts {
    limitations = List.copyOf(limitations);
  }

  ExitFacts(Integer status, List<Limitation> limitations) {
    this(status, limitations, null);
  }

  /**
   * Blocking, when a task this JVM spawned exited: its status, the limits it ran into, and its
   * {@code exit_status} file (a checkpointed task's wrapper wrote it already, unless the wrapper
   * itself was killed).
   */
  static ExitFacts ofExited(ProcessTask task, Isolators isolators) {
    int status = task.process.exitValue();
    List<Limitation> limitations = isolators.limitations(task.container, true);
    Path file = Path.of(task.launch.sandbox(), "exit_status");
    if (task.launch.checkpointDir() == null || !Files.exists(file)) {
      write(task, file, status);
    }
    String launchError = status == LaunchHelper.LAUNCH_FAILED ? LaunchHelper.launchError(Path.of(task.launch.sandbox()))
        : null;
    return new ExitFacts(status, limitations, launchError);
  }

  /** Blocking: how an adopted task that is no longer running ended, from what its wrapper recorded. */
  static ExitFacts ofAdopted(ProcessTask task, Isolators isolators) {
    Integer status = TaskCheckpoint.exitStatus(Path.of(task.launch.sandbox()));
    return new ExitFacts(status, isolators.limitations(task.container, true));
  }

  /** Blocking, on stop: records the SIGKILL status of a task this JVM spawned, for the restarted agent. */
  static void recordKilledOnStop(ProcessTask t) throws InterruptedException {
    if (t.process == null || t.launch.checkpointDir() == null || !t.process.waitFor(1, TimeUnit.SECONDS)
        || t.process instanceof ServedProcess served && served.orphaned()) {
      return;
    }
    Path file = Path.of(t.launch.sandbox(), "exit_status");
    if (!Files.exists(file)) {
      write(t, file, t.process.exitValue());
    }
  }

  private static void write(ProcessTask task, Path file, int status) {
    try {
      // The sandbox may be the task user's: never follow what the task left at that name.
      TaskFiles.writeNew(file, (status + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      LOG.warn("cannot write exit_status task_id={} error={}", task.taskId(), e.toString());
    }
  }

  /** The terminal status of a task that ended by itself. */
  record Ending(TaskState state, String message, TaskStatus.Reason reason) {}

  Limitation first(Limitation.Effect effect) {
    return limitations.stream().filter(l -> l.effect() == effect).findFirst().orElse(null);
  }

  Ending ending() {
    Limitation fail = first(Limitation.Effect.FAIL);
    if (fail != null) {
      return new Ending(TaskState.TASK_FAILED, fail.message() + "; " + describe(status == null ? UNKNOWN_STATUS
          : status), fail.reason());
    }
    if (status == null) {
      return new Ending(TaskState.TASK_FAILED, "The task's process ended while the agent was not running and left no "
          + "exit status in its sandbox (it was killed with SIGKILL, or its sandbox was not writable)",
          TaskStatus.Reason.REASON_EXECUTOR_TERMINATED);
    }
    if (launchError != null) {
      return new Ending(TaskState.TASK_FAILED, "Failed to launch the task: " + launchError + "; "
          + ExitStatuses.describe(status), TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
    }
    if (status == 0) {
      return new Ending(TaskState.TASK_FINISHED, ExitStatuses.describe(0), null);
    }
    Limitation explains = first(Limitation.Effect.EXPLAINS_FAILURE);
    if (explains != null) {
      return new Ending(TaskState.TASK_FAILED, explains.message() + "; " + ExitStatuses.describe(status),
          explains.reason());
    }
    return new Ending(TaskState.TASK_FAILED, ExitStatuses.describe(status),
        TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED);
  }

  /** Words for a status, {@link #UNKNOWN_STATUS} included. */
  static String describe(int status) {
    return status == UNKNOWN_STATUS ? "exit status unknown (the task ended while the agent was down)"
        : ExitStatuses.describe(status);
  }
}
