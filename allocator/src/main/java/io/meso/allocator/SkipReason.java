package io.meso.allocator;

/**
 * Why an allocation run did not offer an agent to a framework, counted per framework so that
 * "why is my task not placed?" has an answer.
 *
 * <p>{@link #INACTIVE_AGENT} and {@link #NO_FREE_RESOURCES} are agent-wide: counted once per
 * (framework, agent) pair; so is {@link #QUOTA_LIMIT} when every role is at its limit. The others are counted per (framework, role, agent).
 */
public enum SkipReason {
  /** A decline filter holds and the offer would be a subset of what was declined. */
  FILTERED,
  /** The framework suppressed offers for the role. */
  SUPPRESSED,
  /** The framework is disconnected. */
  INACTIVE_FRAMEWORK,
  /** The agent has GPUs and the framework lacks the GPU_RESOURCES capability. */
  GPU_GATED,
  /** What is free on the agent is all reserved to other roles. */
  RESERVED_FOR_OTHER_ROLE,
  /** What the role could be offered is below both minimum allocatable cpus and mem. */
  BELOW_MIN_ALLOCATABLE,
  /** Everything on the agent is allocated. */
  NO_FREE_RESOURCES,
  /** The agent is unreachable (deactivated). */
  INACTIVE_AGENT,
  /**
   * The role's quota limit (or the headroom held back for other roles' guarantees) left too
   * little of the agent to make an offer.
   */
  QUOTA_LIMIT,
  /** The agent is draining for maintenance: it gets no new offers (agent-wide). */
  MAINTENANCE
}
