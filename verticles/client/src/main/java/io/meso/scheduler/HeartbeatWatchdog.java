package io.meso.scheduler;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.function.LongSupplier;

/**
 * Notices a subscription that has gone silent. The master sends HEARTBEAT every
 * {@code heartbeat_interval_seconds} (given in SUBSCRIBED); when a link is cut (no FIN, no RST)
 * the event stream never ends on its own, so a client that heard nothing, HEARTBEAT or any other
 * event, for a few intervals treats the subscription as lost, as Mesos schedulers do.
 *
 * <p>Each event only records the time ({@link #beat()}); one timer checks, when the bound could
 * first have passed, how long it has been silent, and re-arms for the rest when an event came in
 * between. It fires at most once. The time source is a monotonic clock (nanoseconds), injected
 * so that the decision can be checked without waiting ({@link #check()}).
 */
final class HeartbeatWatchdog {

  private final Vertx vertx;
  private final LongSupplier nanoClock;
  private final long boundNanos;
  private final Handler<Long> silent;
  private volatile long lastEventNanos;
  private long timer = -1;
  private boolean done;
  private boolean fired;

  /**
   * A watchdog calling {@code silent} (with the milliseconds of silence) once nothing was heard
   * for {@code boundMillis}; the silence counts from now.
   */
  HeartbeatWatchdog(Vertx vertx, LongSupplier nanoClock, long boundMillis, Handler<Long> silent) {
    if (boundMillis <= 0) {
      throw new IllegalArgumentException("boundMillis must be positive, was " + boundMillis);
    }
    this.vertx = vertx;
    this.nanoClock = nanoClock;
    this.boundNanos = boundMillis * 1_000_000L;
    this.silent = silent;
    this.lastEventNanos = nanoClock.getAsLong();
  }

  /** The silence that ends a subscription, in milliseconds. */
  long boundMillis() {
    return boundNanos / 1_000_000L;
  }

  /** Arms the timer; returns this. */
  synchronized HeartbeatWatchdog start() {
    if (!done && timer < 0) {
      arm(boundNanos);
    }
    return this;
  }

  /** An event arrived: the silence starts again. Cheap, callable from any thread. */
  void beat() {
    lastEventNanos = nanoClock.getAsLong();
  }

  /** Stops watching (the subscription ended for another reason); the handler will not be called. */
  synchronized void stop() {
    done = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /**
   * Decides now: calls the handler if the silence reached the bound, else re-arms for what is
   * left of it. Returns whether it has fired (now or before); after {@link #stop()} it never does.
   */
  boolean check() {
    long silence;
    synchronized (this) {
      if (done) {
        return fired;
      }
      if (timer >= 0) {
        // Called directly (not by its own timer, which it then would be): one timer at a time.
        vertx.cancelTimer(timer);
        timer = -1;
      }
      silence = nanoClock.getAsLong() - lastEventNanos;
      if (silence < boundNanos) {
        arm(boundNanos - silence);
        return false;
      }
      done = true;
      fired = true;
    }
    silent.handle(silence / 1_000_000L);
    return true;
  }

  private void arm(long nanos) {
    long millis = Math.max(1, (nanos + 999_999L) / 1_000_000L);
    timer = vertx.setTimer(millis, id -> check());
  }
}
