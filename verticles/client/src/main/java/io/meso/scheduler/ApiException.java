package io.meso.scheduler;

import io.vertx.core.VertxException;

/**
 * A call the master refused or could not be reached for, the same for every transport.
 *
 * <p>{@link #code()} is the HTTP-like status the master uses: 400 the call is invalid (the
 * message names the field and value), 403 the framework is not subscribed or not the caller's,
 * 404 something named in the call is unknown, 500 the master failed, 503 no master is
 * reachable or leading. {@link #unreachable()} tells apart "nothing answered at that address"
 * from a master that answered 503.
 */
public final class ApiException extends VertxException {

  public static final int INVALID = 400;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int INTERNAL = 500;
  public static final int UNAVAILABLE = 503;

  private final int code;
  private final boolean unreachable;

  public ApiException(int code, String message) {
    this(code, message, false);
  }

  private ApiException(int code, String message, boolean unreachable) {
    super(message, true);
    this.code = code;
    this.unreachable = unreachable;
  }

  /** Nothing answered at the master's address (connection refused, unknown host, closed). */
  public static ApiException unreachable(String message) {
    return new ApiException(UNAVAILABLE, message, true);
  }

  public int code() {
    return code;
  }

  public boolean unreachable() {
    return unreachable;
  }
}
