package io.meso.jobs.graph;

import java.util.List;

/**
 * One parent→child edge and how many times the parent has completed (succeeded, or failed
 * with {@code softError}) since the child last started: Chronos's {@code edgeInvocationCount},
 * as a value the runtime stores in the registry so a new leader continues where the old one
 * stopped.
 *
 * <p>{@code counted} names the parent's runs (task ids) whose completion this edge has counted
 * and whose claims may still be stored: a run's end is several registry writes in turn, and a
 * leader that died after this edge's write but before the run's history leaves an update that
 * comes again; the edge does not count that run twice. A run's mark survives the child's start
 * (which only zeroes the count) and is dropped once the run's claim is gone.
 */
public record EdgeState(String parent, String child, long completions, List<String> counted) {
  public EdgeState {
    if (completions < 0) {
      throw new IllegalArgumentException("completions must be >= 0: " + completions);
    }
    counted = List.copyOf(counted);
  }

  public EdgeState(String parent, String child, long completions) {
    this(parent, child, completions, List.of());
  }

  /** True if nothing about the edge needs storing (no completion, no mark). */
  public boolean isEmpty() {
    return completions == 0 && counted.isEmpty();
  }
}
