package io.meso.executor;

import io.meso.v1.HealthCheck;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task's {@link HealthCheck} and decides what its results mean, as Mesos's
 * HealthChecker and CheckerProcess do (src/checks/health_checker.cpp, checker_process.cpp):
 * the first check {@code delay_seconds} after {@link #start()}, the next one
 * {@code interval_seconds} after the previous one ended (so at most one is in flight), each
 * abandoned as failed after {@code timeout_seconds} (0: no limit). Failures within
 * {@code grace_period_seconds} of the start are ignored until the first success; after that
 * every failure counts, a success resets the count, and {@code consecutive_failures} in a row
 * (Mesos: count >= consecutive_failures, so 0 kills at the first counted failure) stops the
 * checker and asks for the task to be killed.
 *
 * <p>Reports a change of health only: the first result that counts, then each flip (Mesos's
 * checker also repeats "unhealthy" on every failure; one update per change is what frameworks
 * act on, and it keeps a failing task's update stream short). Confined to the context it was
 * started on; the probe runs off that context's thread and reports back to it.
 */
final class HealthChecker {

  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  /** What the checker tells its task's executor. */
  interface Listener {
    /** The task's health changed (or is known for the first time); {@code cause} is null when healthy. */
    void healthChanged(boolean healthy, String cause);

    /** The check failed {@code failures} times in a row: kill the task. The checker has stopped. */
    void failedTooOften(int failures, String cause);
  }

  private final Vertx vertx;
  private final String taskId;
  private final HealthCheck check;
  private final HealthProbe probe;
  private final Listener listener;
  private long startNanos;
  private boolean initializing = true;
  private int consecutiveFailures;
  /** The health last reported; null before the first report. */
  private Boolean reported;
  private boolean stopped;
  /** The pending delay/interval timer or the running check's timeout timer, -1 when none. */
  private long timer = -1;
  /** Numbers the checks, so a result that arrives after its timeout (or after stop) is dropped. */
  private long attempt;
  private Runnable abandon;

  HealthChecker(Vertx vertx, String taskId, HealthCheck check, HealthProbe probe, Listener listener) {
    this.vertx = vertx;
    this.taskId = taskId;
    this.check = check;
    this.probe = probe;
    this.listener = listener;
  }

  /** The health last reported: null before the first report. */
  Boolean reportedHealth() {
    return reported;
  }

  void start() {
    startNanos = System.nanoTime();
    schedule(check.getDelaySeconds());
  }

  /** Stops checking: cancels the next check and abandons the one in flight. Idempotent. */
  void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    cancelTimer();
    attempt++;
    if (abandon != null) {
      abandon.run();
      abandon = null;
    }
  }

  private void schedule(double seconds) {
    timer = vertx.setTimer(millis(seconds), id -> {
      timer = -1;
      perform();
    });
  }

  private void perform() {
    if (stopped) {
      return;
    }
    long current = ++attempt;
    if (check.getTimeoutSeconds() > 0) {
      timer = vertx.setTimer(millis(check.getTimeoutSeconds()), id -> {
        timer = -1;
        // completed() forgets the running check; abandoned after, so that its own failure comes too late
        Runnable running = current == attempt ? abandon : null;
        completed(current, check.getType() + " health check timed out after " + check.getTimeoutSeconds() + " s");
        if (running != null) {
          running.run();
        }
      });
    }
    Runnable started = probe.start(cause -> completed(current, cause));
    if (current == attempt) { // not already done
      abandon = started;
    }
  }

  private void completed(long which, String cause) {
    if (stopped || which != attempt) {
      return;
    }
    attempt++;
    abandon = null;
    cancelTimer();
    if (cause == null) {
      success();
    } else {
      failure(cause);
    }
    if (!stopped) {
      schedule(check.getIntervalSeconds());
    }
  }

  private void success() {
    LOG.debug("health check passed task_id={}", taskId);
    initializing = false;
    consecutiveFailures = 0;
    report(true, null);
  }

  private void failure(String cause) {
    double grace = check.getGracePeriodSeconds();
    if (initializing && grace > 0 && System.nanoTime() - startNanos <= grace * 1e9) {
      LOG.info("health check failed within its grace period, ignored task_id={} cause={}", taskId, cause);
      return;
    }
    consecutiveFailures++;
    LOG.warn("health check failed task_id={} consecutive_failures={} cause={}", taskId, consecutiveFailures, cause);
    report(false, cause);
    if (consecutiveFailures >= Integer.toUnsignedLong(check.getConsecutiveFailures())) {
      stop();
      listener.failedTooOften(consecutiveFailures, cause);
    }
  }

  private void report(boolean healthy, String cause) {
    if (reported == null || reported != healthy) {
      reported = healthy;
      listener.healthChanged(healthy, cause);
    }
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Seconds (validated: finite, >= 0) as a timer delay; Vert.x timers take at least 1 ms. */
  private static long millis(double seconds) {
    return Math.max(1, (long) Math.ceil(seconds * 1000));
  }
}
