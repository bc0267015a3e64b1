/**
 * The Marathon-compatible /v2 HTTP API of the services framework as a Vert.x Web router
 * ({@link io.meso.services.api.ServicesApi}): apps (one, or an array in PUT/PATCH), their tasks
 * and versions, tasks, deployments, the launch queue, groups (over the apps' id tree), info, leader
 * and ping, with Marathon's statuses, headers, bodies and error shapes (and the extra field names
 * marathon-client 0.6.3 reads). Every request is answered from
 * the framework's state on its event loop ({@link io.meso.services.runtime.ServicesFramework#onLoop}).
 * {@code /v2/events} streams the framework's events as SSE ({@link io.meso.services.api.EventsRoute}).
 * Every master serves the API; the framework runs on the leader only ({@link
 * io.meso.services.api.ServicesLeader} says where), and {@link io.meso.services.api.LeaderProxy}
 * forwards requests to it from the others, as Marathon's LeaderProxyFilter does.
 */
package io.meso.services.api;
