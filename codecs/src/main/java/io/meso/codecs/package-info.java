/**
 * The wire contract every other module shares, and nothing else: the event-bus codecs
 * ({@link io.meso.codecs.MesoCodecs}, {@link io.meso.codecs.ProtoCodec},
 * {@link io.meso.codecs.LocalCodec}), every event-bus address and header
 * ({@link io.meso.codecs.Addresses}), the Mesos-style JSON rendering of protobuf messages
 * ({@link io.meso.codecs.ProtoJson}), RecordIO framing, the default ports, the one table between
 * failure codes and gRPC statuses ({@link io.meso.codecs.StatusCodes}), and the rules that must
 * mean the same everywhere: which task states are terminal ({@link io.meso.codecs.TaskStates}),
 * what a framework is told when an agent's tasks end ({@link io.meso.codecs.TaskEnd}), which
 * scheduler call types exist ({@link io.meso.codecs.CallTypes}). The generated protobuf classes
 * live beside it in {@code io.meso.v1} (Mesos v1), {@code io.meso.v1.scheduler},
 * {@code io.meso.proto} (Meso's own API) and {@code io.meso.internal} (master-agent messages).
 */
package io.meso.codecs;
