/**
 * The live web UI: the static page under {@code /ui/} (served from the {@code meso-webui}
 * resources), which reads the operator HTTP API ({@code io.meso.api.operator}) and, over plain
 * HTTP when they are served on the same port, the services framework's Marathon-style {@code /v2}
 * API (apps and deployments pages, {@code services.js}) and the jobs framework's
 * Chronos-compatible {@code /v1/scheduler} API (jobs pages, {@code jobs.js}); and
 * {@code /ui/events}, the master's events as server-sent events. This module depends on neither
 * framework.
 */
package io.meso.webui;
