package io.meso.agent;

/** Which executor an agent runs its tasks with. */
public enum ExecutorMode {
  /** Real processes: {@link io.meso.executor.ExecutorVerticle}. */
  PROCESS,
  /** No processes, for benchmarks with many agents: {@link io.meso.executor.SimulatedExecutorVerticle}. */
  SIMULATED
}
