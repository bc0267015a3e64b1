package io.meso.api.subscription;

import io.meso.v1.FrameworkID;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open subscriptions of one door of one API server: by stream id, and each framework's
 * current stream (the latest whose SUBSCRIBED arrived), against which a call's stream id can be
 * checked. Subscriptions live on several event loops, hence the concurrent maps.
 */
public final class SubscriptionRegistry {

  private final Map<String, SchedulerSubscription> byStream = new ConcurrentHashMap<>();
  private final Map<String, String> currentStream = new ConcurrentHashMap<>();

  void opened(SchedulerSubscription s) {
    byStream.put(s.streamId(), s);
  }

  void subscribed(SchedulerSubscription s) {
    currentStream.put(s.frameworkId().getValue(), s.streamId());
  }

  void closed(SchedulerSubscription s) {
    byStream.remove(s.streamId());
    FrameworkID id = s.frameworkId();
    if (id != null) {
      currentStream.remove(id.getValue(), s.streamId());
    }
  }

  /** The framework's current stream through this door, if it subscribed through it here. */
  public Optional<String> currentStream(String frameworkId) {
    return Optional.ofNullable(currentStream.get(frameworkId));
  }

  /** The framework an open stream serves, if the stream is open and its framework known. */
  public Optional<String> frameworkOf(String streamId) {
    SchedulerSubscription s = byStream.get(streamId);
    FrameworkID id = s == null ? null : s.frameworkId();
    return id == null ? Optional.empty() : Optional.of(id.getValue());
  }

  /** Ends every open subscription (the server is stopping); the master hears each one is gone. */
  public void stopAll() {
    for (SchedulerSubscription s : new ArrayList<>(byStream.values())) {
      s.stop();
    }
  }

  /** The open subscriptions, a copy. */
  public List<SchedulerSubscription> all() {
    return new ArrayList<>(byStream.values());
  }
}
