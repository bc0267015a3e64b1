/**
 * The one lifecycle of a scheduler subscription, whichever door it came through:
 * {@link io.meso.api.subscription.SchedulerSubscription} registers an event-bus consumer at a
 * fresh address, forwards SUBSCRIBE to the master with that address, holds events until the
 * master accepts, ends on refusal, on an ERROR event or when the client goes away (telling the
 * master once), and answers HEARTBEAT requests only once their bytes are written. How events
 * reach the client is an {@link io.meso.api.subscription.EventFramer}: RecordIO-framed JSON or
 * protobuf for the Mesos v1 HTTP API ({@code io.meso.api.http}), gRPC messages for the gRPC
 * Subscribe ({@code io.meso.api.server}).
 */
package io.meso.api.subscription;
