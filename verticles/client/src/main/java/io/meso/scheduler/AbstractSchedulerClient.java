package io.meso.scheduler;

import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-independent half of a {@link SchedulerClient}: keeps the framework id,
 * delivers events, ends a subscription on ERROR, and fills in {@code framework_id}. A
 * transport supplies how to open and close an event stream and how to send one call.
 *
 * <p>With the heartbeat watchdog on ({@link #watchdog}), a subscription whose stream carried no
 * event for a few of the master's heartbeat intervals is ended and reported to the disconnect
 * handler like any other loss, after the transport dropped what carried it
 * ({@link #streamSilent}), so that subscribing again does not wait on a dead connection.
 */
abstract class AbstractSchedulerClient implements SchedulerClient {

  private static final Logger LOG = LoggerFactory.getLogger(AbstractSchedulerClient.class);

  private final Vertx vertx;
  private volatile FrameworkID frameworkId;
  private volatile Handler<Throwable> disconnectHandler;
  private Stream current;
  /** Heartbeat intervals of silence that end a subscription; 0: no watchdog. */
  private volatile double watchdogIntervals;
  /** The least silence that ends a subscription, whatever the interval. */
  private volatile long watchdogMinimumMillis;

  AbstractSchedulerClient(Vertx vertx, double watchdogIntervals, long watchdogMinimumMillis) {
    this.vertx = vertx;
    watchdog(watchdogIntervals, watchdogMinimumMillis);
  }

  /**
   * Ends a subscription that heard nothing for {@code intervals} heartbeat intervals (the
   * master's {@code heartbeat_interval_seconds}), and never after less than
   * {@code minimumMillis}; {@code intervals} 0 turns the watchdog off. Applies to the next
   * subscription.
   */
  final void watchdog(double intervals, long minimumMillis) {
    if (!(intervals == 0 || intervals >= 1) || Double.isInfinite(intervals)) {
      throw new IllegalArgumentException("heartbeat watchdog intervals: " + intervals
          + " is not allowed; give 0 (off) or a finite number of heartbeat intervals of at least 1");
    }
    if (minimumMillis < 0) {
      throw new IllegalArgumentException("heartbeat watchdog minimum: " + minimumMillis
          + " ms is not allowed; give 0 or more milliseconds");
    }
    this.watchdogIntervals = intervals;
    this.watchdogMinimumMillis = minimumMillis;
  }

  /** One subscription's event stream; {@code transport} is whatever the transport needs to close it. */
  final class Stream {
    final Promise<FrameworkID> subscribed = Promise.promise();
    private final Handler<Event> handler;
    private boolean ended;
    private boolean wasSubscribed;
    private HeartbeatWatchdog watchdog;
    volatile Object transport;

    private Stream(Handler<Event> handler) {
      this.handler = handler;
    }

    /** Delivers one event from the master. */
    void event(Event event) {
      synchronized (this) {
        if (ended) {
          return;
        }
        if (watchdog != null) {
          watchdog.beat();
        }
        if (event.getType() == Event.Type.SUBSCRIBED) {
          frameworkId = event.getSubscribed().getFrameworkId();
          wasSubscribed = true;
          if (watchdog == null) {
            watchdog = watchdogFor(event.getSubscribed().getHeartbeatIntervalSeconds(), this::silent);
          }
        }
      }
      try {
        handler.handle(event);
      } catch (RuntimeException e) {
        LOG.warn("scheduler event handler threw on event type={}", event.getType(), e);
      }
      if (event.getType() == Event.Type.SUBSCRIBED) {
        subscribed.tryComplete(event.getSubscribed().getFrameworkId());
      } else if (event.getType() == Event.Type.ERROR) {
        // The master ends a subscription with ERROR (failed over, torn down) and sends nothing after.
        if (end(new ApiException(ApiException.FORBIDDEN, event.getError().getMessage()))) {
          closeStream(this, false);
        }
      }
    }

    /**
     * The master dropped this subscription (it took the subscriber for gone, e.g. a heartbeat went
     * unanswered while the framework was busy): the transport is closed quietly, then the
     * framework hears of it as a lost connection, so that it subscribes again.
     */
    void dropped(String why) {
      Boolean notify = markEnded();
      if (notify == null) {
        return;
      }
      LOG.info("scheduler subscription dropped by the master framework={} reason={}",
          frameworkId == null ? null : frameworkId.getValue(), why);
      try {
        closeStream(this, false);
      } catch (RuntimeException e) {
        LOG.warn("closing a dropped scheduler stream failed", e);
      }
      finishEnd(new ApiException(ApiException.UNAVAILABLE, "the master dropped this subscription (" + why
          + "); subscribe again"), notify);
    }

    /** The transport lost the stream (or the master refused it); idempotent. */
    void ended(Throwable cause) {
      end(cause);
    }

    /** The watchdog found the stream silent for {@code silenceMillis}: the master is as good as gone. */
    private void silent(long silenceMillis) {
      Boolean notify = markEnded();
      if (notify == null) {
        return;
      }
      ApiException cause = new ApiException(ApiException.UNAVAILABLE, "no event (not even a HEARTBEAT) from the "
          + "master for " + silenceMillis + " ms, past the heartbeat watchdog's " + watchdog.boundMillis()
          + " ms: taking the connection as lost");
      LOG.info("scheduler subscription silent, ending it framework={} silent_ms={}",
          frameworkId == null ? null : frameworkId.getValue(), silenceMillis);
      // First the transport drops what carried the stream, then the framework hears of it: a
      // subscription it makes from its disconnect handler must not queue on the dead connection.
      try {
        streamSilent(this);
      } catch (RuntimeException e) {
        LOG.warn("dropping a silent scheduler stream failed", e);
      }
      finishEnd(cause, notify);
    }

    private boolean end(Throwable cause) {
      Boolean notify = markEnded();
      if (notify == null) {
        return false;
      }
      finishEnd(cause, notify);
      return true;
    }

    /** Marks the stream ended; null if it already was, else whether the framework must hear of it. */
    private Boolean markEnded() {
      synchronized (this) {
        if (ended) {
          return null;
        }
        ended = true;
        if (watchdog != null) {
          watchdog.stop();
        }
        return wasSubscribed;
      }
    }

    private void finishEnd(Throwable cause, boolean notify) {
      subscribed.tryFail(cause);
      synchronized (AbstractSchedulerClient.this) {
        notify &= current == this;
      }
      Handler<Throwable> h = disconnectHandler;
      if (notify && h != null) {
        try {
          h.handle(cause);
        } catch (RuntimeException e) {
          LOG.warn("scheduler disconnect handler threw", e);
        }
      }
    }

    /** Ends the stream on the client's own initiative; no disconnect notification. */
    private boolean endQuietly() {
      if (markEnded() == null) {
        return false;
      }
      subscribed.tryFail(new ApiException(ApiException.UNAVAILABLE, "the subscription was closed by the client"));
      return true;
    }
  }

  /**
   * Opens the event stream for a SUBSCRIBE call; completes once the master accepted it (the
   * SUBSCRIBED event may come before or after), fails with an {@link ApiException}.
   */
  protected abstract Future<Void> openStream(Call subscribe, Stream stream);

  /** Closes the stream; tells the master the subscriber is gone only when {@code notifyMaster}. */
  protected abstract void closeStream(Stream stream, boolean notifyMaster);

  /** Sends one call; fails with an {@link ApiException}. */
  protected abstract Future<Void> send(Call call);

  /** Releases the transport once the stream is closed. */
  protected abstract Future<Void> release();

  /**
   * The watchdog ended {@code stream}: drop whatever carried it (the connection may be dead
   * without knowing it), before the framework is told. By default, closes it quietly.
   */
  protected void streamSilent(Stream stream) {
    closeStream(stream, false);
  }

  /** A started watchdog for a subscription with this heartbeat interval, or null when off. */
  private HeartbeatWatchdog watchdogFor(double heartbeatIntervalSeconds, Handler<Long> silent) {
    double intervals = watchdogIntervals;
    if (intervals <= 0 || !(heartbeatIntervalSeconds > 0)) {
      return null;
    }
    long bound = Math.max(watchdogMinimumMillis, (long) Math.ceil(intervals * heartbeatIntervalSeconds * 1000));
    return new HeartbeatWatchdog(vertx, System::nanoTime, Math.max(1, bound), silent).start();
  }

  @Override
  public Future<FrameworkID> subscribe(FrameworkInfo info, Handler<Event> events) {
    Stream stream = new Stream(events);
    Stream old;
    synchronized (this) {
      old = current;
      current = stream;
    }
    if (old != null && old.endQuietly()) {
      closeStream(old, true);
    }
    Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
    if (info.hasId()) {
      call.setFrameworkId(info.getId());
    }
    openStream(call.build(), stream).onFailure(stream::ended);
    return stream.subscribed.future();
  }

  @Override
  public Future<Void> call(Call call) {
    FrameworkID id = frameworkId;
    if (!call.hasFrameworkId() && id != null) {
      call = call.toBuilder().setFrameworkId(id).build();
    }
    return send(call);
  }

  @Override
  public SchedulerClient disconnectHandler(Handler<Throwable> handler) {
    this.disconnectHandler = handler;
    return this;
  }

  @Override
  public FrameworkID frameworkId() {
    return frameworkId;
  }

  @Override
  public Future<Void> close() {
    Stream stream;
    synchronized (this) {
      stream = current;
      current = null;
    }
    if (stream != null && stream.endQuietly()) {
      closeStream(stream, true);
    }
    return release();
  }
}
