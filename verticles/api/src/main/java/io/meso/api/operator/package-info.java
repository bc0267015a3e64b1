/**
 * The master's operator HTTP API, Mesos-shaped: the v0 documents ({@code /state},
 * {@code /state-summary}, the paged {@code /tasks}, {@code /metrics/snapshot}, {@code /redirect},
 * {@code /master/health}),
 * the v1 operator calls ({@code POST /api/v1}, SUBSCRIBE as a RecordIO stream), the sandbox file
 * proxy ({@code /files/browse|read|download}), Prometheus {@code /metrics} and the probes
 * {@code /livez} and {@code /readyz}. {@link io.meso.api.operator.OperatorHttp} mounts them on
 * the API server's router; every answer comes from the master over the event bus
 * ({@code Addresses.OPERATOR}, {@code Addresses.MASTER_EVENTS}) and is rendered by
 * {@link io.meso.codecs.MesosJson}. Nothing here holds cluster state.
 */
package io.meso.api.operator;
