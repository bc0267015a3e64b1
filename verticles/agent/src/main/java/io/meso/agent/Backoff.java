package io.meso.agent;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": the n-th delay is drawn uniformly from
 * [d/2, d] where d = min(max, initial x 2^n), so many agents retrying at once spread out while
 * each still waits at least half the nominal delay. Not thread-safe.
 */
final class Backoff {

  private final long initialMillis;
  private final long maxMillis;
  private long current;

  Backoff(long initialMillis, long maxMillis) {
    this.initialMillis = initialMillis;
    this.maxMillis = Math.max(initialMillis, maxMillis);
    this.current = this.initialMillis;
  }

  /** The next delay (at least 1 ms); doubles the nominal delay for the following call. */
  long next() {
    long nominal = current;
    current = Math.min(maxMillis, current * 2);
    long half = nominal / 2;
    return Math.max(1, half + ThreadLocalRandom.current().nextLong(nominal - half + 1));
  }

  void reset() {
    current = initialMillis;
  }
}
