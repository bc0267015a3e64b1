/**
 * Apache Mesos's v1 scheduler HTTP API ({@code POST /api/v1/scheduler}), wire-compatible: JSON
 * and protobuf bodies with Mesos's field numbers and names, a SUBSCRIBE answered with a chunked
 * RecordIO event stream identified by {@code Mesos-Stream-Id}, every other call answered 202 or
 * with Mesos's status codes. It is the third door to the one scheduler session model, beside
 * the gRPC service and the event bus: calls are forwarded to {@code Addresses.SCHEDULER} exactly
 * as the gRPC transport does, so nothing but the framing differs.
 */
package io.meso.api.http;
