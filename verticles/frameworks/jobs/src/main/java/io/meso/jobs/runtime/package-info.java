/**
 * The running jobs framework. {@link io.meso.jobs.runtime.JobsFramework} is a verticle and an
 * ordinary framework on the client SDK that runs beside the leading master and keeps all its
 * state in the fenced registry ({@link io.meso.jobs.runtime.Sections}); it only carries out, in
 * order, what {@link io.meso.jobs.runtime.JobScheduler} decides ({@link io.meso.jobs.runtime.Effects}).
 * The decisions are plain Java with an injected clock: {@code DuePlanner} claims the (job,
 * instant) runs that are due ({@link io.meso.jobs.runtime.Claim}, stored before any launch, so
 * each instant runs once across leaders) and kills runs past maxCompletionTime; the scheduler
 * places queued runs on offers ({@code OfferFit}: resources, constraints, highPriority first) as
 * Mesos tasks with Chronos's task ids and environment ({@link io.meso.jobs.runtime.TaskIds},
 * {@link io.meso.jobs.runtime.JobTasks}); {@code RunEnds} says what a task status means: retries
 * after a delay, counters, disabling after failures in a row, the dependent children now due, and
 * a bounded history per job ({@link io.meso.jobs.runtime.RunRecord}); {@code JobsState} holds it
 * all and hands every change to the registry.
 */
package io.meso.jobs.runtime;
