/**
 * Java clients for Meso's scheduler and operator APIs: what a framework author programs
 * against. {@link io.meso.scheduler.SchedulerClient} is one interface over every transport
 * ({@link io.meso.scheduler.EventBusSchedulerClient} for JVM frameworks on the clustered event
 * bus, {@link io.meso.scheduler.GrpcSchedulerClient} for anything that can reach the master's
 * port); both speak the Mesos v1 scheduler Call/Event messages, and both fail calls with an
 * {@link io.meso.scheduler.ApiException} carrying the master's HTTP-like status.
 * {@link io.meso.scheduler.OneTaskScheduler} is a small framework built on it that runs one
 * command task (what {@code meso run} uses).
 */
package io.meso.scheduler;
