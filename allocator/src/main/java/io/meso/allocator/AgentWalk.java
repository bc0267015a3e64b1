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
 *
 * <p>The fast walk (a DRF-sorted role, {@link HierarchicalAllocator#fastWalk}) reads the role's
 * order as the sorter's array of subscriptions, takes the inactive/suppressed reason computed
 * once per run ({@link Subscription#runSkip}), and asks the agent's {@link FilterSet} bitsets
 * whether a filter is there and whether it refused the very object on offer; only other
 * filters are looked up and checked for subset. Expired filters are purged when the walk
 * reaches the agent, so every filter seen is live. FILTERED found by bit is added to the
 * counters at {@link #finish()}, and its expiry is read only if the walk is memoised; the
 * plain walk (sorter visitor, a lookup per pair) decides and counts exactly the same.
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
  /** {@link HierarchicalAllocator#walkSerial} of the agent walk in progress. */
  private long walkSerial;

  /**
   * Roles none of whose subscribed frameworks can take an offer this run, whatever the agent
   * (each is inactive or suppressed): skipped in O(1) per agent, and the agents skipped are
   * counted once per role and credited to every subscription at {@link #finish()}.
   */
  private final java.util.IdentityHashMap<RoleState, long[]> idleRoles = new java.util.IdentityHashMap<>();

  /** Subscriptions with {@link Subscription#pendingFiltered} to add to the counters at {@link #finish()}. */
  private final List<Subscription> pendingFiltered = new ArrayList<>();
  /** Filtered pairs the fast walk found without looking at the filter (so not in {@link #blockedUntil}). */
  private boolean filteredByBit;

  AgentWalk(HierarchicalAllocator allocator, long nowNanos, List<Allocation> out, QuotaRun quota) {
    this.allocator = allocator;
    this.quota = quota;
    for (RoleState rs : allocator.roles.roleStates()) {
      boolean idle = true;
      for (Subscription sub : rs.subscriptions.values()) {
        FrameworkState fw = sub.framework;
        sub.runSkip = !fw.active ? SkipReason.INACTIVE_FRAMEWORK : sub.suppressed ? SkipReason.SUPPRESSED : null;
        if (sub.subscribed && sub.runSkip == null) {
          idle = false;
        }
      }
      if (idle) {
        idleRoles.put(rs, new long[1]);
      }
    }
    this.now = nowNanos;
    this.out = out;
  }

  /**
   * Adds the FILTERED pairs of the fast walk to the counters, and credits the agents each idle
   * role skipped to its subscriptions (inactive first, as {@link #skipReason}).
   */
  void finish() {
    for (Subscription sub : pendingFiltered) {
      count(sub, SkipReason.FILTERED, sub.pendingFiltered);
      sub.pendingFiltered = 0;
    }
    pendingFiltered.clear();
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
        a.filters.purgeExpired(now);
        walkSerial = ++allocator.walkSerial;
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
    a.filters.purgeExpired(now);
    if (quota != null && quota.exhaustedRoles() == allocator.roles.roleCount() && !f.hasReservations()) {
      allocator.bulkSkips[SkipReason.QUOTA_LIMIT.ordinal()]++; // every role is at its limit
      return;
    }
    if (quota == null && stillBlocked()) {
      allocator.memoHits++;
      return;
    }
    blockedUntil = Long.MAX_VALUE;
    filteredByBit = false;
    walkSerial = ++allocator.walkSerial;
    picked.clear();
    pickedResources.clear();
    allocator.roles.visitRoles(roleVisitor);
    if (picked.isEmpty()) {
      if (quota != null) {
        return; // quota makes eligibility depend on other agents: no memo
      }
      if (filteredByBit && allocator.memoEnabled) { // one pass over the agent's filters
        blockedUntil = Math.min(blockedUntil, a.filters.earliestExpiryFilteredIn(walkSerial));
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
    if (allocator.fastWalk && role.frameworks instanceof DrfSorter drf) {
      visitFrameworks(drf);
    } else {
      role.frameworks.visit(frameworkVisitor);
    }
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

  /**
   * {@link #visitFramework} over the role's DRF order as an array of subscriptions, with
   * {@link #skipReason} inlined: the per-run reason ({@link Subscription#runSkip}), then GPU
   * gating, then the agent's filter bits. A pair whose filter refused the very object on offer
   * (the agent's shared refused resources) is filtered without looking at the filter; its count
   * is added at {@link #finish()} and its expiry read only if the walk ends up memoised.
   */
  private void visitFrameworks(DrfSorter sorter) {
    sorter.prepareOrder();
    int n = sorter.size();
    AgentState a = agent;
    FilterSet filters = a.filters;
    long[] held = filters.held;
    long[] refusesShared = filters.refusesShared;
    boolean offersShared = offerable == filters.shared;
    boolean counting = stage == 2;
    for (int i = 0; i < n; i++) {
      Subscription sub = (Subscription) sorter.payloadAt(i);
      if (!sub.subscribed) {
        continue; // left the role but still holds resources in it: not a candidate
      }
      SkipReason reason = sub.runSkip;
      if (reason == null && a.gpu && !sub.framework.spec.gpuAware()) {
        reason = SkipReason.GPU_GATED;
      }
      if (reason == null) {
        int index = sub.index;
        int w = index >>> 6;
        if (w >= held.length || (held[w] & (1L << index)) == 0) {
          chosen = sub;
          return;
        }
        if (offersShared && (refusesShared[w] & (1L << index)) != 0) {
          sub.filteredInWalk = walkSerial;
          filteredByBit = true;
          if (counting && sub.pendingFiltered++ == 0) {
            pendingFiltered.add(sub);
          }
          continue;
        }
        reason = filterReason(sub);
        if (reason == null) {
          chosen = sub;
          return;
        }
      }
      if (counting) {
        count(sub, reason, 1);
      }
    }
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
    return sub.filterCount > 0 ? filterReason(sub) : null;
  }

  /** FILTERED if a live filter of the pair holds for {@link #offerable} (a subset of what it refused). */
  private SkipReason filterReason(Subscription sub) {
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
