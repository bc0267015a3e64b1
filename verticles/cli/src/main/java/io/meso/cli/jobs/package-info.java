/**
 * The CLI of the jobs framework: {@code meso jobs} and {@code meso job add|run|show|history|delete},
 * plain blocking HTTP calls to its Chronos-compatible {@code /v1/scheduler} API on any master
 * (through {@link io.meso.cli.services.ServicesHttp}, which tries each given master in turn).
 */
package io.meso.cli.jobs;
