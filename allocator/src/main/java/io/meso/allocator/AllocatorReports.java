package io.meso.allocator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The read-only views {@link HierarchicalAllocator} gives operators and metrics (skip counters,
 * dominant shares, the role summary), computed from its bookkeeping on demand: nothing here is
 * on an allocation run's path.
 */
final class AllocatorReports {

  private AllocatorReports() {}

  /** The framework's highest dominant share over its roles (0 for an unknown framework). */
  static double dominantShare(FrameworkState fw, RoleTree roles) {
    double share = 0;
    if (fw != null) {
      for (String role : fw.subscriptions.keySet()) {
        share = Math.max(share, roles.frameworkShare(role, fw.id));
      }
    }
    return share;
  }

  /** See {@link Allocator#skipCounts()}; {@code bulkSkips}: the allocator's agent-wide counters. */
  static Map<String, Map<SkipReason, Long>> skipCounts(Collection<FrameworkState> frameworks, long[] bulkSkips) {
    Map<String, Map<SkipReason, Long>> out = new TreeMap<>();
    for (FrameworkState fw : frameworks) {
      Map<SkipReason, Long> counts = new EnumMap<>(SkipReason.class);
      for (SkipReason r : SkipReason.values()) {
        long n = fw.skips[r.ordinal()] + bulkSkips[r.ordinal()] - fw.bulkBaseline[r.ordinal()];
        if (n > 0) {
          counts.put(r, n);
        }
      }
      out.put(fw.id, Collections.unmodifiableMap(counts));
    }
    return Collections.unmodifiableMap(out);
  }

  /** See {@link Allocator#skipCountsByRole()}. */
  static Map<String, Map<String, Map<SkipReason, Long>>> skipCountsByRole(Collection<FrameworkState> frameworks) {
    Map<String, Map<String, Map<SkipReason, Long>>> out = new TreeMap<>();
    for (FrameworkState fw : frameworks) {
      Map<String, Map<SkipReason, Long>> byRole = new TreeMap<>();
      for (Subscription sub : fw.subscriptions.values()) {
        Map<SkipReason, Long> counts = new EnumMap<>(SkipReason.class);
        for (SkipReason r : SkipReason.values()) {
          if (sub.skips[r.ordinal()] > 0) {
            counts.put(r, sub.skips[r.ordinal()]);
          }
        }
        byRole.put(sub.role, Collections.unmodifiableMap(counts));
      }
      out.put(fw.id, Collections.unmodifiableMap(byRole));
    }
    return Collections.unmodifiableMap(out);
  }

  /** See {@link Allocator#roles()}. */
  static SortedMap<String, RoleSummary> roles(Collection<FrameworkState> frameworks, RoleTree roles) {
    Map<String, Resources> allocated = new HashMap<>();
    Map<String, List<String>> members = new HashMap<>();
    for (FrameworkState fw : frameworks) {
      for (Map<String, Resources> byRole : fw.held.values()) {
        byRole.forEach((role, r) -> allocated.merge(role, r.scalarsOnly(), Resources::plus));
      }
      for (Subscription sub : fw.subscriptions.values()) {
        if (sub.subscribed) {
          members.computeIfAbsent(sub.role, k -> new ArrayList<>()).add(fw.id);
        }
      }
    }
    Set<String> paths = new TreeSet<>(roles.paths());
    paths.addAll(roles.weights().keySet());
    SortedMap<String, RoleSummary> out = new TreeMap<>();
    for (String path : paths) {
      List<String> fws = members.getOrDefault(path, new ArrayList<>());
      Collections.sort(fws);
      out.put(path, new RoleSummary(path, roles.weight(path), roles.roleShare(path),
          allocated.getOrDefault(path, Resources.EMPTY), fws, roles.isRole(path)));
    }
    return Collections.unmodifiableSortedMap(out);
  }
}
