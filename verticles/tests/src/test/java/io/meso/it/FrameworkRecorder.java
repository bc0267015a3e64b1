package io.meso.it;

import static org.awaitility.Awaitility.await;

import io.meso.scheduler.SchedulerClient;
import io.meso.v1.Offer;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Records every event a framework receives and acknowledges updates that need it, so tests
 * can ask what the master decided instead of scripting the world.
 */
public final class FrameworkRecorder {

  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  public final List<Event> events = new CopyOnWriteArrayList<>();
  private final SchedulerClient client;
  private volatile boolean autoAck = true;

  public FrameworkRecorder(SchedulerClient client) {
    this.client = client;
  }

  public void onEvent(Event event) {
    events.add(event);
    if (autoAck && event.getType() == Event.Type.UPDATE) {
      client.acknowledge(event.getUpdate().getStatus());
    }
  }

  public FrameworkRecorder autoAck(boolean on) {
    autoAck = on;
    return this;
  }

  public List<Offer> offers() {
    List<Offer> offers = new ArrayList<>();
    for (Event e : events) {
      if (e.getType() == Event.Type.OFFERS) {
        offers.addAll(e.getOffers().getOffersList());
      }
    }
    return offers;
  }

  /** Waits for an offer made after the first {@code seen} offers. */
  public Offer awaitOffer(int seen) {
    await().atMost(TIMEOUT).until(() -> offers().size() > seen);
    return offers().get(seen);
  }

  public List<TaskStatus> updates(String taskId) {
    List<TaskStatus> updates = new ArrayList<>();
    for (Event e : events) {
      if (e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().getTaskId().getValue().equals(taskId)) {
        updates.add(e.getUpdate().getStatus());
      }
    }
    return updates;
  }

  public TaskStatus awaitUpdate(String taskId, TaskState state) {
    return awaitUpdate(taskId, s -> s.getState() == state);
  }

  public TaskStatus awaitUpdate(String taskId, Predicate<TaskStatus> predicate) {
    await().atMost(TIMEOUT).until(() -> updates(taskId).stream().anyMatch(predicate));
    return updates(taskId).stream().filter(predicate).findFirst().orElseThrow();
  }
}
