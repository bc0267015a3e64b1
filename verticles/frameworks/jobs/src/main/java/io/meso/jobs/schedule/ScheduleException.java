package io.meso.jobs.schedule;

/**
 * A schedule that cannot be parsed. It names the JSON field, the rejected value and what is
 * allowed, so the API can answer 400 with a message a user can act on (Chronos answered
 * "Cannot parse schedule '...' (wtf bro)").
 */
public final class ScheduleException extends IllegalArgumentException {
  private final String field;
  private final String value;
  private final String allowed;

  public ScheduleException(String field, String value, String allowed) {
    super(field + ": '" + value + "' is not valid: " + allowed);
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }

  public String field() {
    return field;
  }

  public String value() {
    return value;
  }

  public String allowed() {
    return allowed;
  }
}
