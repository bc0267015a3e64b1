package io.meso.allocator;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The allocation core: tracks agents, frameworks and what each framework holds, and decides
 * which framework is offered which agent's free resources. Plain Java, single-threaded (the
 * allocator verticle owns it), no {@code io.vertx} imports, so it can be unit-tested and
 * benchmarked directly.
 *
 * <p>Events only mark agents as candidates; {@link #allocate(long)} does one allocation run
 * over the candidates (and, when the caller asks for it, every agent) and returns what to offer.
 * Resources handed out by a run count as allocated to the framework until they come back
 * through {@link #recoverResources}.
 *
 * <p>Time is passed in (nanoseconds on any monotonic clock) so that decline filters can be
 * tested without waiting.
 */
public interface Allocator {

  /** Adds a framework; {@code used} is what it already holds per agent (on failover). */
  void addFramework(String frameworkId, FrameworkSpec spec, Map<String, Resources> usedByAgent, boolean active);

  void updateFramework(String frameworkId, FrameworkSpec spec);

  /** An active framework receives offers; a disconnected one does not. */
  void activateFramework(String frameworkId);

  void deactivateFramework(String frameworkId);

  /** Removes a framework; what it held on agents becomes free. */
  void removeFramework(String frameworkId);

  /**
   * Adds an agent with its total resources; {@code usedByFramework} maps framework id to what
   * that framework's tasks already use there (re-registration).
   */
  void addAgent(String agentId, AgentSpec spec, Map<String, Resources> usedByFramework);

  void removeAgent(String agentId);

  /** An inactive (unreachable) agent is not offered. */
  void activateAgent(String agentId);

  void deactivateAgent(String agentId);

  /**
   * Gives resources back: a declined or rescinded offer, the unused part of an accepted one,
   * or a finished task's resources. With {@code refuseSeconds > 0} the framework's role gets a
   * decline filter for this agent: it is not offered this agent again, for
   * max(refuseSeconds, allocation interval), unless the new offer is not a subset of what it
   * refused.
   */
  void recoverResources(String frameworkId, String agentId, Resources resources, double refuseSeconds, long nowNanos);

  /** Stops offers to the given roles of the framework (all of its roles when empty). */
  void suppressOffers(String frameworkId, Set<String> roles);

  /** Clears the roles' filters and un-suppresses them (all of the framework's roles when empty). */
  void reviveOffers(String frameworkId, Set<String> roles);

  /** Sets role weights (default 1.0); weights must be positive and finite. */
  void updateWeights(Map<String, Double> weights);

  /**
   * One allocation run at {@code nowNanos} over the candidate agents marked since the last run.
   * Returns the offers to make, at most one {@link Allocation} per (framework, role, agent).
   */
  List<Allocation> allocate(long nowNanos);

  /** Marks every agent a candidate (the interval timer's full run). */
  void markAllCandidates();

  /** Whether events marked candidates since the last run. */
  boolean hasCandidates();

  /** Resources a framework holds (offered or used) on an agent, for checks and the operator API. */
  Resources allocated(String frameworkId, String agentId);

  /** A framework's dominant share within its role, as the DRF sorter computes it. */
  double dominantShare(String frameworkId);

  /**
   * Why runs did not offer agents to each framework: counts by framework id, then by reason
   * (only reasons with a non-zero count). Cheap counters, for "why is my task not placed?".
   */
  default Map<String, Map<SkipReason, Long>> skipCounts() {
    return Map.of();
  }

  /**
   * The role-specific part of {@link #skipCounts()}: by framework id, then role, then reason
   * (reasons that are agent-wide, INACTIVE_AGENT and NO_FREE_RESOURCES, and a run stopped
   * because every role was at its quota limit, are not split by role).
   */
  default Map<String, Map<String, Map<SkipReason, Long>>> skipCountsByRole() {
    return Map.of();
  }

  /**
   * Starts or ends draining an agent for maintenance: a draining agent gets no new offers (its
   * tasks keep running). Remembered by agent id, so it holds across the agent's removal and
   * re-registration until ended.
   */
  void setDraining(String agentId, boolean draining);

  /**
   * Sets a role's quota (replacing the previous one; {@link Quota#NONE} removes it). Limits
   * apply to the role's whole subtree; guarantees are served before fair sharing.
   */
  void updateQuota(String role, Quota quota);

  /** Quotas by role path. */
  default Map<String, Quota> quotas() {
    return Map.of();
  }

  /**
   * Every role with frameworks, every ancestor of one, and every path with a weight set, by
   * path, for the operator API (GetRoles).
   */
  default java.util.SortedMap<String, RoleSummary> roles() {
    return new java.util.TreeMap<>();
  }
}
