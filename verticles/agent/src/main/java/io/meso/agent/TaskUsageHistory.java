package io.meso.agent;

import io.meso.executor.TaskUsage;
import io.meso.v1.ResourceStatistics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each task's recent usage on this agent: a ring of at most {@code capacity} samples per task, so
 * that the master's operator API can show a task's usage over time by asking this one agent
 * (GetTaskUsageRequest) instead of the master polling or storing anything. Samples are kept
 * compact (the nine numbers a chart needs, about 80 bytes each): at the defaults, 120 samples
 * of 5 s, ten minutes cost about 10 KB per task.
 *
 * <p>A task that is no longer in a sample (it ended) keeps its ring for one window
 * ({@code capacity} x the sampling interval) so its last minutes can still be seen, but at most
 * {@code maxEnded} ended tasks are kept, the longest-ended dropped first: churn of short tasks
 * cannot grow the agent. Plain Java, used on the agent's event loop only.
 */
final class TaskUsageHistory {

  /** One sample, as much of ResourceStatistics as the usage chart needs. */
  record Point(double timestamp, double userSecs, double systemSecs, double cpusLimit, long nrPeriods,
      long nrThrottled, long rssBytes, long memLimitBytes, long diskUsedBytes) {

    static Point of(ResourceStatistics s) {
      return new Point(s.getTimestamp(), s.getCpusUserTimeSecs(), s.getCpusSystemTimeSecs(), s.getCpusLimit(),
          s.getCpusNrPeriods(), s.getCpusNrThrottled(), s.getMemRssBytes(), s.getMemLimitBytes(), s.getDiskUsedBytes());
    }

    ResourceStatistics toProto() {
      ResourceStatistics.Builder b = ResourceStatistics.newBuilder().setTimestamp(timestamp)
          .setCpusUserTimeSecs(userSecs).setCpusSystemTimeSecs(systemSecs)
          .setCpusNrPeriods((int) nrPeriods).setCpusNrThrottled((int) nrThrottled)
          .setMemRssBytes(rssBytes).setDiskUsedBytes(diskUsedBytes);
      if (cpusLimit > 0) {
        b.setCpusLimit(cpusLimit);
      }
      if (memLimitBytes > 0) {
        b.setMemLimitBytes(memLimitBytes);
      }
      return b.build();
    }
  }

  private final int capacity;
  private final int maxEnded;
  private final Map<TaskKey, ArrayDeque<Point>> running = new HashMap<>();
  /** Ended tasks' rings, in the order they ended (oldest first). */
  private final LinkedHashMap<TaskKey, ArrayDeque<Point>> ended = new LinkedHashMap<>();

  TaskUsageHistory(int capacity, int maxEnded) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.capacity = capacity;
    this.maxEnded = maxEnded;
  }

  int capacity() {
    return capacity;
  }

  /**
   * Adds one sample of every running task; tasks missing from it have ended. Ended rings older
   * than {@code windowSeconds} before {@code nowSeconds} are forgotten.
   */
  void record(List<TaskUsage> sample, double nowSeconds, double windowSeconds) {
    Set<TaskKey> seen = new java.util.HashSet<>();
    for (TaskUsage u : sample) {
      TaskKey key = new TaskKey(u.frameworkId(), u.task().getTaskId().getValue());
      seen.add(key);
      ArrayDeque<Point> ring = running.get(key);
      if (ring == null) {
        ring = ended.remove(key); // an agent restart re-adopted it, or a sample raced its end
        ring = ring == null ? new ArrayDeque<>(Math.min(capacity, 16)) : ring;
        running.put(key, ring);
      }
      if (ring.size() == capacity) {
        ring.removeFirst();
      }
      ring.addLast(Point.of(u.statistics()));
    }
    for (Iterator<Map.Entry<TaskKey, ArrayDeque<Point>>> it = running.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<TaskKey, ArrayDeque<Point>> e = it.next();
      if (!seen.contains(e.getKey())) {
        it.remove();
        if (!e.getValue().isEmpty()) {
          ended.put(e.getKey(), e.getValue());
        }
      }
    }
    ended.values().removeIf(ring -> ring.peekLast().timestamp() < nowSeconds - windowSeconds);
    while (ended.size() > maxEnded) {
      Iterator<TaskKey> oldest = ended.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /** The task's samples, oldest first (empty when it was never sampled or is forgotten). */
  List<ResourceStatistics> samples(String frameworkId, String taskId) {
    TaskKey key = new TaskKey(frameworkId, taskId);
    ArrayDeque<Point> ring = running.getOrDefault(key, ended.get(key));
    if (ring == null) {
      return List.of();
    }
    List<ResourceStatistics> out = new ArrayList<>(ring.size());
    for (Point p : ring) {
      out.add(p.toProto());
    }
    return out;
  }

  /** How many tasks have a ring (running, ended). */
  int[] sizes() {
    return new int[] {running.size(), ended.size()};
  }
}
