package io.meso.executor;

/**
 * Asks the executor (local request on {@code Addresses.executor(agentId)}) for the usage of every
 * task it runs; the reply is a {@code List<TaskUsage>} (empty from the simulated executor, whose
 * tasks run nothing).
 */
public record UsageRequest() {}
