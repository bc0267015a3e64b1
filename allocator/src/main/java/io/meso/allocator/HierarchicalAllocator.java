package io.meso.allocator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allocator: hierarchical weighted DRF (a tree of roles such as {@code eng/ml} whose
 * shares roll up, then frameworks within a role), with quota (limits never exceeded,
 * guarantees served in a first stage with headroom held back; see {@link QuotaRun}), decline
 * filters, suppress/revive, GPU gating, minimum allocatable resources, static reservations
 * (offered to their role and its descendants) and maintenance drain.
 *
 * <p>Bookkeeping lives here, the two DRF levels in {@link RoleTree}, and one run's walk over
 * an agent in {@link AgentWalk}. A run visits the candidate agents in the order they were
 * added and offers each agent's free resources, role by role in DRF order, to the first
 * eligible framework of the role; the sorters are updated after each agent, so the next
 * agent sees the new shares.
 *
 * <p>Invariant: on every agent, allocated (offered or used) is contained in the total, so
 * nothing is offered twice at once; resources come back on {@link #recoverResources},
 * {@link #removeFramework} and {@link #removeAgent}.
 */
public final class HierarchicalAllocator implements Allocator {

  private static final Logger LOG = LoggerFactory.getLogger(HierarchicalAllocator.class);
  private static final int REASONS = SkipReason.values().length;
  private static final String DEFAULT_ROLE = "*";

  final long intervalNanos;
  final long minCpusMillis;
  final long minMemMillis;

  final RoleTree roles;
  private final Map<String, FrameworkState> frameworks = new HashMap<>();
  /** Insertion order: the order runs visit agents in. */
  private final Map<String, AgentState> agents = new LinkedHashMap<>();
  /** Framework id -> agents holding usage of that not-yet-known framework. */
  private final Map<String, Set<String>> pendingUsage = new HashMap<>();
  /** Agents draining for maintenance, by id (kept while the agent is away). */
  private final Set<String> draining = new HashSet<>();
  /** Quota by role path (only non-empty quotas). */
  private final Map<String, Quota> quotas = new HashMap<>();
  private final List<AgentState> candidates = new ArrayList<>();
  private boolean allCandidates;
  /** Subscriptions that may have become more eligible, replayed by agent memos. */
  final ChangeLog changeLog = new ChangeLog();
  /** Agent-wide skips ({@link SkipReason#INACTIVE_AGENT}, {@link SkipReason#NO_FREE_RESOURCES}). */
  final long[] bulkSkips = new long[REASONS];
  long memoHits;
  /** Tests turn the agent memo off to check it never changes a run's outcome. */
  boolean memoEnabled = true;
  /**
   * Walk each role's frameworks as the DRF sorter's array with the agents' filter bitsets (and
   * FILTERED counted at the end of the run); tests turn it off to check that the plain walk
   * (sorter visitor, filter lookups) decides and counts exactly the same.
   */
  boolean fastWalk = true;
  /** Serial number of agent walks, for {@link Subscription#filteredInWalk}. */
  long walkSerial;

  public HierarchicalAllocator() {
    this(new AllocatorOptions());
  }

  public HierarchicalAllocator(AllocatorOptions options) {
    this.intervalNanos = options.getAllocationInterval().toNanos();
    this.minCpusMillis = ResourceParser.toMillis(options.getMinAllocatableCpus());
    this.minMemMillis = ResourceParser.toMillis(options.getMinAllocatableMemMb());
    this.roles = new RoleTree(sorters(options.getFrameworkSorter()), sorters(options.getRoleSorter()));
  }

  // ---- frameworks ----

  @Override
  public void addFramework(String frameworkId, FrameworkSpec spec, Map<String, Resources> usedByAgent, boolean active) {
    if (frameworks.containsKey(frameworkId)) {
      throw new IllegalArgumentException("framework '" + frameworkId + "' is already added; use updateFramework");
    }
    FrameworkState fw = new FrameworkState(frameworkId, spec, active, bulkSkips.clone());
    frameworks.put(frameworkId, fw);
    for (String role : spec.roles()) {
      subscribe(fw, role).suppressed = spec.suppressedRoles().contains(role);
    }
    // Usage the agents reported before the framework came back is authoritative.
    Set<String> pending = pendingUsage.remove(frameworkId);
    if (pending != null) {
      for (String agentId : pending) {
        AgentState a = agents.get(agentId);
        track(fw, a, a.unattributed.remove(frameworkId));
      }
    }
    usedByAgent.forEach((agentId, used) -> {
      AgentState a = agents.get(agentId);
      if (a != null && (pending == null || !pending.contains(agentId))) {
        track(fw, a, take(a, frameworkId, used, "framework " + frameworkId));
      }
    });
    LOG.debug("added framework frameworkId={} roles={} active={}", frameworkId, spec.roles(), active);
    frameworkChanged(fw.subscriptions.values());
  }

  @Override
  public void updateFramework(String frameworkId, FrameworkSpec spec) {
    FrameworkState fw = framework(frameworkId);
    fw.spec = spec;
    for (String role : spec.roles()) {
      subscribe(fw, role).suppressed = spec.suppressedRoles().contains(role);
    }
    for (Subscription sub : List.copyOf(fw.subscriptions.values())) {
      if (!spec.roles().contains(sub.role)) {
        sub.subscribed = false;
        sub.suppressed = false;
        clearFilters(List.of(sub));
        roles.dropIfIdle(sub);
      }
    }
    frameworkChanged(fw.subscriptions.values());
  }

  @Override
  public void activateFramework(String frameworkId) {
    FrameworkState fw = framework(frameworkId);
    fw.active = true;
    frameworkChanged(fw.subscriptions.values());
  }

  @Override
  public void deactivateFramework(String frameworkId) {
    framework(frameworkId).active = false; // only less eligible: agent memos stay valid
  }

  @Override
  public void removeFramework(String frameworkId) {
    FrameworkState fw = frameworks.remove(frameworkId);
    if (fw == null) {
      dropPendingUsage(frameworkId);
      return;
    }
    for (Map.Entry<String, Map<String, Resources>> e : List.copyOf(fw.held.entrySet())) {
      AgentState a = agents.get(e.getKey());
      for (Map.Entry<String, Resources> byRole : List.copyOf(e.getValue().entrySet())) {
        untrack(fw, fw.subscriptions.get(byRole.getKey()), a, byRole.getValue());
        give(a, frameworkId, byRole.getValue());
      }
      markCandidate(a);
    }
    clearFilters(fw.subscriptions.values());
    for (Subscription sub : List.copyOf(fw.subscriptions.values())) {
      sub.subscribed = false;
      roles.dropIfIdle(sub);
    }
    LOG.debug("removed framework frameworkId={}", frameworkId);
  }

  @Override
  public void suppressOffers(String frameworkId, Set<String> roles) {
    for (Subscription sub : subscriptions(framework(frameworkId), roles)) {
      sub.suppressed = true; // only less eligible: agent memos stay valid
    }
  }

  @Override
  public void reviveOffers(String frameworkId, Set<String> roles) {
    List<Subscription> revived = subscriptions(framework(frameworkId), roles);
    for (Subscription sub : revived) {
      sub.suppressed = false;
    }
    clearFilters(revived);
    frameworkChanged(revived);
  }

  @Override
  public void updateWeights(Map<String, Double> newWeights) {
    newWeights.forEach((role, w) -> {
      if (w == null || !(w > 0) || w.isInfinite()) {
        throw new IllegalArgumentException("weight of role '" + role + "' is " + w + "; expected a positive finite number");
      }
    });
    roles.updateWeights(newWeights);
  }

  @Override
  public void setDraining(String agentId, boolean drain) {
    if (agentId == null || agentId.isEmpty()) {
      throw new IllegalArgumentException("agent id is empty; expected the id of the agent to drain");
    }
    if (drain) {
      draining.add(agentId);
    } else {
      draining.remove(agentId);
    }
    AgentState a = agents.get(agentId);
    if (a != null && a.draining != drain) {
      a.draining = drain;
      a.version++;
      if (!drain) {
        markCandidate(a);
      }
    }
  }

  @Override
  public void updateQuota(String role, Quota quota) {
    if (role == null || role.isEmpty()) {
      throw new IllegalArgumentException("quota role is empty; expected a role like 'eng' or 'eng/ml'");
    }
    if (quota == null || quota.isEmpty()) {
      quotas.remove(role);
    } else {
      quotas.put(role, quota);
    }
    markAllCandidates();
  }

  @Override
  public Map<String, Quota> quotas() {
    return Collections.unmodifiableMap(new TreeMap<>(quotas));
  }

  // ---- agents ----

  @Override
  public void addAgent(String agentId, AgentSpec spec, Map<String, Resources> usedByFramework) {
    if (agents.containsKey(agentId)) {
      throw new IllegalArgumentException("agent '" + agentId + "' is already added");
    }
    AgentState a = new AgentState(agentId, spec);
    a.draining = draining.contains(agentId);
    agents.put(agentId, a);
    roles.totals().add(spec.total());
    usedByFramework.forEach((frameworkId, used) -> {
      Resources taken = take(a, frameworkId, used, "agent " + agentId);
      FrameworkState fw = frameworks.get(frameworkId);
      if (fw != null) {
        track(fw, a, taken);
      } else if (!taken.isEmpty()) {
        a.unattributed.merge(frameworkId, taken, Resources::plus);
        pendingUsage.computeIfAbsent(frameworkId, k -> new HashSet<>()).add(agentId);
      }
    });
    markCandidate(a);
    LOG.debug("added agent agentId={} total={}", agentId, spec.total());
  }

  @Override
  public void removeAgent(String agentId) {
    AgentState a = agents.remove(agentId);
    if (a == null) {
      return;
    }
    a.removed = true; // may still be in candidates
    roles.totals().remove(a.spec.total());
    for (String frameworkId : a.byFramework.keySet()) {
      FrameworkState fw = frameworks.get(frameworkId);
      if (fw == null) {
        Set<String> pending = pendingUsage.get(frameworkId);
        if (pending != null && pending.remove(agentId) && pending.isEmpty()) {
          pendingUsage.remove(frameworkId);
        }
        continue;
      }
      Map<String, Resources> byRole = fw.held.get(agentId);
      if (byRole != null) {
        for (Map.Entry<String, Resources> e : List.copyOf(byRole.entrySet())) {
          untrack(fw, fw.subscriptions.get(e.getKey()), a, e.getValue());
        }
      }
    }
    for (Subscription sub : a.filters.subscriptions()) {
      sub.filterCount--;
    }
    LOG.debug("removed agent agentId={}", agentId);
  }

  @Override
  public void activateAgent(String agentId) {
    AgentState a = agent(agentId);
    a.active = true;
    a.version++;
    markCandidate(a);
  }

  @Override
  public void deactivateAgent(String agentId) {
    AgentState a = agent(agentId);
    a.active = false;
    a.version++;
  }

  // ---- resources ----

  @Override
  public void recoverResources(String frameworkId, String agentId, Resources resources, double refuseSeconds,
      long nowNanos) {
    AgentState a = agents.get(agentId);
    if (a == null || resources.isEmpty()) {
      return; // removeAgent already freed everything
    }
    Resources remaining = resources;
    Resources pending = a.unattributed.get(frameworkId);
    if (pending != null) {
      Resources back = pending.intersection(remaining);
      give(a, frameworkId, back);
      putOrRemove(a.unattributed, frameworkId, pending.minus(back));
      remaining = remaining.minus(back);
    }
    FrameworkState fw = frameworks.get(frameworkId);
    Map<String, Resources> byRole = fw == null ? null : fw.held.get(agentId);
    if (byRole != null) {
      // A framework holding the same resources in two roles gives back from roles in name order.
      for (Map.Entry<String, Resources> e : new TreeMap<>(byRole).entrySet()) {
        Resources back = e.getValue().intersection(remaining);
        if (back.isEmpty()) {
          continue;
        }
        Subscription sub = fw.subscriptions.get(e.getKey());
        untrack(fw, sub, a, back);
        give(a, frameworkId, back);
        remaining = remaining.minus(back);
        if (refuseSeconds > 0 && sub.subscribed) {
          if (a.filters.put(sub, back, expiry(nowNanos, refuseSeconds))) {
            sub.filterCount++;
          }
        }
      }
    }
    if (!remaining.isEmpty()) {
      LOG.debug("recovered resources not held frameworkId={} agentId={} resources={}", frameworkId, agentId, remaining);
    }
    markCandidate(a);
  }

  /** now + max(refuseSeconds, interval), saturating. */
  private long expiry(long nowNanos, double refuseSeconds) {
    double nanos = Math.max(refuseSeconds * 1e9, intervalNanos);
    if (nanos >= Long.MAX_VALUE - (double) Math.max(0, nowNanos)) {
      return Long.MAX_VALUE;
    }
    return nowNanos + (long) nanos;
  }

  // ---- runs ----

  @Override
  public List<Allocation> allocate(long nowNanos) {
    List<Allocation> out = new ArrayList<>();
    QuotaRun quota = quotas.isEmpty() ? null : new QuotaRun(quotas, frameworks.values(), agents.values(), minCpusMillis, minMemMillis);
    AgentWalk walk = new AgentWalk(this, nowNanos, out, quota);
    Collection<AgentState> walked = allCandidates ? agents.values() : candidates;
    if (quota != null && quota.anyNeed()) {
      // Stage 1: unmet guarantees first, over every agent (a guarantee may need any of them).
      walk.stage(1);
      for (AgentState a : agents.values()) {
        walk.walk(a);
      }
      walk.stage(2);
      walked = agents.values();
    }
    for (AgentState a : walked) {
      if (!a.removed) {
        walk.walk(a);
      }
    }
    walk.finish();
    if (quota != null) {
      out = merged(out);
    }
    for (AgentState a : candidates) {
      a.candidate = false;
    }
    candidates.clear();
    allCandidates = false;
    return out;
  }

  /** One allocation per (framework, role, agent): stage 1 and stage 2 offers on an agent added up. */
  private static List<Allocation> merged(List<Allocation> out) {
    Map<List<String>, Resources> byKey = new LinkedHashMap<>();
    for (Allocation a : out) {
      byKey.merge(List.of(a.frameworkId(), a.role(), a.agentId()), a.resources(), Resources::plus);
    }
    if (byKey.size() == out.size()) {
      return out;
    }
    List<Allocation> merged = new ArrayList<>(byKey.size());
    byKey.forEach((k, r) -> merged.add(new Allocation(k.get(0), k.get(1), k.get(2), r)));
    return merged;
  }

  /** Called by {@link AgentWalk} after an agent's walk, so the next agent sees the new shares. */
  void offer(Subscription sub, AgentState a, Resources resources, List<Allocation> out) {
    // resources were computed from a.free(), so no need to clamp like take() does
    a.allocated = a.allocated.plus(resources);
    a.byFramework.merge(sub.framework.id, resources, Resources::plus);
    a.version++;
    track(sub.framework, sub, a, resources);
    out.add(new Allocation(sub.framework.id, sub.role, a.id, resources));
  }

  @Override
  public void markAllCandidates() {
    allCandidates = true;
  }

  @Override
  public boolean hasCandidates() {
    return allCandidates || !candidates.isEmpty();
  }

  @Override
  public Resources allocated(String frameworkId, String agentId) {
    AgentState a = agents.get(agentId);
    return a == null ? Resources.EMPTY : a.byFramework.getOrDefault(frameworkId, Resources.EMPTY);
  }

  @Override
  public double dominantShare(String frameworkId) {
    FrameworkState fw = frameworks.get(frameworkId);
    double share = 0;
    if (fw != null) {
      for (String role : fw.subscriptions.keySet()) {
        share = Math.max(share, roles.frameworkShare(role, frameworkId));
      }
    }
    return share;
  }

  @Override
  public Map<String, Map<SkipReason, Long>> skipCounts() {
    Map<String, Map<SkipReason, Long>> out = new TreeMap<>();
    for (FrameworkState fw : frameworks.values()) {
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

  @Override
  public Map<String, Map<String, Map<SkipReason, Long>>> skipCountsByRole() {
    Map<String, Map<String, Map<SkipReason, Long>>> out = new TreeMap<>();
    for (FrameworkState fw : frameworks.values()) {
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

  /** Agents a run skipped in O(1) because nothing changed since a run found nothing to offer. */
  public long unchangedAgentSkips() {
    return memoHits;
  }

  @Override
  public java.util.SortedMap<String, RoleSummary> roles() {
    Map<String, Resources> allocated = new HashMap<>();
    Map<String, List<String>> members = new HashMap<>();
    for (FrameworkState fw : frameworks.values()) {
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
    java.util.SortedMap<String, RoleSummary> out = new TreeMap<>();
    for (String path : paths) {
      List<String> fws = members.getOrDefault(path, new ArrayList<>());
      Collections.sort(fws);
      out.put(path, new RoleSummary(path, roles.weight(path), roles.roleShare(path),
          allocated.getOrDefault(path, Resources.EMPTY), fws, roles.isRole(path)));
    }
    return Collections.unmodifiableSortedMap(out);
  }

  /** A role's weighted dominant share (its whole subtree's), as its parent's sorter computes it. */
  public double roleShare(String role) {
    return roles.roleShare(role);
  }

  /** Throws IllegalStateException if an agent's allocation is not its frameworks' sum or exceeds its total. */
  void checkInvariants() {
    for (AgentState a : agents.values()) {
      Resources sum = a.byFramework.values().stream().reduce(Resources.EMPTY, Resources::plus);
      if (!sum.equals(a.allocated) || !a.spec.total().contains(a.allocated)) {
        throw new IllegalStateException("agent " + a.id + ": allocated " + a.allocated + ", frameworks hold " + sum
            + ", total " + a.spec.total());
      }
    }
  }

  // ---- bookkeeping helpers ----

  /** Adds what of {@code used} is free to what the framework holds on the agent; returns that part. */
  private Resources take(AgentState a, String frameworkId, Resources used, String source) {
    Resources taken = used.intersection(a.free());
    if (!taken.equals(used)) {
      LOG.warn("usage exceeds free resources, keeping the free part source={} agentId={} frameworkId={} used={} free={}",
          source, a.id, frameworkId, used, a.free());
    }
    if (!taken.isEmpty()) {
      a.allocated = a.allocated.plus(taken);
      a.byFramework.merge(frameworkId, taken, Resources::plus);
      a.version++;
    }
    return taken;
  }

  /** Frees resources the framework held on the agent. */
  private void give(AgentState a, String frameworkId, Resources back) {
    if (!back.isEmpty()) {
      a.allocated = a.allocated.minus(back);
      putOrRemove(a.byFramework, frameworkId, a.byFramework.getOrDefault(frameworkId, Resources.EMPTY).minus(back));
      a.version++;
    }
  }

  /** Attributes usage to the framework's roles: reserved parts to their role, the rest to its first role. */
  private void track(FrameworkState fw, AgentState a, Resources used) {
    if (used == null || used.isEmpty()) {
      return;
    }
    Resources rest = used;
    for (String role : used.reservationRoles()) {
      Resources part = used.reservedTo(role);
      track(fw, roles.subscription(fw, role), a, part);
      rest = rest.minus(part);
    }
    if (!rest.isEmpty()) {
      String role = fw.spec.roles().isEmpty() ? DEFAULT_ROLE : new TreeSet<>(fw.spec.roles()).first();
      track(fw, roles.subscription(fw, role), a, rest);
    }
  }

  private void track(FrameworkState fw, Subscription sub, AgentState a, Resources r) {
    Map<String, Resources> byRole = fw.held.computeIfAbsent(a.id, k -> new HashMap<>());
    if (byRole.merge(sub.role, r, Resources::plus) == r) {
      sub.agentsHeld++;
    }
    roles.allocated(sub, a.id, r);
  }

  private void untrack(FrameworkState fw, Subscription sub, AgentState a, Resources r) {
    Map<String, Resources> byRole = fw.held.get(a.id);
    Resources left = byRole.get(sub.role).minus(r);
    putOrRemove(byRole, sub.role, left);
    if (byRole.isEmpty()) {
      fw.held.remove(a.id);
    }
    roles.unallocated(sub, a.id, r);
    if (left.isEmpty()) {
      sub.agentsHeld--;
      roles.dropIfIdle(sub);
    }
  }

  private Subscription subscribe(FrameworkState fw, String role) {
    Subscription sub = roles.subscription(fw, role);
    sub.subscribed = true;
    return sub;
  }

  private void dropPendingUsage(String frameworkId) {
    Set<String> pending = pendingUsage.remove(frameworkId);
    if (pending != null) {
      for (String agentId : pending) {
        AgentState a = agents.get(agentId);
        give(a, frameworkId, a.unattributed.remove(frameworkId));
        markCandidate(a);
      }
    }
  }

  private List<Subscription> subscriptions(FrameworkState fw, Set<String> roleNames) {
    List<Subscription> out = new ArrayList<>();
    for (Subscription sub : fw.subscriptions.values()) {
      if (sub.subscribed && (roleNames.isEmpty() || roleNames.contains(sub.role))) {
        out.add(sub);
      }
    }
    return out;
  }

  /** Subscriptions that may have become eligible anywhere: log them and look at all agents. */
  private void frameworkChanged(Collection<Subscription> changed) {
    changeLog.append(changed);
    markAllCandidates();
  }

  /** Removes the subscriptions' decline filters from every agent. */
  private void clearFilters(Collection<Subscription> subs) {
    for (Subscription sub : subs) {
      if (sub.filterCount > 0) {
        for (AgentState a : agents.values()) {
          if (a.filters.remove(sub) && --sub.filterCount == 0) {
            break;
          }
        }
        sub.filterCount = 0;
      }
    }
  }

  private void markCandidate(AgentState a) {
    if (!a.candidate) {
      a.candidate = true;
      candidates.add(a);
    }
  }

  private FrameworkState framework(String frameworkId) {
    FrameworkState fw = frameworks.get(frameworkId);
    if (fw == null) {
      throw new IllegalArgumentException("framework '" + frameworkId + "' is not known to the allocator");
    }
    return fw;
  }

  private AgentState agent(String agentId) {
    AgentState a = agents.get(agentId);
    if (a == null) {
      throw new IllegalArgumentException("agent '" + agentId + "' is not known to the allocator");
    }
    return a;
  }

  private static void putOrRemove(Map<String, Resources> map, String key, Resources value) {
    if (value.isEmpty()) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  private static java.util.function.Function<DrfSorter.Totals, Sorter> sorters(AllocatorOptions.FrameworkSorter kind) {
    return kind == AllocatorOptions.FrameworkSorter.RANDOM
        ? totals -> new RandomSorter(totals, new java.util.Random())
        : DrfSorter::new;
  }
}
