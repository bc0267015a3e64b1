/**
 * An agent's executors: {@link io.meso.executor.ExecutorVerticle} runs tasks as real
 * processes, each in its own session (and so process group) and sandbox, isolated by the
 * isolators {@link io.meso.executor.Isolation} names (package {@code io.meso.executor.isolation}:
 * cgroups v1 or v2 with cpu, memory and process-count limits, pid and mount namespaces, disk,
 * ports and polled memory), killing the whole process tree on request;
 * {@link io.meso.executor.SimulatedExecutorVerticle} runs nothing, for benchmarks. Both speak
 * the same local event-bus protocol with their agent: {@link io.meso.executor.LaunchTask} and
 * {@link io.meso.executor.KillTask} in on {@code Addresses.executor(agentId)},
 * {@link io.meso.executor.TaskStatusChanged} out on {@code Addresses.executorStatus(agentId)};
 * {@link io.meso.executor.UsageRequest} asks for every running task's
 * {@link io.meso.executor.TaskUsage} (cpu, memory, processes from the task's cgroups or /proc,
 * sandbox disk usage), read off the event loop by {@code TaskUsageSampler}; {@code LimitWatcher}
 * checks running tasks against the limits the isolators watch.
 * Tasks with a Mesos {@code HealthCheck} are checked on the agent by
 * {@link io.meso.executor.HealthChecker} with {@link io.meso.executor.HealthProbes}.
 * Vocabulary: the <em>leader</em> is a task's main process, whose pid is also its session and
 * process group id; a <em>sweep</em> kills what a task left behind after its leader exited.
 */
package io.meso.executor;
