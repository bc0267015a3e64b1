/**
 * The running services framework: {@link io.meso.services.runtime.ServicesFramework}, a verticle
 * that is an ordinary framework (it reaches the master only through a
 * {@link io.meso.scheduler.SchedulerClient}), keeps the apps, their versions, instances, launch
 * queue and deployments, and turns them into scheduler calls: offers accepted with one task per
 * instance ({@link io.meso.services.runtime.TaskInfos}) or declined, kills, acknowledgements,
 * reconciliation, suppress and revive.
 *
 * <p>All state lives on the verticle's event loop; callers from elsewhere (the /v2 API) go through
 * {@link io.meso.services.runtime.ServicesFramework#onLoop}. This slice keeps everything in memory:
 * a restart forgets the apps.
 */
package io.meso.services.runtime;
