/**
 * The master's one HTTP port: a Vert.x HTTP server speaking HTTP/1.1 and cleartext HTTP/2,
 * which hands gRPC requests ({@code application/grpc*}) to the Scheduler and Operator gRPC
 * services and everything else to a vertx-web router. The services hold no state of their
 * own: each call is forwarded on the event bus to the master ({@code Addresses.SCHEDULER},
 * {@code Addresses.OPERATOR}), and the master's HTTP-like failure codes become gRPC statuses
 * ({@link io.meso.codecs.StatusCodes}). A Subscribe stream is an
 * {@link io.meso.api.subscription.SchedulerSubscription} (the lifecycle it shares with the HTTP
 * API's SUBSCRIBE) whose events {@code GrpcEventFramer} writes to the gRPC response.
 */
package io.meso.api.server;
