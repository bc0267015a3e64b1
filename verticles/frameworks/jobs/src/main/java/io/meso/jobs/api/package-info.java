/**
 * The Chronos-compatible {@code /v1/scheduler} HTTP API of the jobs framework
 * ({@link io.meso.jobs.api.JobsApi}), with Chronos's paths, status codes and bodies, and Meso's
 * additions (cron schedules, missed-run policies, next runs and per-run outcomes in job stats).
 */
package io.meso.jobs.api;
