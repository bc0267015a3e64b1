package io.meso.jobs.graph;

/**
 * One parent→child edge and how many times the parent has completed (succeeded, or failed
 * with {@code softError}) since the child last started: Chronos's {@code edgeInvocationCount},
 * as a value the runtime stores in the registry so a new leader continues where the old one
 * stopped.
 */
public record EdgeState(String parent, String child, long completions) {
  public EdgeState {
    if (completions < 0) {
      throw new IllegalArgumentException("completions must be >= 0: " + completions);
    }
  }
}
