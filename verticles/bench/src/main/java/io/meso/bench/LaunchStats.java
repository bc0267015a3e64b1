package io.meso.bench;

/**
 * What the benchmark framework saw: how many tasks it launched, saw running, finished or lost,
 * how many offers it got, and the {@link System#nanoTime()} of the first offer, of the last
 * TASK_RUNNING and of the last terminal update (-1 when none). {@code updates} counts every
 * update received, {@code duplicateUpdates} those of a kind (STARTING, RUNNING, terminal) the
 * task already had: resends by an agent whose first copy was not acknowledged in time. {@code latencyNanos} holds, sorted,
 * each running task's time from receiving the offer it was launched with to its TASK_RUNNING.
 */
public record LaunchStats(
    int tasks,
    int launched,
    int running,
    int finished,
    int failed,
    String firstFailure,
    int offersReceived,
    int offersDeclined,
    int acceptCalls,
    int ackFailures,
    int updates,
    int duplicateUpdates,
    long firstOfferNanos,
    long lastRunningNanos,
    long lastEndedNanos,
    long[] latencyNanos) {

  /** Whether every task finished (TASK_FINISHED). */
  public boolean allFinished() {
    return finished == tasks;
  }

  /** Tasks per second from the first offer to the last TASK_RUNNING seen; 0 when none ran. */
  public double runningPerSecond() {
    return rate(running, lastRunningNanos);
  }

  /** Tasks per second from the first offer to the last terminal update seen; 0 when none ended. */
  public double endedPerSecond() {
    return rate(finished + failed, lastEndedNanos);
  }

  /** Seconds from the first offer to the last TASK_RUNNING. */
  public double secondsToLastRunning() {
    return seconds(lastRunningNanos);
  }

  /** Seconds from the first offer to the last terminal update. */
  public double secondsToLastEnded() {
    return seconds(lastEndedNanos);
  }

  /**
   * The nearest-rank percentile of the offer-to-RUNNING latencies in nanoseconds: the smallest
   * latency that at least {@code percent}% of the measured tasks did not exceed; -1 when none ran.
   */
  public long latencyPercentileNanos(double percent) {
    if (latencyNanos.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(percent / 100.0 * latencyNanos.length);
    return latencyNanos[Math.min(latencyNanos.length - 1, Math.max(0, rank - 1))];
  }

  private double rate(int count, long endNanos) {
    double seconds = seconds(endNanos);
    return count == 0 || seconds <= 0 ? 0 : count / seconds;
  }

  private double seconds(long endNanos) {
    return firstOfferNanos < 0 || endNanos < 0 ? 0 : (endNanos - firstOfferNanos) / 1e9;
  }
}
