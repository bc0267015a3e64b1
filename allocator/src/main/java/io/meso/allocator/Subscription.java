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

  Subscription(FrameworkState framework, String role) {
    this.framework = framework;
    this.role = role;
  }
}
