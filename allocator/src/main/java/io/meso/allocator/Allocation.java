package io.meso.allocator;

/** One decision of an allocation run: offer these resources of this agent to this framework for this role. */
public record Allocation(String frameworkId, String role, String agentId, Resources resources) {}
