package io.meso.api.server;

import io.meso.codecs.Addresses;
import io.meso.codecs.StatusCodes;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what went wrong when forwarding a call to the master into a gRPC status and message,
 * and answers with it. The master's failure code is HTTP-like (400, 403, 404, 503); a master
 * that is not there (no handler) or does not answer is UNAVAILABLE.
 */
final class MasterFailures {

  private static final Logger LOG = LoggerFactory.getLogger(MasterFailures.class);

  record Failure(GrpcStatus status, String message) {}

  private MasterFailures() {}

  static Failure of(Throwable err, String address) {
    if (err instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case RECIPIENT_FAILURE -> new Failure(StatusCodes.toGrpc(reply.failureCode()), reply.getMessage());
        case NO_HANDLERS -> new Failure(GrpcStatus.UNAVAILABLE,
            "no master is leading: nothing consumes " + address + "; start a master or retry once one is elected");
        case TIMEOUT -> new Failure(GrpcStatus.UNAVAILABLE, "the master did not answer in time: " + reply.getMessage());
        default -> new Failure(GrpcStatus.INTERNAL, "forwarding to the master failed: " + reply.getMessage());
      };
    }
    LOG.warn("call forwarding failed address={}", address, err);
    return new Failure(GrpcStatus.INTERNAL, "the API server failed: " + err);
  }

  static Failure ofScheduler(Throwable err) {
    return of(err, Addresses.SCHEDULER);
  }

  /** Ends the call with a non-OK status; a response that is already over (client gone) is left alone. */
  static void respond(GrpcServerResponse<?, ?> response, GrpcStatus status, String message) {
    try {
      response.status(status).statusMessage(message).end();
    } catch (IllegalStateException e) {
      LOG.debug("response already ended, dropping status={} message={}", status, message);
    }
  }

  static void respond(GrpcServerResponse<?, ?> response, Failure failure) {
    respond(response, failure.status(), failure.message());
  }
}
