package io.meso.services.autoscale;

import io.meso.v1.ResourceStatistics;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One instance's cpu utilisation from the usage samples its agent keeps (oldest first): the cpu
 * time (user + system) the task used between two samples, divided by the wall time between them
 * and by the cpus it was given. The newer sample is the newest one; the older is the newest that
 * is at least {@code lookbackSeconds} older than it (else the oldest), so the figure is an average
 * over about the last evaluation interval rather than the last sampling tick.
 *
 * <p>No figure (empty) when there are fewer than two samples, the samples carry no cpu times (the
 * isolation could not measure them), the cpu time went backwards, or the newest sample is older
 * than {@code staleSeconds}: the agent stopped sampling the task. The caller treats an instance
 * without a figure as unmeasured, which never lets the app scale down.
 */
public final class CpuUtilization {

  private CpuUtilization() {}

  /**
   * @param samples the agent's samples for the task, oldest first
   * @param allocatedCpus the app's cpus per instance, used when a sample has no cpus limit
   * @param nowSeconds the current time, seconds since the epoch
   */
  public static OptionalDouble of(List<ResourceStatistics> samples, double allocatedCpus, double lookbackSeconds,
      double staleSeconds, double nowSeconds) {
    if (samples.size() < 2) {
      return OptionalDouble.empty();
    }
    ResourceStatistics last = samples.get(samples.size() - 1);
    if (!hasCpuTime(last) || nowSeconds - last.getTimestamp() > staleSeconds) {
      return OptionalDouble.empty();
    }
    ResourceStatistics first = null;
    for (int i = samples.size() - 2; i >= 0; i--) {
      ResourceStatistics s = samples.get(i);
      if (!hasCpuTime(s)) {
        break;
      }
      first = s;
      if (s.getTimestamp() <= last.getTimestamp() - lookbackSeconds) {
        break;
      }
    }
    if (first == null) {
      return OptionalDouble.empty();
    }
    double wall = last.getTimestamp() - first.getTimestamp();
    double cpu = cpuTime(last) - cpuTime(first);
    double cpus = last.hasCpusLimit() && last.getCpusLimit() > 0 ? last.getCpusLimit() : allocatedCpus;
    if (wall <= 0 || cpu < 0 || !(cpus > 0)) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(cpu / wall / cpus);
  }

  private static boolean hasCpuTime(ResourceStatistics s) {
    return s.hasCpusUserTimeSecs() || s.hasCpusSystemTimeSecs();
  }

  private static double cpuTime(ResourceStatistics s) {
    return s.getCpusUserTimeSecs() + s.getCpusSystemTimeSecs();
  }
}
