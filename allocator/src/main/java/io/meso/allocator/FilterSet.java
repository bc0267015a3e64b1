package io.meso.allocator;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The decline filters on one agent, by (framework, role) {@link Subscription}, with two bitsets
 * indexed by {@link Subscription#index} so that an allocation run answers "is this pair
 * filtered?" from one word of memory the agent already has in cache instead of a hash lookup:
 *
 * <ul>
 *   <li>{@link #held}: bit i is set iff a filter of the subscription with index i is here;
 *   <li>{@link #refusesShared}: bit i is set iff that filter refuses exactly {@link #shared}, the
 *       one object that filters refusing equal resources share (and that
 *       {@link AgentState#free()} returns when the free resources are equal to it). An offer
 *       that is that object is a subset of what such a filter refused, so the check is a bit
 *       test and an identity comparison.
 * </ul>
 *
 * <p>Any other case (the offer is not {@link #shared}, the filter refused something else) falls
 * back to the filter itself: subset semantics, exactly as before. Expiry: {@link #minExpiry} is
 * at most the expiry of every filter here; a run calls {@link #purgeExpired} before looking at
 * the agent, so every filter held during a walk is live.
 *
 * <p>Memory: the map as before, plus 2 bits per subscription index up to the highest filtered
 * one (indexes are dense: the lowest free index is reused).
 */
final class FilterSet {

  private static final long[] NONE = new long[0];

  private final Map<Subscription, Subscription.DeclineFilter> filters = new HashMap<>();
  long[] held = NONE;
  long[] refusesShared = NONE;
  /** The last resources a filter here refused; filters refusing equal resources share this object. */
  Resources shared;
  /** No filter here expires before this (a lower bound; exact after {@link #purgeExpired}). */
  long minExpiry = Long.MAX_VALUE;

  /** Adds or replaces the subscription's filter; true if it had none. */
  boolean put(Subscription sub, Resources refused, long expiresAtNanos) {
    if (!refused.equals(shared)) {
      shared = refused;
      Arrays.fill(refusesShared, 0L); // the filters refusing the old object are checked in full
    }
    boolean added = filters.put(sub, new Subscription.DeclineFilter(shared, expiresAtNanos)) == null;
    int w = sub.index >>> 6;
    if (w >= held.length) {
      int n = Math.max(w + 1, held.length * 2);
      held = Arrays.copyOf(held, n);
      refusesShared = Arrays.copyOf(refusesShared, n);
    }
    held[w] |= 1L << sub.index;
    refusesShared[w] |= 1L << sub.index;
    minExpiry = Math.min(minExpiry, expiresAtNanos);
    return added;
  }

  Subscription.DeclineFilter get(Subscription sub) {
    return filters.get(sub);
  }

  /** Removes the subscription's filter; true if there was one. */
  boolean remove(Subscription sub) {
    if (filters.remove(sub) == null) {
      return false;
    }
    clearBits(sub.index);
    return true;
  }

  /** Whether a filter of the subscription with this index is here (expired or not). */
  boolean holds(int index) {
    int w = index >>> 6;
    return w < held.length && (held[w] & (1L << index)) != 0;
  }

  int size() {
    return filters.size();
  }

  Set<Subscription> subscriptions() {
    return filters.keySet();
  }

  /**
   * Removes the filters expired at {@code now} (each one's {@link Subscription#filterCount} goes
   * down); O(1) while none can have expired. Afterwards {@link #minExpiry} is exact.
   */
  void purgeExpired(long now) {
    if (now < minExpiry) {
      return;
    }
    long min = Long.MAX_VALUE;
    for (Iterator<Map.Entry<Subscription, Subscription.DeclineFilter>> it = filters.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Subscription, Subscription.DeclineFilter> e = it.next();
      long expiry = e.getValue().expiresAtNanos();
      if (now >= expiry) {
        it.remove();
        clearBits(e.getKey().index);
        e.getKey().filterCount--;
      } else {
        min = Math.min(min, expiry);
      }
    }
    minExpiry = min;
  }

  /** The earliest expiry of the filters of the subscriptions found filtered in walk {@code walk}. */
  long earliestExpiryFilteredIn(long walk) {
    long min = Long.MAX_VALUE;
    for (Map.Entry<Subscription, Subscription.DeclineFilter> e : filters.entrySet()) {
      if (e.getKey().filteredInWalk == walk) {
        min = Math.min(min, e.getValue().expiresAtNanos());
      }
    }
    return min;
  }

  private void clearBits(int index) {
    int w = index >>> 6;
    if (w < held.length) {
      held[w] &= ~(1L << index);
      refusesShared[w] &= ~(1L << index);
    }
  }
}
