package io.meso.bench;

/**
 * One cluster run of the benchmark: what the framework saw ({@code stats}, null if it never
 * subscribed), whether and why the run stopped early ({@code failure}, null when every task
 * ended in time), the allocator's runs while the framework was subscribed (count, summed and
 * longest duration; the longest is over the master's whole life) and wall times in nanoseconds:
 * start-up (Vert.x, master, agents registered), the run (framework deployed to every task
 * ended) and the total including shut-down and clean-up; {@code runCpuNanos} is the CPU time
 * this JVM used during the run (all threads, child processes not included).
 */
public record LaunchResult(
    BenchOptions options,
    LaunchStats stats,
    String failure,
    boolean timedOut,
    long allocationRuns,
    long allocationTotalNanos,
    long allocationMaxNanos,
    long setupNanos,
    long runNanos,
    long totalNanos,
    long runCpuNanos) {

  /** Every task finished, in time. */
  public boolean succeeded() {
    return failure == null && stats != null && stats.allFinished();
  }

  /** Average cores this JVM kept busy during the run. */
  public double runCores() {
    return runNanos <= 0 ? 0 : (double) runCpuNanos / runNanos;
  }

  /** Mean allocation run in nanoseconds; 0 without runs. */
  public double allocationMeanNanos() {
    return allocationRuns == 0 ? 0 : (double) allocationTotalNanos / allocationRuns;
  }
}
