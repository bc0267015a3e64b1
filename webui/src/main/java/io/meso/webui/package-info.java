/**
 * The live web UI: the static page under {@code /ui/} (served from the {@code meso-webui}
 * resources), which reads the operator HTTP API ({@code io.meso.api.operator}), and
 * {@code /ui/events}, the master's events as server-sent events. Its jobs pages
 * ({@code jobs.js}) read the jobs framework's Chronos-compatible {@code /v1/scheduler} API on
 * the same port, over HTTP only: this module does not depend on the jobs module.
 */
package io.meso.webui;
