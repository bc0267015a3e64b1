/**
 * Forwarding HTTP requests from a standby master to the leading one, shared by the built-in
 * frameworks' APIs (the services framework's {@code /v2}, the jobs framework's
 * {@code /v1/scheduler}): each keeps its own policy (when to forward, its error bodies), the
 * forwarding itself lives here once.
 */
package io.meso.cluster.proxy;
