package io.meso.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that stands still until a test moves it, for code that takes its time from an
 * injected clock (the jobs framework's scheduling): the test decides when an instant is due
 * instead of waiting for it. Thread-safe; always in UTC.
 */
public final class ManualClock extends Clock {

  private volatile Instant now;

  public ManualClock(Instant start) {
    this.now = start;
  }

  /** Moves the clock forward by {@code step}; returns the new time. */
  public synchronized Instant advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("a clock only moves forward; step was " + step);
    }
    now = now.plus(step);
    return now;
  }

  /** Sets the clock to {@code time} (never backwards); returns it. */
  public synchronized Instant set(Instant time) {
    if (time.isBefore(now)) {
      throw new IllegalArgumentException("a clock only moves forward; " + time + " is before " + now);
    }
    now = time;
    return now;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a ManualClock is always in UTC");
  }
}
