/**
 * The allocation core, plain Java with no Vert.x: {@link io.meso.allocator.Resources} (an
 * immutable bag of scalars, ranges and sets, statically reserved or not), the
 * {@link io.meso.allocator.Sorter} fairness policy and its weighted DRF implementation
 * {@link io.meso.allocator.DrfSorter}, and {@link io.meso.allocator.HierarchicalAllocator},
 * which takes the events and runs allocations (who holds what is booked in {@code Ledger},
 * decline filters and suppression in {@code OfferFilters}, the agents to visit in
 * {@code Candidates}), and names every reason an agent was not offered to a framework
 * ({@link io.meso.allocator.SkipReason}).
 *
 * <pre>
 *   events ──► HierarchicalAllocator ── marks candidate agents
 *   allocate(now): for each candidate agent (AgentWalk)
 *       roles in DRF order (RoleTree: role sorter)
 *         frameworks in DRF order (per-role sorter)
 *           inactive? suppressed? GPU-gated? filtered? ──► skip, count reason
 *           first eligible ──► Allocation(framework, role, agent, free resources of the role)
 * </pre>
 */
package io.meso.allocator;
