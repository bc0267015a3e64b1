package io.meso.allocator;

/**
 * One (framework, role) pair: whether the framework is subscribed to the role and whether it
 * suppressed offers for it. Its decline filters live on the agents ({@link AgentState#filters}),
 * next to the other data an agent's walk reads; {@link #filterCount} says whether there are any.
 */
final class Subscription {

  /**
   * A decline filter: the role is not offered the agent before {@code expiresAtNanos} unless
   * the offer would not be a subset of {@code refused}.
   */
  record DeclineFilter(Resources refused, long expiresAtNanos) {}

  final FrameworkState framework;
  final String role;
  /**
   * Dense index among the live subscriptions (reused once the subscription is dropped): the
   * bit of this subscription in each agent's {@link FilterSet}.
   */
  final int index;
  boolean subscribed;
  boolean suppressed;
  /** How many agents the framework holds resources on in this role. */
  int agentsHeld;
  /** How many agents hold a decline filter of this subscription (expired ones included). */
  int filterCount;
  /**
   * Pairs of this (framework, role) skipped, by {@link SkipReason#ordinal()}: the role-specific
   * part of {@link FrameworkState#skips} (agent-wide reasons are not split by role). Lives as
   * long as the subscription.
   */
  final long[] skips = new long[SkipReason.values().length];

  /*
   * Scratch of the allocation run in progress (see AgentWalk): the pair-independent skip reason
   * (inactive framework, suppressed role) computed once per run, FILTERED skips not yet added to
   * the counters (added at the end of the run), and the walk that last found this subscription
   * filtered (to compute that walk's memo expiry).
   */
  SkipReason runSkip;
  long pendingFiltered;
  long filteredInWalk = -1;

  Subscription(FrameworkState framework, String role, int index) {
    this.framework = framework;
    this.role = role;
    this.index = index;
  }
}
