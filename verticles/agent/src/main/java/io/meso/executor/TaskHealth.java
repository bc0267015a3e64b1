package io.meso.executor;

import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a running task to its {@link HealthChecker} (Mesos: checking starts once the task
 * runs): each change of health becomes a TASK_RUNNING status with {@code healthy} and
 * REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, and too many failures in a row kill the task through
 * the executor's own kill path. Event-loop confined, like the executor.
 */
final class TaskHealth {

  private static final Logger LOG = LoggerFactory.getLogger(TaskHealth.class);

  /** How the executor reports a task's status. */
  interface Reporter {
    void report(ProcessTask task, TaskState state, String message, TaskStatus.Reason reason, Boolean healthy);
  }

  /** How the executor kills a task. */
  interface Killer {
    void kill(KillTask kill);
  }

  private final Vertx vertx;
  private final HealthProbes probes;
  private final Reporter reporter;
  private final Killer killer;
  private final long defaultKillGraceMillis;

  TaskHealth(Vertx vertx, HealthProbes probes, Reporter reporter, Killer killer, long defaultKillGraceMillis) {
    this.vertx = vertx;
    this.probes = probes;
    this.reporter = reporter;
    this.killer = killer;
    this.defaultKillGraceMillis = defaultKillGraceMillis;
  }

  /** Starts checking the task's health, if it has a health check. */
  void start(ProcessTask task) {
    if (!task.launch.task().hasHealthCheck()) {
      return;
    }
    task.health = new HealthChecker(vertx, task.taskId(), task.launch.task().getHealthCheck(),
        probes.of(task), new HealthChecker.Listener() {
          @Override
          public void healthChanged(boolean healthy, String cause) {
            // Nothing after a kill or exit: the task is no longer the one that was checked.
            if (!task.killRequested && !task.terminal && task.exitStatus == null) {
              reporter.report(task, TaskState.TASK_RUNNING, healthy ? null : cause,
                  TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, healthy);
            }
          }

          @Override
          public void failedTooOften(int failures, String cause) {
            if (task.killRequested || task.terminal) {
              return;
            }
            task.killedByHealthCheck = "Killed after " + failures + " consecutive failed health checks (last: "
                + cause + ")";
            LOG.info("killing task after failed health checks task_id={} failures={}", task.taskId(), failures);
            killer.kill(new KillTask(task.launch.frameworkId(), task.taskId(),
                task.launch.killGraceMillis(defaultKillGraceMillis), task.launch.reportsKilling()));
          }
        });
    task.health.start();
  }

  /** Releases the probes' clients once the executor stops. */
  io.vertx.core.Future<?> close() {
    return probes.close();
  }

  /** Stops checking the task (it is being killed, has ended, or the executor stops). */
  static void stop(ProcessTask task) {
    if (task.health != null) {
      task.health.stop();
    }
  }
}
