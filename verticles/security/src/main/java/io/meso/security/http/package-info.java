/**
 * The gate in front of every Meso HTTP port, shared by the master's API server and each agent's
 * own port: {@link io.meso.security.http.HttpGate} checks Host/Origin and then credentials (with
 * {@link io.meso.security.authn}), and hands on a {@link io.meso.security.http.GatedRequest}
 * whose {@code meso-principal} header is the authenticated one, never one the client sent.
 */
package io.meso.security.http;
