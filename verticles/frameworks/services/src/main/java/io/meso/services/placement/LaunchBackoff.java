package io.meso.services.placement;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The launch delay of one app, as Marathon's {@code core/launchqueue/impl/RateLimiter.scala}
 * keeps it: after a failed launch the next waits {@code backoff}, then each further failure
 * multiplies the wait by {@code factor}, never beyond {@code maxLaunchDelay}:
 *
 * <pre>
 *   delay(1) = min(backoff, max);  delay(k+1) = min(max, delay(k) × factor)
 * </pre>
 *
 * A delay belongs to one version of the app (Marathon keys it by the last config change), so a
 * new version starts without one; it is forgotten once {@code maxLaunchDelay} has passed since it
 * was last set, and {@link #reset()} clears it (Marathon does on a restart deployment and on
 * {@code DELETE /v2/queue/{id}/delay}). Not thread-safe: one owner updates it.
 */
public final class LaunchBackoff {

  /** An app's backoff settings: backoffSeconds, backoffFactor, maxLaunchDelaySeconds. */
  public record Policy(Duration backoff, double factor, Duration maxLaunchDelay) {
    /** Marathon 1.8+'s defaults: 1 s, × 1.15, at most 300 s. */
    public static final Policy DEFAULT = new Policy(Duration.ofSeconds(1), 1.15, Duration.ofSeconds(300));

    public Policy {
      Objects.requireNonNull(backoff, "backoff");
      Objects.requireNonNull(maxLaunchDelay, "maxLaunchDelay");
      if (backoff.isNegative() || maxLaunchDelay.isNegative() || factor < 1.0) {
        throw new IllegalArgumentException("backoff and maxLaunchDelay must be >= 0 and factor >= 1, got "
            + backoff + ", " + maxLaunchDelay + ", " + factor);
      }
    }

    /** The delay after {@code current}, or the first one. */
    Duration next(Duration current) {
      if (current == null) {
        return min(backoff, maxLaunchDelay);
      }
      return min(maxLaunchDelay, Duration.ofNanos((long) (current.toNanos() * factor)));
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }
  }

  private final Policy policy;
  private String version;
  private Instant reference;
  private Duration current;

  public LaunchBackoff(Policy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /**
   * A launch of {@code version} failed at {@code now}: grows the delay (starting afresh for a new
   * version) and returns the instant before which the next launch must wait.
   */
  public Instant launchFailed(String version, Instant now) {
    forgetIfStale(version, now);
    this.version = version;
    current = policy.next(current);
    reference = now;
    return reference.plus(current);
  }

  /** Until when launches of {@code version} wait at {@code now}; empty if they need not wait. */
  public Optional<Instant> delayedUntil(String version, Instant now) {
    forgetIfStale(version, now);
    if (current == null) {
      return Optional.empty();
    }
    Instant deadline = reference.plus(current);
    return deadline.isAfter(now) ? Optional.of(deadline) : Optional.empty();
  }

  /** The current delay of {@code version}, empty when there is none. */
  public Optional<Duration> currentDelay(String version, Instant now) {
    forgetIfStale(version, now);
    return Optional.ofNullable(current);
  }

  /**
   * The delay as it stands, for the store: the configuration it belongs to, when it was last set
   * and how long it is; empty when there is none.
   */
  public Optional<State> state() {
    return current == null ? Optional.empty() : Optional.of(new State(version, reference, current));
  }

  /** Puts back a delay a leader before stored ({@link #state}). */
  public void restore(State state) {
    version = state.version();
    reference = state.reference();
    current = state.delay();
  }

  /** A delay as stored: launches of configuration {@code version} wait until {@code reference + delay}. */
  public record State(String version, Instant reference, Duration delay) {
    public State {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(reference, "reference");
      Objects.requireNonNull(delay, "delay");
    }
  }

  /** Drops the delay. */
  public void reset() {
    version = null;
    reference = null;
    current = null;
  }

  private void forgetIfStale(String asked, Instant now) {
    if (current != null
        && (!asked.equals(version) || now.isAfter(reference.plus(policy.maxLaunchDelay())))) {
      reset();
    }
  }
}
