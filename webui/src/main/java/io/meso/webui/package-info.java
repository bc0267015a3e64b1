/**
 * The live web UI: the static page under {@code /ui/} (served from the {@code meso-webui}
 * resources), which reads the operator HTTP API ({@code io.meso.api.operator}), and
 * {@code /ui/events}, the master's events as server-sent events.
 */
package io.meso.webui;
