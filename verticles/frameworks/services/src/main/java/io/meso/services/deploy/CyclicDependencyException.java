package io.meso.services.deploy;

import io.meso.services.app.PathId;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The target apps' {@code dependencies} form a cycle, so no order can start them: a deployment
 * that would need one is refused (Marathon validates the same, "Dependency graph has cyclic
 * dependencies"). {@link #cycle()} names the apps around the loop, first one repeated at the end.
 */
public final class CyclicDependencyException extends IllegalArgumentException {

  /** The 422 message, as Marathon words it. */
  public static final String MESSAGE = "Dependency graph has cyclic dependencies.";

  private final List<PathId> cycle;

  public CyclicDependencyException(List<PathId> cycle) {
    super(MESSAGE + " " + cycle.stream().map(PathId::toString).collect(Collectors.joining(" -> ")));
    this.cycle = List.copyOf(cycle);
  }

  /** The apps around the loop, e.g. {@code [/a, /b, /a]}. */
  public List<PathId> cycle() {
    return cycle;
  }
}
