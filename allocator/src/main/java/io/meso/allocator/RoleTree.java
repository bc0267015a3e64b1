package io.meso.allocator;

import java.util.HashMap;
import java.util.Map;

/**
 * The two levels of weighted DRF: a sorter over roles and, per role, a sorter over its
 * frameworks, all reading one set of cluster totals (so adding an agent costs O(1)), plus the
 * (framework, role) {@link Subscription}s that tie the levels together.
 *
 * <p>A role exists while it has a subscription; a subscription exists while the framework is
 * subscribed to the role or still holds resources in it.
 */
final class RoleTree {

  private final DrfSorter.Totals totals = new DrfSorter.Totals();
  private final Sorter roleSorter = new DrfSorter(totals);
  private final Map<String, RoleState> roles = new HashMap<>();
  /** Role weights as last set; roles not yet present pick theirs up when created. */
  private final Map<String, Double> weights = new HashMap<>();

  DrfSorter.Totals totals() {
    return totals;
  }

  Sorter sorter() {
    return roleSorter;
  }

  RoleState get(String role) {
    return roles.get(role);
  }

  /** Weights must already be validated (positive, finite). */
  void updateWeights(Map<String, Double> newWeights) {
    weights.putAll(newWeights);
    newWeights.forEach((role, w) -> {
      if (roles.containsKey(role)) {
        roleSorter.updateWeight(role, w);
      }
    });
  }

  double roleShare(String role) {
    return roleSorter.share(role);
  }

  double frameworkShare(String role, String frameworkId) {
    RoleState rs = roles.get(role);
    return rs == null ? 0 : rs.frameworks.share(frameworkId);
  }

  /** The framework holds {@code r} more on the agent in the subscription's role. */
  void allocated(Subscription sub, String agentId, Resources r) {
    roleSorter.allocated(sub.role, agentId, r);
    roles.get(sub.role).frameworks.allocated(sub.framework.id, agentId, r);
  }

  void unallocated(Subscription sub, String agentId, Resources r) {
    roleSorter.unallocated(sub.role, agentId, r);
    roles.get(sub.role).frameworks.unallocated(sub.framework.id, agentId, r);
  }

  /** The (framework, role) subscription, created unsubscribed (and the role with it) if absent. */
  Subscription subscription(FrameworkState fw, String role) {
    Subscription sub = fw.subscriptions.get(role);
    if (sub == null) {
      RoleState rs = roles.get(role);
      if (rs == null) {
        rs = new RoleState(role, new DrfSorter(totals));
        roles.put(role, rs);
        roleSorter.add(role);
        roleSorter.updateWeight(role, weights.getOrDefault(role, 1.0));
      }
      sub = new Subscription(fw, role);
      fw.subscriptions.put(role, sub);
      rs.subscriptions.put(fw.id, sub);
      rs.frameworks.add(fw.id);
    }
    return sub;
  }

  /** Forgets a subscription that is neither subscribed nor holding anything, and an emptied role. */
  void dropIfIdle(Subscription sub) {
    if (sub.subscribed || sub.agentsHeld > 0) {
      return;
    }
    FrameworkState fw = sub.framework;
    fw.subscriptions.remove(sub.role);
    RoleState rs = roles.get(sub.role);
    rs.subscriptions.remove(fw.id);
    rs.frameworks.remove(fw.id);
    if (rs.subscriptions.isEmpty()) {
      roles.remove(sub.role);
      roleSorter.remove(sub.role);
    }
  }
}
