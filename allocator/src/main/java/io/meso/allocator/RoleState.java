package io.meso.allocator;

import java.util.HashMap;
import java.util.Map;

/** A role: its frameworks (subscribed, or still holding resources in it) and their DRF order. */
final class RoleState {

  final String name;
  final Sorter frameworks;
  /** By framework id. */
  final Map<String, Subscription> subscriptions = new HashMap<>();

  RoleState(String name, Sorter frameworks) {
    this.name = name;
    this.frameworks = frameworks;
  }
}
