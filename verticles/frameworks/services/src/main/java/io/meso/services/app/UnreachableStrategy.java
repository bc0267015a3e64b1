package io.meso.services.app;

/**
 * What happens to a task whose agent becomes unreachable: after {@code inactiveAfterSeconds} a
 * replacement is launched, after {@code expungeAfterSeconds} the task is forgotten (and killed if
 * it comes back). {@link #DISABLED} ({@code "disabled"} on the wire) never replaces it.
 */
public record UnreachableStrategy(boolean disabled, long inactiveAfterSeconds, long expungeAfterSeconds) {

  /** Marathon's default for apps without persistent volumes: replace and expunge at once. */
  public static final UnreachableStrategy DEFAULT = new UnreachableStrategy(false, 0, 0);
  public static final UnreachableStrategy DISABLED = new UnreachableStrategy(true, 0, 0);

  /** An enabled strategy with the given delays. */
  public static UnreachableStrategy enabled(long inactiveAfterSeconds, long expungeAfterSeconds) {
    return new UnreachableStrategy(false, inactiveAfterSeconds, expungeAfterSeconds);
  }
}
