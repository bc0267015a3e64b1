/**
 * The running services framework: {@link io.meso.services.runtime.ServicesFramework}, a verticle
 * that is an ordinary framework (it reaches the master only through a
 * {@link io.meso.scheduler.SchedulerClient}), and {@link io.meso.services.runtime.Services}, which
 * keeps the apps, their versions, instances, launch queue and deployments and carries out the
 * deployments' commands. Together they turn the apps into scheduler calls: offers accepted with
 * one task per instance ({@link io.meso.services.runtime.TaskInfos}: command, Marathon's
 * environment, labels, the health check the agent runs) or declined, kills, acknowledgements,
 * reconciliation, suppress and revive; instances that die are relaunched with backoff, unreachable
 * ones replaced by the app's unreachableStrategy, readiness checks probed over HTTP
 * ({@link io.meso.services.runtime.ReadinessProbe}), and events published for /v2/events.
 *
 * <p>All state lives on the verticle's event loop; callers from elsewhere (the /v2 API) go through
 * {@link io.meso.services.runtime.ServicesFramework#onLoop}. This slice keeps everything in memory:
 * a restart forgets the apps, and the framework subscribes afresh.
 */
package io.meso.services.runtime;
