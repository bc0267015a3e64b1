package io.meso.bench;

import io.meso.codecs.TaskStates;
import io.meso.v1.TaskState;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one phase's figures out of the events of {@code /v2/events}: replays every
 * status_update_event of the app from the first, so it knows which tasks are live and running
 * when the phase starts, and counts what happens in the phase's window.
 */
final class PhaseEvents {

  private PhaseEvents() {}

  /**
   * The figures of the phase that began at {@code start} and lasted until {@code end} (nanoTime),
   * for {@code instances} instances of {@code appId} at {@code version}, deployed by {@code deploymentId}.
   */
  static ServicesPhase.Events of(List<V2Events.Received> all, String appId, long start, long end, String version,
      String deploymentId, int instances) {
    Map<String, TaskState> live = new HashMap<>();
    Map<String, String> versions = new HashMap<>();
    Set<String> launched = new HashSet<>();
    int running = 0;
    int runningOnVersion = 0;
    long lastRunning = -1;
    long success = -1;
    int oldEnded = 0;
    int failed = 0;
    int minRunning = -1;
    int maxLive = -1;
    int statusEvents = 0;
    for (V2Events.Received e : all) {
      boolean inPhase = e.nanos() >= start && e.nanos() < end;
      if (inPhase && e.type().equals("deployment_success") && success < 0
          && e.json().getString("id", "").equals(deploymentId)) {
        success = e.nanos() - start;
      }
      if (!e.type().equals("status_update_event")) {
        continue;
      }
      JsonObject data = e.json();
      if (!appId.equals(data.getString("appId"))) {
        continue;
      }
      String taskId = data.getString("taskId");
      TaskState state;
      try {
        state = TaskState.valueOf(data.getString("taskStatus", ""));
      } catch (IllegalArgumentException ex) {
        continue;
      }
      if (inPhase && minRunning < 0) {
        minRunning = running;
        maxLive = live.size();
      }
      String taskVersion = data.getString("version", versions.getOrDefault(taskId, ""));
      boolean onVersion = taskVersion.equals(version);
      TaskState before = live.get(taskId);
      boolean wasRunning = before == TaskState.TASK_RUNNING;
      boolean terminal = TaskStates.isTerminal(state);
      if (terminal) {
        live.remove(taskId);
        versions.remove(taskId);
      } else {
        live.put(taskId, state);
        versions.put(taskId, taskVersion);
      }
      boolean isRunning = state == TaskState.TASK_RUNNING;
      int change = (isRunning ? 1 : 0) - (wasRunning ? 1 : 0);
      running += change;
      if (onVersion) {
        runningOnVersion += change;
      }
      if (!inPhase) {
        continue;
      }
      statusEvents++;
      if (onVersion) {
        launched.add(taskId);
        if (runningOnVersion >= instances && lastRunning < 0) {
          lastRunning = e.nanos() - start;
        }
      }
      if (terminal) {
        if (before != null && !onVersion) {
          oldEnded++;
        }
        if (state != TaskState.TASK_KILLED) {
          failed++;
        }
      }
      minRunning = Math.min(minRunning, running);
      maxLive = Math.max(maxLive, live.size());
    }
    return new ServicesPhase.Events(lastRunning, success, launched.size(), oldEnded, failed, Math.max(0, minRunning),
        Math.max(0, maxLive), statusEvents);
  }
}
