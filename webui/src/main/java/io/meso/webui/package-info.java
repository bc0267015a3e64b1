/**
 * The live web UI: the static page under {@code /ui/} (served from the {@code meso-webui}
 * resources), which reads the operator HTTP API ({@code io.meso.api.operator}) and, on its
 * apps and deployments pages ({@code services.js}), the services framework's Marathon-style
 * {@code /v2} API over plain HTTP when it is served on the same port; and {@code /ui/events}, the
 * master's events as server-sent events.
 */
package io.meso.webui;
