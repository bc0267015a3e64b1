package io.meso.master;

import io.meso.v1.FrameworkInfo;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The master's view of one framework: its info, its connection, its tasks and offers. */
final class FrameworkRecord {

  final String id;
  FrameworkInfo info;
  Set<String> roles;
  /** Event-bus address of the current subscription, or null while disconnected. */
  String eventsAddress;
  double registeredAt;
  double disconnectedAt;
  long failoverTimerId = -1;
  /** When the framework was removed (seconds), 0 while it is not. */
  double removedAt;
  boolean heartbeatInFlight;
  /** When (nanoTime) a call from the current subscription last arrived: a busy framework's proof of life. */
  long lastCallNanos;
  /** Tasks that are not yet terminal-and-acknowledged, by task id. */
  final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
  /** This framework's part of the master's completed history, oldest first (see {@link CompletedHistory}). */
  final Deque<TaskRecord> completed = new ArrayDeque<>();
  /** Its tasks (active and completed) in launch order, for paged listings of one framework. */
  final TaskOrder taskOrder = TaskOrder.framework();
  final Set<String> offerIds = new HashSet<>();

  FrameworkRecord(String id, FrameworkInfo info, double registeredAt) {
    this.id = id;
    this.registeredAt = registeredAt;
    update(info);
  }

  void update(FrameworkInfo info) {
    this.info = info;
    this.roles = rolesOf(info);
  }

  boolean connected() {
    return eventsAddress != null;
  }

  boolean hasCapability(FrameworkInfo.Capability.Type type) {
    for (FrameworkInfo.Capability c : info.getCapabilitiesList()) {
      if (c.getType() == type) {
        return true;
      }
    }
    return false;
  }

  boolean partitionAware() {
    return hasCapability(FrameworkInfo.Capability.Type.PARTITION_AWARE);
  }

  /** MULTI_ROLE frameworks use `roles`; others the deprecated single `role` (default "*"). */
  static Set<String> rolesOf(FrameworkInfo info) {
    boolean multiRole = info.getCapabilitiesList().stream()
        .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE);
    if (multiRole) {
      return new LinkedHashSet<>(info.getRolesList());
    }
    return Set.of(info.getRole());
  }
}
