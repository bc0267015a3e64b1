package io.meso.master;

/**
 * A scheduler or operator call the master refuses, with the HTTP-like status code the
 * transports map to their own (400 invalid, 403 forbidden, 404 unknown, 503 unavailable).
 */
public final class CallException extends RuntimeException {

  private final int code;

  public CallException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static CallException invalid(String message) {
    return new CallException(400, message);
  }

  public static CallException forbidden(String message) {
    return new CallException(403, message);
  }

  /** 412: the call needs something done first (a subscription to come from); gRPC FAILED_PRECONDITION. */
  public static CallException preconditionFailed(String message) {
    return new CallException(412, message);
  }

  public static CallException notFound(String message) {
    return new CallException(404, message);
  }
}
