/**
 * The job model and its JSON, wire-compatible with Chronos 3's {@code /v1/scheduler}: the same
 * field names, defaults and rendering ({@link io.meso.jobs.job.JobJson}), plus Meso's
 * additions ({@code cron}, {@code missedRunPolicy}, and {@code epsilon} honoured again). Bad
 * input is a {@link io.meso.jobs.job.JobValidationException}: HTTP 400 with a body that names
 * the field, the value and what is allowed.
 */
package io.meso.jobs.job;
