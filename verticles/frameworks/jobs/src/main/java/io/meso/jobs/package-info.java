/**
 * The jobs framework: runs scheduled and dependent jobs (Chronos-style) on the cluster, exactly
 * once per scheduled instant across failovers, and serves a Chronos-compatible /v1/scheduler
 * API. It is an ordinary framework: it reaches the master only through the client SDK
 * ({@code io.meso.scheduler}). Sub-packages: {@code schedule} (ISO 8601 repeating intervals, 5-field
 * cron, time zones and DST, missed-run policies), {@code job} (the Chronos job, its JSON and
 * validation), {@code graph} (the dependency DAG, edge state, graph/dot and graph/csv),
 * {@code runtime} (the framework verticle and its scheduling decisions: claims, launches, retries,
 * dependencies, history, all in the fenced registry) and {@code api} (the /v1/scheduler routes).
 */
package io.meso.jobs;
