/**
 * The jobs framework: runs scheduled and dependent jobs (Chronos-style) on the cluster, exactly
 * once per scheduled instant across failovers, and serves a Chronos-compatible /v1/scheduler
 * API. It is an ordinary framework: it reaches the master only through the client SDK
 * ({@code io.meso.scheduler}).
 */
package io.meso.jobs;
