package io.meso.allocator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allocator: hierarchical weighted DRF (a tree of roles such as {@code eng/ml} whose
 * shares roll up, then frameworks within a role), with quota (limits never exceeded,
 * guarantees served in a first stage with headroom held back; see {@link QuotaRun}), decline
 * filters, suppress/revive, GPU gating, minimum allocatable resources, static reservations
 * (offered to their role and its descendants) and maintenance drain.
 *
 * <p>This class takes the calls and coordinates; who holds what lives in {@link Ledger}, decline
 * filters and suppression in {@link OfferFilters}, the agents the next run visits in
 * {@link Candidates}, the two DRF levels in {@link RoleTree}, one run's walk over an agent in
 * {@link AgentWalk}, and the read-only views in {@link AllocatorReports}. A run visits the
 * candidate agents in the order they were added and offers each agent's free resources, role
 * by role in DRF order, to the first eligible framework of the role; the sorters are updated
 * after each agent, so the next agent sees the new shares.
 *
 * <p>Invariant: on every agent, allocated (offered or used) is contained in the total, so
 * nothing is offered twice at once; resources come back on {@link #recoverResources},
 * {@link #removeFramework} and {@link #removeAgent}.
 */
public final class HierarchicalAllocator implements Allocator {

  private static final Logger LOG = LoggerFactory.getLogger(HierarchicalAllocator.class);
  private static final int REASONS = SkipReason.values().length;

  final long minCpusMillis;
  final long minMemMillis;

  final RoleTree roles;
  private final Candidates candidates = new Candidates();
  private final Ledger ledger;
  private final OfferFilters filters;
  /** Agents draining for maintenance, by id (kept while the agent is away). */
  private final Set<String> draining = new HashSet<>();
  /** Quota by role path (only non-empty quotas). */
  private final Map<String, Quota> quotas = new HashMap<>();
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
    this.minCpusMillis = ResourceParser.toMillis(options.getMinAllocatableCpus());
    this.minMemMillis = ResourceParser.toMillis(options.getMinAllocatableMemMb());
    this.roles = new RoleTree(sorters(options.getFrameworkSorter()), sorters(options.getRoleSorter()));
    this.ledger = new Ledger(roles, candidates);
    this.filters = new OfferFilters(options.getAllocationInterval().toNanos(), ledger.agents.values());
  }

  // ---- frameworks ----

  @Override
  public void addFramework(String frameworkId, FrameworkSpec spec, Map<String, Resources> usedByAgent, boolean active) {
    if (ledger.frameworks.containsKey(frameworkId)) {
      throw new IllegalArgumentException("framework '" + frameworkId + "' is already added; use updateFramework");
    }
    FrameworkState fw = new FrameworkState(frameworkId, spec, active, bulkSkips.clone());
    ledger.frameworks.put(frameworkId, fw);
    for (String role : spec.roles()) {
      ledger.subscribe(fw, role).suppressed = spec.suppressedRoles().contains(role);
    }
    ledger.addUsage(fw, usedByAgent);
    LOG.debug("added framework frameworkId={} roles={} active={}", frameworkId, spec.roles(), active);
    frameworkChanged(fw.subscriptions.values());
  }

  @Override
  public void updateFramework(String frameworkId, FrameworkSpec spec) {
    FrameworkState fw = ledger.framework(frameworkId);
    fw.spec = spec;
    for (String role : spec.roles()) {
      ledger.subscribe(fw, role).suppressed = spec.suppressedRoles().contains(role);
    }
    for (Subscription sub : List.copyOf(fw.subscriptions.values())) {
      if (!spec.roles().contains(sub.role)) {
        sub.subscribed = false;
        sub.suppressed = false;
        filters.clear(List.of(sub));
        roles.dropIfIdle(sub);
      }
    }
    frameworkChanged(fw.subscriptions.values());
  }

  @Override
  public void activateFramework(String frameworkId) {
    FrameworkState fw = ledger.framework(frameworkId);
    fw.active = true;
    frameworkChanged(fw.subscriptions.values());
  }

  @Override
  public void deactivateFramework(String frameworkId) {
    ledger.framework(frameworkId).active = false; // only less eligible: agent memos stay valid
  }

  @Override
  public void removeFramework(String frameworkId) {
    FrameworkState fw = ledger.frameworks.remove(frameworkId);
    if (fw == null) {
      ledger.dropPendingUsage(frameworkId);
      return;
    }
    ledger.release(fw);
    filters.clear(fw.subscriptions.values());
    for (Subscription sub : List.copyOf(fw.subscriptions.values())) {
      sub.subscribed = false;
      roles.dropIfIdle(sub);
    }
    LOG.debug("removed framework frameworkId={}", frameworkId);
  }

  @Override
  public void suppressOffers(String frameworkId, Set<String> roles) {
    filters.suppress(OfferFilters.subscriptions(ledger.framework(frameworkId), roles));
  }

  @Override
  public void reviveOffers(String frameworkId, Set<String> roles) {
    List<Subscription> revived = OfferFilters.subscriptions(ledger.framework(frameworkId), roles);
    filters.revive(revived);
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
    AgentState a = ledger.agents.get(agentId);
    if (a != null && a.draining != drain) {
      a.draining = drain;
      a.version++;
      if (!drain) {
        candidates.mark(a);
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
    if (ledger.agents.containsKey(agentId)) {
      throw new IllegalArgumentException("agent '" + agentId + "' is already added");
    }
    AgentState a = new AgentState(agentId, spec);
    a.draining = draining.contains(agentId);
    ledger.agents.put(agentId, a);
    roles.totals().add(spec.total());
    ledger.addUsage(a, usedByFramework);
    candidates.mark(a);
    LOG.debug("added agent agentId={} total={}", agentId, spec.total());
  }

  @Override
  public void removeAgent(String agentId) {
    AgentState a = ledger.agents.remove(agentId);
    if (a == null) {
      return;
    }
    a.removed = true; // may still be in candidates
    roles.totals().remove(a.spec.total());
    ledger.unbook(a);
    filters.agentRemoved(a);
    LOG.debug("removed agent agentId={}", agentId);
  }

  @Override
  public void activateAgent(String agentId) {
    AgentState a = ledger.agent(agentId);
    a.active = true;
    a.version++;
    candidates.mark(a);
  }

  @Override
  public void deactivateAgent(String agentId) {
    AgentState a = ledger.agent(agentId);
    a.active = false;
    a.version++;
  }

  // ---- resources ----

  @Override
  public void recoverResources(String frameworkId, String agentId, Resources resources, double refuseSeconds,
      long nowNanos) {
    AgentState a = ledger.agents.get(agentId);
    if (a == null || resources.isEmpty()) {
      return; // removeAgent already freed everything
    }
    Resources remaining = ledger.recover(frameworkId, a, resources, (sub, back) -> {
      if (refuseSeconds > 0 && sub.subscribed) {
        filters.decline(a, sub, back, refuseSeconds, nowNanos);
      }
    });
    if (!remaining.isEmpty()) {
      LOG.debug("recovered resources not held frameworkId={} agentId={} resources={}", frameworkId, agentId, remaining);
    }
    candidates.mark(a);
  }

  // ---- runs ----

  @Override
  public List<Allocation> allocate(long nowNanos) {
    List<Allocation> out = new ArrayList<>();
    Collection<AgentState> agents = ledger.agents.values();
    QuotaRun quota = quotas.isEmpty() ? null
        : new QuotaRun(quotas, ledger.frameworks.values(), agents, minCpusMillis, minMemMillis);
    AgentWalk walk = new AgentWalk(this, nowNanos, out, quota);
    Collection<AgentState> walked = candidates.toVisit(agents);
    if (quota != null && quota.anyNeed()) {
      // Stage 1: unmet guarantees first, over every agent (a guarantee may need any of them).
      walk.stage(1);
      for (AgentState a : agents) {
        walk.walk(a);
      }
      walk.stage(2);
      walked = agents;
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
    candidates.clear();
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
    ledger.offer(sub, a, resources, out);
  }

  @Override
  public void markAllCandidates() {
    candidates.markAll();
  }

  @Override
  public boolean hasCandidates() {
    return candidates.any();
  }

  // ---- views ----

  @Override
  public Resources allocated(String frameworkId, String agentId) {
    AgentState a = ledger.agents.get(agentId);
    return a == null ? Resources.EMPTY : a.byFramework.getOrDefault(frameworkId, Resources.EMPTY);
  }

  @Override
  public double dominantShare(String frameworkId) {
    return AllocatorReports.dominantShare(ledger.frameworks.get(frameworkId), roles);
  }

  @Override
  public Map<String, Map<SkipReason, Long>> skipCounts() {
    return AllocatorReports.skipCounts(ledger.frameworks.values(), bulkSkips);
  }

  @Override
  public Map<String, Map<String, Map<SkipReason, Long>>> skipCountsByRole() {
    return AllocatorReports.skipCountsByRole(ledger.frameworks.values());
  }

  /** Agents a run skipped in O(1) because nothing changed since a run found nothing to offer. */
  public long unchangedAgentSkips() {
    return memoHits;
  }

  @Override
  public SortedMap<String, RoleSummary> roles() {
    return AllocatorReports.roles(ledger.frameworks.values(), roles);
  }

  /** A role's weighted dominant share (its whole subtree's), as its parent's sorter computes it. */
  public double roleShare(String role) {
    return roles.roleShare(role);
  }

  /** Throws IllegalStateException if an agent's allocation is not its frameworks' sum or exceeds its total. */
  void checkInvariants() {
    ledger.checkInvariants();
  }

  /** Subscriptions that may have become eligible anywhere: log them and look at all agents. */
  private void frameworkChanged(Collection<Subscription> changed) {
    changeLog.append(changed);
    markAllCandidates();
  }

  private static java.util.function.Function<DrfSorter.Totals, Sorter> sorters(AllocatorOptions.FrameworkSorter kind) {
    return kind == AllocatorOptions.FrameworkSorter.RANDOM
        ? totals -> new RandomSorter(totals, new java.util.Random())
        : DrfSorter::new;
  }
}
