package io.meso.codecs;

import io.vertx.grpc.common.GrpcStatus;

/**
 * The one table between the master's HTTP-like failure codes and gRPC statuses, used by the
 * gRPC server to answer and by the gRPC clients to turn a status back into an
 * {@link ApiException} with the same code the event-bus transport reports.
 */
public final class StatusCodes {

  private StatusCodes() {}

  /**
   * 400 INVALID_ARGUMENT, 403 PERMISSION_DENIED, 404 NOT_FOUND, 409 ALREADY_EXISTS, 412
   * FAILED_PRECONDITION, 503 UNAVAILABLE, 504 DEADLINE_EXCEEDED, else INTERNAL.
   */
  public static GrpcStatus toGrpc(int code) {
    return switch (code) {
      case 400 -> GrpcStatus.INVALID_ARGUMENT;
      case 401 -> GrpcStatus.UNAUTHENTICATED;
      case 403 -> GrpcStatus.PERMISSION_DENIED;
      case 404 -> GrpcStatus.NOT_FOUND;
      case 409 -> GrpcStatus.ALREADY_EXISTS;
      case 412 -> GrpcStatus.FAILED_PRECONDITION;
      case 429 -> GrpcStatus.RESOURCE_EXHAUSTED;
      case 501 -> GrpcStatus.UNIMPLEMENTED;
      case 503 -> GrpcStatus.UNAVAILABLE;
      case 504 -> GrpcStatus.DEADLINE_EXCEEDED;
      default -> GrpcStatus.INTERNAL;
    };
  }

  /** The inverse of {@link #toGrpc(int)}; statuses it never produces map to 500. */
  public static int toCode(GrpcStatus status) {
    return switch (status) {
      case OK -> 200;
      case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
      case FAILED_PRECONDITION -> 412;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE, CANCELLED -> 503;
      case DEADLINE_EXCEEDED -> 504;
      default -> 500;
    };
  }
}
