package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.v1.AgentInfo;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The master's view of one agent. */
final class AgentRecord {

  enum Status { ACTIVE, UNREACHABLE }

  final String id;
  AgentInfo info;
  Resources total;
  Status status = Status.ACTIVE;
  double registeredAt;
  double unreachableSince;
  int missedPings;
  boolean pingInFlight;
  /** What the agent said in its last pong about why it is not ready (stuck sandbox IO...), or null. */
  String notReadyReason;
  /** Non-terminal tasks on this agent, keyed by framework id then task id. */
  final Map<String, Map<String, TaskRecord>> tasks = new LinkedHashMap<>();
  final Set<String> offerIds = new HashSet<>();

  AgentRecord(String id, AgentInfo info, Resources total, double registeredAt) {
    this.id = id;
    this.info = info;
    this.total = total;
    this.registeredAt = registeredAt;
  }

  String hostname() {
    return info.getHostname();
  }

  void addTask(TaskRecord task) {
    tasks.computeIfAbsent(task.frameworkId, f -> new LinkedHashMap<>()).put(task.id(), task);
  }

  void removeTask(TaskRecord task) {
    Map<String, TaskRecord> byId = tasks.get(task.frameworkId);
    if (byId != null) {
      byId.remove(task.id());
      if (byId.isEmpty()) {
        tasks.remove(task.frameworkId);
      }
    }
  }

  /** What each framework's non-terminal tasks use on this agent. */
  Map<String, Resources> usedByFramework() {
    Map<String, Resources> used = new LinkedHashMap<>();
    tasks.forEach((frameworkId, byId) -> {
      Resources sum = Resources.EMPTY;
      for (TaskRecord t : byId.values()) {
        if (!t.terminal()) {
          sum = sum.plus(t.resources);
        }
      }
      used.put(frameworkId, sum);
    });
    return used;
  }

  Resources used() {
    Resources sum = Resources.EMPTY;
    for (Resources r : usedByFramework().values()) {
      sum = sum.plus(r);
    }
    return sum;
  }
}
