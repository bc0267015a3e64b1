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
 * {@link io.meso.services.runtime.ServicesFramework#onLoop}. It is also kept in a
 * {@link io.meso.services.store.ServicesStore} under the leading master's fence:
 * {@link io.meso.services.runtime.Persistence} saves what each event-loop task changed, and
 * {@link io.meso.services.runtime.SavedEffects} lets nothing that follows from a change reach the
 * master or a client (launch, kill, acknowledgement, API answer) before it is saved. A new
 * leader's framework loads the store, takes every deployment up where it was
 * ({@link io.meso.services.deploy.Deployment#resume}), subscribes again with the stored framework
 * id and reconciles every task it knows ({@link io.meso.services.runtime.TaskReconciler}).
 */
package io.meso.services.runtime;
