package io.meso.allocator;

import java.util.HashMap;
import java.util.Map;

/**
 * What {@link HierarchicalAllocator} tracks per agent.
 *
 * <p>Invariants: {@code allocated} is the sum of {@code byFramework}, and
 * {@code spec.total().contains(allocated)}: nothing is offered twice at once.
 */
final class AgentState {

  final String id;
  final AgentSpec spec;
  /** GPU agents are offered only to GPU-aware frameworks. */
  final boolean gpu;
  boolean active = true;
  /** Draining for maintenance: no new offers; what runs there is left alone. */
  boolean draining;
  Resources allocated = Resources.EMPTY;
  /** What each framework holds here (offered or used), over all its roles. */
  final Map<String, Resources> byFramework = new HashMap<>();
  /** The part of {@link #byFramework} held by frameworks the allocator does not know yet. */
  final Map<String, Resources> unattributed = new HashMap<>();

  /** Decline filters on this agent, by (framework, role), with their bitset index. */
  final FilterSet filters = new FilterSet();

  boolean candidate;
  /** Removed from the allocator (an agent re-added under the same id is a new state). */
  boolean removed;
  /** Bumped whenever what could be offered here changes (allocation, activity). */
  long version;

  /*
   * Memo of the last run that looked at this agent and offered nothing. While the agent is
   * unchanged (version) and no filter that blocked it expired (until), only subscriptions that
   * became more eligible since (the allocator's change log after logPosition) can change that,
   * so a run re-checks just those, or nothing at all. This is what makes a filtered
   * (framework, agent) pair cost nothing per run.
   */
  long memoLogPosition = -1;
  long memoVersion = -1;
  long memoUntil;

  AgentState(String id, AgentSpec spec) {
    this.id = id;
    this.spec = spec;
    this.gpu = spec.total().hasGpus();
  }

  /*
   * The free resources are returned as the object the filters here share (FilterSet.shared)
   * when equal to it (in Mesos's DeclineOffers shape every framework refuses the same free
   * resources), so the filter check of a walk is a bit test and an identity comparison rather
   * than a walk over a thousand scattered copies.
   */
  private Resources freeCache;
  private long freeVersion = -1;

  /** Total minus allocated; recomputed only when {@link #version} changed. */
  Resources free() {
    if (freeVersion != version || freeCache == null) {
      Resources f = spec.total().minus(allocated);
      Resources shared = filters.shared;
      freeCache = f.equals(shared) ? shared : f;
      freeVersion = version;
    }
    return freeCache;
  }
}
