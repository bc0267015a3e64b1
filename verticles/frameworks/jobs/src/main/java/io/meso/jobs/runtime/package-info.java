/**
 * The running jobs framework. {@link io.meso.jobs.runtime.JobsFramework} is a verticle and an
 * ordinary framework on the client SDK that runs beside the leading master and keeps all its
 * state in the fenced registry ({@link io.meso.jobs.runtime.Sections}); it only carries out what
 * {@link io.meso.jobs.runtime.JobScheduler} decides, in plain Java with an injected clock: which
 * (job, instant) runs are due and claimed ({@link io.meso.jobs.runtime.Claim}, before any launch,
 * so each instant runs once across leaders), which queued run goes on which offer
 * ({@code OfferFit}: resources, constraints, highPriority first), the Mesos task of each attempt
 * with Chronos's task id and environment ({@link io.meso.jobs.runtime.TaskIds},
 * {@link io.meso.jobs.runtime.JobTasks}), and what a task status means: retries after a delay,
 * counters, disabling after failures in a row, maxCompletionTime kills, the dependent children
 * now due, and a bounded history per job ({@link io.meso.jobs.runtime.RunRecord}).
 */
package io.meso.jobs.runtime;
