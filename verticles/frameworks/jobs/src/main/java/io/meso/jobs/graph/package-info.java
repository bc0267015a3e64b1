/**
 * The job dependency DAG: which jobs wait for which ({@link io.meso.jobs.graph.JobGraph},
 * with cycle refusal at submit and Chronos's {@code /graph/dot} and {@code /graph/csv}
 * renderings), and when a child becomes due ({@link io.meso.jobs.graph.Dependencies}), as plain
 * values the runtime persists ({@link io.meso.jobs.graph.EdgeState}); Chronos kept them in
 * memory and lost them on failover.
 */
package io.meso.jobs.graph;
