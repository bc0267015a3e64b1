package io.meso.api.http;

import io.meso.v1.FrameworkID;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open HTTP subscriptions of one API server: by stream id, and each framework's current
 * stream (the latest whose SUBSCRIBED arrived), against which every other call's
 * {@code Mesos-Stream-Id} is checked.
 */
final class StreamRegistry {

  private final Map<String, HttpSubscription> byStream = new ConcurrentHashMap<>();
  private final Map<String, String> currentStream = new ConcurrentHashMap<>();

  void opened(HttpSubscription s) {
    byStream.put(s.streamId, s);
  }

  void subscribed(HttpSubscription s) {
    currentStream.put(s.frameworkId().getValue(), s.streamId);
  }

  void closed(HttpSubscription s) {
    byStream.remove(s.streamId);
    FrameworkID id = s.frameworkId();
    if (id != null) {
      currentStream.remove(id.getValue(), s.streamId);
    }
  }

  /** The framework's current stream on this server, if it subscribed over HTTP here. */
  Optional<String> currentStream(String frameworkId) {
    return Optional.ofNullable(currentStream.get(frameworkId));
  }

  /** The framework an open stream of this server serves, if the stream is open and its framework known. */
  Optional<String> frameworkOf(String streamId) {
    HttpSubscription s = byStream.get(streamId);
    return s == null || s.frameworkId() == null ? Optional.empty() : Optional.of(s.frameworkId().getValue());
  }

  List<HttpSubscription> all() {
    return new ArrayList<>(byStream.values());
  }
}
