package io.meso.api.server;

import io.meso.codecs.Addresses;
import io.meso.api.subscription.EventFramer;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * The gRPC Subscribe's framing of a subscription: each event one message of the server stream,
 * the stream id in the response headers ({@link #STREAM_ID_METADATA}); a refusal is the call's
 * status; an ERROR ends the call OK.
 */
final class GrpcEventFramer implements EventFramer {

  /** Prefix of the events addresses of gRPC subscriptions. */
  static final String ADDRESS_PREFIX = "meso.scheduler.stream.";
  /** {@link Addresses#GRPC_STREAM_ID}. */
  static final String STREAM_ID_METADATA = Addresses.GRPC_STREAM_ID;

  private final GrpcServerRequest<Call, Event> request;
  private final GrpcServerResponse<Call, Event> response;

  GrpcEventFramer(GrpcServerRequest<Call, Event> request) {
    this.request = request;
    this.response = request.response();
  }

  @Override
  public String door() {
    return "grpc";
  }

  @Override
  public void open(String streamId, Handler<String> gone) {
    // Goes out with the first event (SUBSCRIBED), so a client knows it before it can make a call.
    response.headers().set(STREAM_ID_METADATA, streamId);
    request.errorHandler(error -> gone.handle("client error " + error));
    request.exceptionHandler(err -> gone.handle("request failed: " + err.getMessage()));
    response.exceptionHandler(err -> gone.handle("response failed: " + err.getMessage()));
  }

  @Override
  public void accepted(String streamId) {
    // Nothing to send: the headers go out with the first event.
  }

  @Override
  public Future<Void> write(Event event) {
    return response.write(event);
  }

  @Override
  public void refuse(Throwable masterFailure) {
    MasterFailures.respond(response, MasterFailures.ofScheduler(masterFailure));
  }

  @Override
  public void end() {
    response.end();
  }

  @Override
  public void stop(boolean accepted) {
    MasterFailures.respond(response, GrpcStatus.UNAVAILABLE, "the master's API server is stopping; subscribe again");
  }
}
