package io.meso.jobs.job;

import io.meso.jobs.schedule.ScheduleException;
import io.vertx.core.json.JsonObject;

/**
 * A job Meso refuses. Chronos answered such input with 400 and a stack trace; this answers 400
 * with Chronos's body shape, {@code {"status":"Bad Request","message":...}}, and a message
 * naming the field, the value and what is allowed.
 */
public final class JobValidationException extends IllegalArgumentException {
  /** The HTTP status Chronos used for a bad job (IllegalArgumentException → 400). */
  public static final int STATUS = 400;
  private final String field;

  public JobValidationException(String field, Object value, String allowed) {
    super(field + ": " + show(value) + " is not valid: " + allowed);
    this.field = field;
  }

  /** Wraps a schedule parse error with the schedule's own field name and message. */
  public JobValidationException(ScheduleException e) {
    super(e.getMessage(), e);
    this.field = e.field();
  }

  private static String show(Object value) {
    if (value == null) {
      return "null";
    }
    String s = value instanceof String str ? "'" + str + "'" : String.valueOf(value);
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** The JSON field at fault. */
  public String field() {
    return field;
  }

  /** The response body, in Chronos's ApiResult shape. */
  public JsonObject body() {
    return new JsonObject().put("status", "Bad Request").put("message", getMessage());
  }
}
