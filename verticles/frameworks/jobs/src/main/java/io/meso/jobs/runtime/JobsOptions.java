package io.meso.jobs.runtime;

import io.meso.jobs.job.JobDefaults;
import java.time.Duration;

/**
 * Settings of the jobs framework. The Chronos flags they stand for are named on each; defaults
 * are Chronos's where it had one.
 */
public final class JobsOptions {

  /** Chronos's {@code --failure_retry}: the delay before a failed run's next attempt. */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(60);
  /** Chronos's {@code --disable_after_failures}: 0 never disables a job. */
  public static final int DEFAULT_DISABLE_AFTER_FAILURES = 0;
  /** Ended attempts kept per job (Chronos kept them in Cassandra, without bound). */
  public static final int DEFAULT_HISTORY_PER_JOB = 50;
  /** How often runs whose task state is unknown after a takeover are reconciled again. */
  public static final Duration DEFAULT_RECONCILE_INTERVAL = Duration.ofSeconds(10);
  /** The longest the scheduler sleeps between looks at the jobs (Chronos's loop: 60 s). */
  public static final Duration DEFAULT_MAX_SLEEP = Duration.ofSeconds(60);
  /** A week, as the services framework: a leader change must never tear the framework down. */
  public static final double DEFAULT_FAILOVER_TIMEOUT_SECONDS = 7 * 24 * 3600;

  private Duration retryDelay = DEFAULT_RETRY_DELAY;
  private int disableAfterFailures = DEFAULT_DISABLE_AFTER_FAILURES;
  private int historyPerJob = DEFAULT_HISTORY_PER_JOB;
  private Duration reconcileInterval = DEFAULT_RECONCILE_INTERVAL;
  private Duration maxSleep = DEFAULT_MAX_SLEEP;
  private double failoverTimeoutSeconds = DEFAULT_FAILOVER_TIMEOUT_SECONDS;
  private JobDefaults defaults = JobDefaults.MESO;
  private String role = "*";
  private String user = "";
  /** Refuse-seconds of offers declined while runs wait for resources. */
  private double refuseWaitingSeconds = 1;
  /** Refuse-seconds of offers declined while no run waits (offers are suppressed too). */
  private double refuseIdleSeconds = 120;

  public Duration getRetryDelay() { return retryDelay; }
  public JobsOptions setRetryDelay(Duration d) { this.retryDelay = nonNegative("retryDelay", d); return this; }
  public int getDisableAfterFailures() { return disableAfterFailures; }
  public JobsOptions setDisableAfterFailures(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("disableAfterFailures is " + n + "; expected 0 (never) or more");
    }
    this.disableAfterFailures = n;
    return this;
  }
  public int getHistoryPerJob() { return historyPerJob; }
  public JobsOptions setHistoryPerJob(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("historyPerJob is " + n + "; expected 1 or more");
    }
    this.historyPerJob = n;
    return this;
  }
  public Duration getReconcileInterval() { return reconcileInterval; }
  public JobsOptions setReconcileInterval(Duration d) { this.reconcileInterval = positive("reconcileInterval", d); return this; }
  public Duration getMaxSleep() { return maxSleep; }
  public JobsOptions setMaxSleep(Duration d) { this.maxSleep = positive("maxSleep", d); return this; }
  public double getFailoverTimeoutSeconds() { return failoverTimeoutSeconds; }
  public JobsOptions setFailoverTimeoutSeconds(double s) { this.failoverTimeoutSeconds = s; return this; }
  public JobDefaults getDefaults() { return defaults; }
  public JobsOptions setDefaults(JobDefaults d) { this.defaults = d; return this; }
  public String getRole() { return role; }
  public JobsOptions setRole(String role) { this.role = role; return this; }
  public String getUser() { return user; }
  public JobsOptions setUser(String user) { this.user = user; return this; }
  public double getRefuseWaitingSeconds() { return refuseWaitingSeconds; }
  public JobsOptions setRefuseWaitingSeconds(double s) { this.refuseWaitingSeconds = s; return this; }
  public double getRefuseIdleSeconds() { return refuseIdleSeconds; }
  public JobsOptions setRefuseIdleSeconds(double s) { this.refuseIdleSeconds = s; return this; }

  private static Duration nonNegative(String name, Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " is " + d + "; expected a duration >= 0");
    }
    return d;
  }

  private static Duration positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " is " + d + "; expected a positive duration");
    }
    return d;
  }
}
