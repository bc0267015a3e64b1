/**
 * The {@code meso bench} benchmarks: a whole cluster in one JVM (a master, its allocator, N
 * agents with simulated or real-process executors, and one framework on the local event bus)
 * launching many small tasks, measured from the framework's side; and a bare ProcessBuilder
 * loop to compare real process launches with. {@link io.meso.bench.LaunchBench} runs the
 * cluster, {@link io.meso.bench.BenchFramework} is the framework that packs tasks into offers
 * and records when each task's offer arrived and when it ran, {@link io.meso.bench.RawSpawnBench}
 * is the raw loop and {@link io.meso.bench.ProcessBench} runs it around the agent,
 * {@link io.meso.bench.BenchReport} prints the figures.
 *
 * <p>The services mode ({@link io.meso.bench.ServicesBench}) wires the services framework as
 * {@code meso local} does (its /v2 API on the master's port) beside simulated agents, and drives it
 * only over HTTP ({@link io.meso.bench.V2Client}): an app deployed, then restarted, each phase
 * timed by polls of the API and by {@code /v2/events} ({@link io.meso.bench.V2Events},
 * {@link io.meso.bench.PhaseEvents}), with the master's offer counters.
 *
 * <p>Figures are measured and printed, never asserted: see BENCHMARKS.md for recorded runs.
 */
package io.meso.bench;
