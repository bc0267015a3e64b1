package io.meso.allocator;

import java.util.List;
import java.util.function.Predicate;

/**
 * A fairness policy: orders clients (role names, or framework ids within a role) so that the
 * client furthest below its weighted fair share comes first. It knows nothing about offers,
 * filters or quota; the allocator owns those and only tells the sorter what each client holds
 * and what the cluster has.
 *
 * <p>Totals are sums: the agent id passed with them is informational, so a caller may add the
 * cluster total in one call.
 */
public interface Sorter {

  /** Adds a client with weight 1 and nothing allocated; adding a present client does nothing. */
  void add(String client);

  /** Removes a client and forgets its allocation. */
  void remove(String client);

  boolean contains(String client);

  int size();

  /** Sets a client's weight (positive, finite); a client with weight 2 is entitled to twice the share. */
  void updateWeight(String client, double weight);

  /** The client now also holds {@code resources} on {@code agentId}. */
  void allocated(String client, String agentId, Resources resources);

  /** The client gave back {@code resources} on {@code agentId} (clamped at what it holds). */
  void unallocated(String client, String agentId, Resources resources);

  void addTotal(String agentId, Resources resources);

  void removeTotal(String agentId, Resources resources);

  /** Clients in order, furthest below their weighted fair share first. */
  List<String> sort();

  /**
   * Visits clients in {@link #sort()} order, without copying, until {@code visitor} returns
   * false. The visitor must not change this sorter.
   */
  void visit(Predicate<String> visitor);

  /** The client's current (weighted) share, the key {@link #sort()} orders by; 0 when unknown. */
  double share(String client);
}
