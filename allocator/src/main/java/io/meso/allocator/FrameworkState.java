package io.meso.allocator;

import java.util.HashMap;
import java.util.Map;

/** What {@link HierarchicalAllocator} tracks per framework. */
final class FrameworkState {

  final String id;
  FrameworkSpec spec;
  boolean active;
  /** By role; includes roles the framework left but still holds resources in (not subscribed). */
  final Map<String, Subscription> subscriptions = new HashMap<>();
  /** agent id -> role -> what the framework holds there in that role. */
  final Map<String, Map<String, Resources>> held = new HashMap<>();
  /** Pairs skipped, by {@link SkipReason#ordinal()}. */
  final long[] skips = new long[SkipReason.values().length];
  /** The allocator's agent-wide skip counters when this framework was added. */
  final long[] bulkBaseline;

  FrameworkState(String id, FrameworkSpec spec, boolean active, long[] bulkBaseline) {
    this.id = id;
    this.spec = spec;
    this.active = active;
    this.bulkBaseline = bulkBaseline;
  }
}
