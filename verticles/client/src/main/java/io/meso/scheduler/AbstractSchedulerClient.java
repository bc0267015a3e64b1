package io.meso.scheduler;

import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-independent half of a {@link SchedulerClient}: keeps the framework id,
 * delivers events, ends a subscription on ERROR, and fills in {@code framework_id}. A
 * transport supplies how to open and close an event stream and how to send one call.
 */
abstract class AbstractSchedulerClient implements SchedulerClient {

  private static final Logger LOG = LoggerFactory.getLogger(AbstractSchedulerClient.class);

  private volatile FrameworkID frameworkId;
  private volatile Handler<Throwable> disconnectHandler;
  private Stream current;

  /** One subscription's event stream; {@code transport} is whatever the transport needs to close it. */
  final class Stream {
    final Promise<FrameworkID> subscribed = Promise.promise();
    private final Handler<Event> handler;
    private boolean ended;
    private boolean wasSubscribed;
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
        if (event.getType() == Event.Type.SUBSCRIBED) {
          frameworkId = event.getSubscribed().getFrameworkId();
          wasSubscribed = true;
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

    /** The transport lost the stream (or the master refused it); idempotent. */
    void ended(Throwable cause) {
      end(cause);
    }

    private boolean end(Throwable cause) {
      boolean notify;
      synchronized (this) {
        if (ended) {
          return false;
        }
        ended = true;
        notify = wasSubscribed;
      }
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
      return true;
    }

    /** Ends the stream on the client's own initiative; no disconnect notification. */
    private boolean endQuietly() {
      synchronized (this) {
        if (ended) {
          return false;
        }
        ended = true;
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
