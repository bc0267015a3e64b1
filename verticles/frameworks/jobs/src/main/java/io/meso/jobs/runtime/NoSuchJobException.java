package io.meso.jobs.runtime;

/**
 * An operation named a job that does not exist. Chronos answers it with 400 (its
 * IllegalArgumentException), never 404, and so does the API.
 */
public final class NoSuchJobException extends IllegalArgumentException {
  private final String name;

  public NoSuchJobException(String name) {
    super("Job '" + name + "' not found");
    this.name = name;
  }

  public String name() {
    return name;
  }
}
