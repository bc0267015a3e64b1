package io.meso.allocator;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Hierarchical weighted DRF over roles, then per role a sorter over its frameworks, all reading
 * one set of cluster totals (so adding an agent costs O(1)), plus the (framework, role)
 * {@link Subscription}s that tie the levels together.
 *
 * <p>Roles are paths ({@code eng/ml}, {@code eng/web}). Every path prefix is a node of a tree;
 * a node's sorter orders its children (by their full path) and, when the role itself has
 * frameworks, a virtual child {@link #SELF} standing for them (as Mesos's "." leaf). What a
 * framework holds in {@code eng/ml} counts for {@code eng/ml} in the sorter of {@code eng} and
 * for {@code eng} in the root's sorter: shares roll up, and a node's share is its subtree's
 * dominant share divided by its own weight. Runs visit roles depth-first, children in DRF
 * order, so {@code eng}'s subtree as a whole competes with {@code ops} by weighted share.
 *
 * <p>A role exists while it has a subscription; a subscription exists while the framework is
 * subscribed to the role or still holds resources in it. A node without a role and without
 * children is dropped; it holds nothing then, so no ancestor's sums change.
 */
final class RoleTree {

  /** The sorter client standing for a node's own role (never a valid role path segment). */
  static final String SELF = ".";

  private final DrfSorter.Totals totals = new DrfSorter.Totals();
  /** Every node but the root, by path (roles and their ancestors). */
  private final Map<String, Node> nodes = new HashMap<>();
  private final Map<String, RoleState> roles = new HashMap<>();
  /** Indexes of live subscriptions ({@link Subscription#index}); the lowest free one is reused. */
  private final java.util.BitSet subscriptionIndexes = new java.util.BitSet();
  /** Weights as last set, by path; nodes not yet present pick theirs up when created. */
  private final Map<String, Double> weights = new HashMap<>();

  /** Makes the sorter that orders the frameworks of one role. */
  private final java.util.function.Function<DrfSorter.Totals, Sorter> frameworkSorters;
  /** Makes the sorter that orders a node's children (and its own role) against each other. */
  private final java.util.function.Function<DrfSorter.Totals, Sorter> roleSorters;
  private final Node root;

  RoleTree() {
    this(DrfSorter::new);
  }

  RoleTree(java.util.function.Function<DrfSorter.Totals, Sorter> frameworkSorters) {
    this(frameworkSorters, DrfSorter::new);
  }

  RoleTree(java.util.function.Function<DrfSorter.Totals, Sorter> frameworkSorters,
      java.util.function.Function<DrfSorter.Totals, Sorter> roleSorters) {
    this.frameworkSorters = frameworkSorters;
    this.roleSorters = roleSorters;
    this.root = new Node("", null);
  }

  private Predicate<String> visitor;
  private boolean stopped;

  private final class Node {
    final String path;
    final Node parent;
    final Sorter sorter = roleSorters.apply(totals);
    int children;
    boolean hasRole;
    /** Visits one client of this node's sorter: the own role, or a child's subtree. */
    final Predicate<String> step;

    Node(String path, Node parent) {
      this.path = path;
      this.parent = parent;
      this.step = client -> {
        if (client == SELF) {
          stopped = !visitor.test(this.path);
        } else {
          Node child = nodes.get(client);
          child.sorter.visit(child.step);
        }
        return !stopped;
      };
    }
  }

  DrfSorter.Totals totals() {
    return totals;
  }

  RoleState get(String role) {
    return roles.get(role);
  }

  /** Visits every role with frameworks, depth-first in weighted DRF order, until {@code v} returns false. */
  void visitRoles(Predicate<String> v) {
    visitor = v;
    stopped = false;
    try {
      root.sorter.visit(root.step);
    } finally {
      visitor = null;
    }
  }

  /** Weights must already be validated (positive, finite); they apply to any node, role or ancestor. */
  void updateWeights(Map<String, Double> newWeights) {
    newWeights.forEach((path, w) -> {
      // The default weight is not remembered: a role known only for its weight is forgotten.
      if (w == 1.0) {
        weights.remove(path);
      } else {
        weights.put(path, w);
      }
    });
    newWeights.forEach((path, w) -> {
      Node n = nodes.get(path);
      if (n != null) {
        n.parent.sorter.updateWeight(path, w);
      }
    });
  }

  double weight(String path) {
    return weights.getOrDefault(path, 1.0);
  }

  /** Weights as set, by path (including paths with no role yet). */
  Map<String, Double> weights() {
    return Map.copyOf(weights);
  }

  /** The weighted dominant share of the role's whole subtree, as its parent's sorter orders it; 0 when unknown. */
  double roleShare(String role) {
    Node n = nodes.get(role);
    return n == null ? 0 : n.parent.sorter.share(role);
  }

  /** Roles with frameworks and their ancestors, by path. */
  java.util.Set<String> paths() {
    return java.util.Collections.unmodifiableSet(nodes.keySet());
  }

  /** One more than the highest live subscription index. */
  int subscriptionIndexBound() {
    return subscriptionIndexes.length();
  }

  /** Every role's state (roles with frameworks). */
  java.util.Collection<RoleState> roleStates() {
    return roles.values();
  }

  /** Roles with frameworks (subscribed, or holding resources). */
  int roleCount() {
    return roles.size();
  }

  boolean isRole(String path) {
    return roles.containsKey(path);
  }

  double frameworkShare(String role, String frameworkId) {
    RoleState rs = roles.get(role);
    return rs == null ? 0 : rs.frameworks.share(frameworkId);
  }

  /** The framework holds {@code r} more on the agent in the subscription's role. */
  void allocated(Subscription sub, String agentId, Resources r) {
    Node n = nodes.get(sub.role);
    n.sorter.allocated(SELF, agentId, r);
    for (; n.parent != null; n = n.parent) {
      n.parent.sorter.allocated(n.path, agentId, r);
    }
    roles.get(sub.role).frameworks.allocated(sub.framework.id, agentId, r);
  }

  void unallocated(Subscription sub, String agentId, Resources r) {
    Node n = nodes.get(sub.role);
    n.sorter.unallocated(SELF, agentId, r);
    for (; n.parent != null; n = n.parent) {
      n.parent.sorter.unallocated(n.path, agentId, r);
    }
    roles.get(sub.role).frameworks.unallocated(sub.framework.id, agentId, r);
  }

  /** The (framework, role) subscription, created unsubscribed (and the role with it) if absent. */
  Subscription subscription(FrameworkState fw, String role) {
    Subscription sub = fw.subscriptions.get(role);
    if (sub == null) {
      RoleState rs = roles.get(role);
      if (rs == null) {
        rs = new RoleState(role, frameworkSorters.apply(totals));
        roles.put(role, rs);
        Node n = node(role);
        n.hasRole = true;
        n.sorter.add(SELF);
      }
      int index = subscriptionIndexes.nextClearBit(0);
      subscriptionIndexes.set(index);
      sub = new Subscription(fw, role, index);
      fw.subscriptions.put(role, sub);
      rs.subscriptions.put(fw.id, sub);
      if (rs.frameworks instanceof DrfSorter drf) {
        drf.add(fw.id, sub); // the walk reads the subscription from the sorter's array
      } else {
        rs.frameworks.add(fw.id);
      }
    }
    return sub;
  }

  /** Forgets a subscription that is neither subscribed nor holding anything, and an emptied role. */
  void dropIfIdle(Subscription sub) {
    if (sub.subscribed || sub.agentsHeld > 0) {
      return;
    }
    FrameworkState fw = sub.framework;
    if (sub.filterCount == 0) {
      subscriptionIndexes.clear(sub.index); // else (never expected) agents still hold its bit: not reused
    }
    fw.subscriptions.remove(sub.role);
    RoleState rs = roles.get(sub.role);
    rs.subscriptions.remove(fw.id);
    rs.frameworks.remove(fw.id);
    if (rs.subscriptions.isEmpty()) {
      roles.remove(sub.role);
      Node n = nodes.get(sub.role);
      n.hasRole = false;
      n.sorter.remove(SELF);
      while (n.parent != null && !n.hasRole && n.children == 0) {
        nodes.remove(n.path);
        n.parent.sorter.remove(n.path);
        n.parent.children--;
        n = n.parent;
      }
    }
  }

  /** The node of a path, created with its missing ancestors. */
  private Node node(String path) {
    Node n = nodes.get(path);
    if (n != null) {
      return n;
    }
    int slash = path.lastIndexOf('/');
    Node parent = slash < 0 ? root : node(path.substring(0, slash));
    n = new Node(path, parent);
    nodes.put(path, n);
    parent.children++;
    parent.sorter.add(path);
    parent.sorter.updateWeight(path, weight(path));
    return n;
  }
}
