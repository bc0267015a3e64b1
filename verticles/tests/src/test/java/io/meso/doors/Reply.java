package io.meso.doors;

/**
 * What a door answered, in the master's HTTP-style terms: the HTTP status, the gRPC status
 * mapped back by {@link io.meso.codecs.StatusCodes#toCode}, or the event-bus failure code (200
 * for a success on gRPC and the event bus); and the message (body, grpc-message or failure
 * message; empty on success).
 */
public record Reply(int code, String message) {

  public boolean succeeded() {
    return code / 100 == 2;
  }
}
