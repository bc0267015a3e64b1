package io.meso.allocator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What keeps a (framework, role) {@link Subscription} from being offered resources it does not
 * want: suppression (no offers at all until revived) and decline filters (not the agent's
 * resources it refused, for a while). A filter is kept on its agent ({@link AgentState#filters})
 * and counted on the subscription ({@link Subscription#filterCount}), so clearing a
 * subscription's filters visits agents only while some are left.
 */
final class OfferFilters {

  private final long intervalNanos;
  private final Collection<AgentState> agents;

  /** {@code agents}: the allocator's live view of its agents; filters last at least {@code intervalNanos}. */
  OfferFilters(long intervalNanos, Collection<AgentState> agents) {
    this.intervalNanos = intervalNanos;
    this.agents = agents;
  }

  /** The subscribed subscriptions of the framework in {@code roleNames} (all of them if empty). */
  static List<Subscription> subscriptions(FrameworkState fw, Set<String> roleNames) {
    List<Subscription> out = new ArrayList<>();
    for (Subscription sub : fw.subscriptions.values()) {
      if (sub.subscribed && (roleNames.isEmpty() || roleNames.contains(sub.role))) {
        out.add(sub);
      }
    }
    return out;
  }

  void suppress(Collection<Subscription> subs) {
    for (Subscription sub : subs) {
      sub.suppressed = true; // only less eligible: agent memos stay valid
    }
  }

  /** Ends suppression and removes the decline filters of the subscriptions. */
  void revive(Collection<Subscription> subs) {
    for (Subscription sub : subs) {
      sub.suppressed = false;
    }
    clear(subs);
  }

  /** The subscription declined {@code refused} on the agent: not offered it again for {@code refuseSeconds}. */
  void decline(AgentState a, Subscription sub, Resources refused, double refuseSeconds, long nowNanos) {
    if (a.filters.put(sub, refused, expiry(nowNanos, refuseSeconds))) {
      sub.filterCount++;
    }
  }

  /** Removes the subscriptions' decline filters from every agent. */
  void clear(Collection<Subscription> subs) {
    for (Subscription sub : subs) {
      if (sub.filterCount > 0) {
        for (AgentState a : agents) {
          if (a.filters.remove(sub) && --sub.filterCount == 0) {
            break;
          }
        }
        sub.filterCount = 0;
      }
    }
  }

  /** The agent left the allocator: its filters no longer count. */
  void agentRemoved(AgentState a) {
    for (Subscription sub : a.filters.subscriptions()) {
      sub.filterCount--;
    }
  }

  /** now + max(refuseSeconds, interval), saturating. */
  private long expiry(long nowNanos, double refuseSeconds) {
    double nanos = Math.max(refuseSeconds * 1e9, intervalNanos);
    if (nanos >= Long.MAX_VALUE - (double) Math.max(0, nowNanos)) {
      return Long.MAX_VALUE;
    }
    return nowNanos + (long) nanos;
  }
}
