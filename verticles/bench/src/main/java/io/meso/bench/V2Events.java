package io.meso.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What the services benchmark hears on {@code /v2/events}: each server-sent event
 * ({@code event: <type>\ndata: <json>\n\n}) with the {@link System#nanoTime()} it arrived at,
 * kept raw while the run goes (the JSON is parsed afterwards, so listening costs the measured JVM
 * little). At most {@code maxEvents} are kept; past that, and when the stream ends early (the
 * server disconnects a consumer that falls behind), {@link #problem()} says so. Thread-safe: fed
 * on the HTTP client's context, read by the benchmark's thread.
 */
final class V2Events {

  /** One event as it arrived. */
  record Received(long nanos, String type, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  private final int maxEvents;
  private final List<Received> events = new ArrayList<>();
  private final StringBuilder pending = new StringBuilder();
  private String problem;
  private boolean stopped;

  V2Events(int maxEvents) {
    this.maxEvents = maxEvents;
  }

  /** A chunk of the stream: complete events are kept, a partial one waits for the rest. */
  synchronized void received(Buffer chunk) {
    if (stopped) {
      return;
    }
    long now = System.nanoTime();
    pending.append(chunk.toString());
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      parse(block, now);
    }
  }

  private void parse(String block, long now) {
    String type = null;
    StringBuilder data = new StringBuilder();
    for (String line : block.split("\n")) {
      if (line.startsWith("event:")) {
        type = line.substring("event:".length()).trim();
      } else if (line.startsWith("data:")) {
        data.append(line.substring("data:".length()).trim());
      }
    }
    if (type == null) {
      return;
    }
    if (events.size() >= maxEvents) {
      if (problem == null) {
        problem = "more than " + maxEvents + " events; the rest were not kept";
      }
      return;
    }
    events.add(new Received(now, type, data.toString()));
  }

  /** The stream ended or failed while the benchmark still listened. */
  synchronized void closed(String why) {
    if (!stopped && problem == null) {
      problem = "the event stream ended early after " + events.size() + " events: " + why;
    }
  }

  /** The benchmark stops listening: from now on, the end of the stream is expected. */
  synchronized void stop() {
    stopped = true;
  }

  /** Why the events are incomplete, or null if they are not. */
  synchronized String problem() {
    return problem;
  }

  /** Every event kept so far, in arrival order. */
  synchronized List<Received> events() {
    return List.copyOf(events);
  }
}
