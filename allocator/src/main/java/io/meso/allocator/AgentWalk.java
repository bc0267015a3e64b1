package io.meso.allocator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One allocation run's look at one agent at a time: roles in DRF order, and within each role
 * its frameworks in DRF order; the first eligible framework of a role is offered everything
 * free on the agent that the role may use (unreserved plus reserved to the role). The walk
 * then goes on to the next role with what is left (resources reserved to other roles), so
 * there is at most one offer per (framework, role, agent) per run.
 *
 * <p>A (framework, role) pair is skipped, with its reason counted, when: the framework is
 * inactive; the role is suppressed; the agent has GPUs and the framework is not GPU-aware; a
 * decline filter holds and the offer is a subset of what was refused. A whole role is skipped
 * when what it could be offered is empty (reserved to other roles) or below the minimum
 * allocatable resources. Sorters are not touched during the walk (they are being iterated);
 * the allocator updates them once the agent is done.
 *
 * <p>When a walk offers nothing the agent is memoised (see {@link AgentState#memoLogPosition}):
 * until the agent changes or a filter that blocked it expires, later runs re-check only the
 * subscriptions that became more eligible since (at most {@link #MAX_REPLAY}, else a full
 * walk), usually none. Pairs not re-checked are not counted again.
 */
final class AgentWalk {

  /** Past this many changed subscriptions a full walk is cheaper than replaying them. */
  static final int MAX_REPLAY = 64;

  private final HierarchicalAllocator allocator;
  private final long now;
  private final List<Allocation> out;
  private final Predicate<String> roleVisitor = this::visitRole;
  private final Predicate<String> frameworkVisitor = this::visitFramework;
  private final List<Subscription> picked = new ArrayList<>(2);
  private final List<Resources> pickedResources = new ArrayList<>(2);

  /** Quota bookkeeping of this run, or null when no role has a quota. */
  private final QuotaRun quota;
  /** 1: guarantees only (nothing counted as skipped); 2: fair sharing. */
  private int stage = 2;

  private AgentState agent;
  private Resources free;
  private RoleState role;
  private Resources offerable;
  private Subscription chosen;
  /** The earliest expiry of the filters that blocked this agent. */
  private long blockedUntil;

  /**
   * Roles none of whose subscribed frameworks can take an offer this run, whatever the agent
   * (each is inactive or suppressed): skipped in O(1) per agent, and the agents skipped are
   * counted once per role and credited to every subscription at {@link #finish()}.
   */
  private final java.util.IdentityHashMap<RoleState, long[]> idleRoles = new java.util.IdentityHashMap<>();

  AgentWalk(HierarchicalAllocator allocator, long nowNanos, List<Allocation> out, QuotaRun quota) {
    this.allocator = allocator;
    this.quota = quota;
    for (RoleState rs : allocator.roles.roleStates()) {
      boolean idle = true;
      for (Subscription sub : rs.subscriptions.values()) {
        if (sub.subscribed && sub.framework.active && !sub.suppressed) {
          idle = false;
          break;
        }
      }
      if (idle) {
        idleRoles.put(rs, new long[1]);
      }
    }
    this.now = nowNanos;
    this.out = out;
  }

  /** Credits the agents each idle role skipped to its subscriptions (inactive first, as {@link #skipReason}). */
  void finish() {
    idleRoles.forEach((rs, skipped) -> {
      if (skipped[0] > 0) {
        for (Subscription sub : rs.subscriptions.values()) {
          if (sub.subscribed) {
            SkipReason reason = sub.framework.active ? SkipReason.SUPPRESSED : SkipReason.INACTIVE_FRAMEWORK;
            count(sub, reason, skipped[0]);
          }
        }
      }
    });
  }

  void stage(int stage) {
    this.stage = stage;
  }

  void walk(AgentState a) {
    if (stage == 1) {
      if (a.active && !a.draining && quota.anyNeed() && !a.free().isEmpty()) {
        agent = a;
        free = a.free();
        picked.clear();
        pickedResources.clear();
        allocator.roles.visitRoles(roleVisitor);
        offerPicked(a);
      }
      return;
    }
    if (!a.active) {
      allocator.bulkSkips[SkipReason.INACTIVE_AGENT.ordinal()]++;
      return;
    }
    if (a.draining) {
      allocator.bulkSkips[SkipReason.MAINTENANCE.ordinal()]++;
      return;
    }
    Resources f = a.free();
    if (f.isEmpty()) {
      allocator.bulkSkips[SkipReason.NO_FREE_RESOURCES.ordinal()]++;
      return;
    }
    agent = a;
    free = f;
    if (quota != null && quota.exhaustedRoles() == allocator.roles.roleCount() && !f.hasReservations()) {
      allocator.bulkSkips[SkipReason.QUOTA_LIMIT.ordinal()]++; // every role is at its limit
      return;
    }
    if (quota == null && stillBlocked()) {
      allocator.memoHits++;
      return;
    }
    blockedUntil = Long.MAX_VALUE;
    picked.clear();
    pickedResources.clear();
    allocator.roles.visitRoles(roleVisitor);
    if (picked.isEmpty()) {
      if (quota != null) {
        return; // quota makes eligibility depend on other agents: no memo
      }
      a.memoLogPosition = allocator.changeLog.position();
      a.memoVersion = a.version;
      a.memoUntil = blockedUntil;
      return;
    }
    offerPicked(a);
  }

  private void offerPicked(AgentState a) {
    for (int i = 0; i < picked.size(); i++) {
      allocator.offer(picked.get(i), a, pickedResources.get(i), out);
    }
  }

  /**
   * Whether the agent's memo still holds: unchanged agent, no blocking filter expired, and
   * every subscription changed since is still not eligible (those are checked and counted).
   */
  private boolean stillBlocked() {
    AgentState a = agent;
    if (!allocator.memoEnabled || a.memoVersion != a.version || now >= a.memoUntil) {
      return false;
    }
    List<Subscription> changed = allocator.changeLog.since(a.memoLogPosition, MAX_REPLAY);
    if (changed == null) {
      return false;
    }
    blockedUntil = a.memoUntil;
    for (Subscription sub : changed) {
      if (!sub.subscribed) {
        continue;
      }
      offerable = free.hasReservations() ? free.allocatableTo(sub.role) : free;
      if (offerable.isEmpty() || !sufficient(offerable)) {
        continue; // role-wide reasons depend only on the (unchanged) free resources
      }
      SkipReason reason = skipReason(sub);
      if (reason == null) {
        return false;
      }
      count(sub, reason, 1);
    }
    a.memoLogPosition = allocator.changeLog.position();
    a.memoUntil = blockedUntil;
    return true;
  }

  private boolean visitRole(String roleName) {
    role = allocator.roles.get(roleName);
    if (!idleRoles.isEmpty()) {
      long[] skipped = idleRoles.get(role);
      if (skipped != null) {
        if (stage == 2) {
          skipped[0]++;
        }
        return true;
      }
    }
    offerable = free.hasReservations() ? free.allocatableTo(roleName) : free;
    if (offerable.isEmpty()) {
      countAll(SkipReason.RESERVED_FOR_OTHER_ROLE);
      return true;
    }
    if (quota != null) {
      Resources q = stage == 1 ? quota.guaranteeOffer(roleName, offerable) : quota.fairOffer(roleName, offerable);
      if (q == null) {
        return true; // stage 1: no unmet guarantee
      }
      if (q != offerable && (q.isEmpty() || !sufficient(q))) {
        countAll(SkipReason.QUOTA_LIMIT);
        return true;
      }
      offerable = q;
    }
    if (!sufficient(offerable)) {
      countAll(SkipReason.BELOW_MIN_ALLOCATABLE);
      return true;
    }
    chosen = null;
    role.frameworks.visit(frameworkVisitor);
    if (chosen == null) {
      return true;
    }
    if (quota != null) {
      quota.offered(roleName, offerable);
    }
    picked.add(chosen);
    pickedResources.add(offerable);
    free = free.minus(offerable);
    return !free.isEmpty();
  }

  private boolean visitFramework(String frameworkId) {
    Subscription sub = role.subscriptions.get(frameworkId);
    if (!sub.subscribed) {
      return true; // left the role but still holds resources in it: not a candidate
    }
    SkipReason reason = skipReason(sub);
    if (reason == null) {
      chosen = sub;
      return false;
    }
    if (stage == 2) {
      count(sub, reason, 1);
    }
    return true;
  }

  /** Why the pair is not offered {@link #offerable}, or null if it is eligible. Cheapest checks first. */
  private SkipReason skipReason(Subscription sub) {
    FrameworkState fw = sub.framework;
    if (!fw.active) {
      return SkipReason.INACTIVE_FRAMEWORK;
    }
    if (sub.suppressed) {
      return SkipReason.SUPPRESSED;
    }
    if (agent.gpu && !fw.spec.gpuAware()) {
      return SkipReason.GPU_GATED;
    }
    if (sub.filterCount > 0) {
      Subscription.DeclineFilter filter = agent.filters.get(sub);
      if (filter != null) {
        if (now >= filter.expiresAtNanos()) {
          agent.filters.remove(sub);
          sub.filterCount--;
        } else if (filter.refused() == offerable || filter.refused().contains(offerable)) {
          blockedUntil = Math.min(blockedUntil, filter.expiresAtNanos());
          return SkipReason.FILTERED;
        }
      }
    }
    return null;
  }

  /** At least the minimum cpus or the minimum mem (a smaller offer than both is not made). */
  private boolean sufficient(Resources r) {
    return r.scalarMillis("cpus") >= allocator.minCpusMillis || r.scalarMillis("mem") >= allocator.minMemMillis;
  }

  private static void count(Subscription sub, SkipReason reason, long n) {
    sub.framework.skips[reason.ordinal()] += n;
    sub.skips[reason.ordinal()] += n;
  }

  private void countAll(SkipReason reason) {
    if (stage == 1) {
      return;
    }
    for (Subscription sub : role.subscriptions.values()) {
      if (sub.subscribed) {
        count(sub, reason, 1);
      }
    }
  }
}
