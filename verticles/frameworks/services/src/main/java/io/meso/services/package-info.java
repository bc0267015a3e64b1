/**
 * The services framework: runs long-lived services (Marathon-style apps) on the cluster and
 * serves a Marathon-compatible /v2 API. It is an ordinary framework: it reaches the master only
 * through the client SDK ({@code io.meso.scheduler}). Sub-packages: {@code app} (the app
 * definition, its JSON and validation), {@code placement} (constraints and offer matching).
 */
package io.meso.services;
