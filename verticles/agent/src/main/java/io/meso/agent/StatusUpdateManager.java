package io.meso.agent;

import com.google.protobuf.ByteString;
import io.meso.internal.StatusUpdate;
import io.meso.v1.TaskState;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reliable delivery of status updates to the master. Each task has a FIFO stream of
 * unacknowledged updates; only the oldest is in flight: it is sent, then resent with
 * exponential backoff (initial, 2 x initial, ... capped at max) until the acknowledgement with
 * its uuid arrives; then the next one goes. Every send carries {@code latest_state} = the state
 * of the newest update in the stream, i.e. the task's current state.
 *
 * <p>Updates about tasks the agent does not hold get a stream of their own, keyed by the update's
 * uuid, so that they never queue behind (or end) a running task of the same id: the TASK_ERROR of
 * a rejected launch (duplicate or invalid task), and the answer to a master's reconciliation of a
 * task the agent does not know. They are not checkpointed: an agent that restarts before they are
 * acknowledged re-registers, and the master asks again.
 *
 * <p>While the agent is disconnected the manager is paused: nothing is sent and no timer runs;
 * {@link #resume()} resends every stream's head. Event-loop confined.
 */
final class StatusUpdateManager {

  private final Vertx vertx;
  private final long initialMillis;
  private final long maxMillis;
  private final Consumer<StatusUpdate> sender;
  private final Map<TaskKey, Stream> streams = new LinkedHashMap<>();
  private final Map<ByteString, Stream> ownStreams = new LinkedHashMap<>();
  private boolean paused = true;

  private static final class Stream {
    final ArrayDeque<StatusUpdate> pending = new ArrayDeque<>();
    /** For a stream of its own: the task it is about. */
    TaskKey key;
    TaskState latest;
    long timer = -1;
    long backoff;
  }

  StatusUpdateManager(Vertx vertx, long initialMillis, long maxMillis, Consumer<StatusUpdate> sender) {
    this.vertx = vertx;
    this.initialMillis = initialMillis;
    this.maxMillis = Math.max(initialMillis, maxMillis);
    this.sender = sender;
  }

  /** Queues an update of a known task; sends it now if it is the stream's only one. */
  void add(TaskKey key, StatusUpdate update) {
    Stream stream = streams.computeIfAbsent(key, k -> new Stream());
    enqueue(stream, update);
  }

  /**
   * Restores a task's unacknowledged updates, oldest first, as read from its checkpoint by a
   * restarted agent; they are sent once the agent (re-)registered.
   */
  void restore(TaskKey key, List<StatusUpdate> unacknowledged) {
    if (unacknowledged.isEmpty()) {
      return;
    }
    Stream stream = streams.computeIfAbsent(key, k -> new Stream());
    for (StatusUpdate update : unacknowledged) {
      enqueue(stream, update);
    }
  }

  /** Queues an update about a task the agent does not hold (see above) in a stream of its own. */
  void addOwnStream(TaskKey key, StatusUpdate update) {
    Stream stream = new Stream();
    stream.key = key;
    ownStreams.put(update.getUuid(), stream);
    enqueue(stream, update);
  }

  /** True if an update of a stream of its own about {@code key} is still unacknowledged. */
  boolean hasOwnStream(TaskKey key) {
    for (Stream stream : ownStreams.values()) {
      if (key.equals(stream.key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Handles an acknowledgement for a task's stream: when {@code uuid} is its head, drops it and
   * sends the next. Returns the acknowledged update, or null when the uuid is not the one in
   * flight for that task (a duplicate or stale ack, or one of a stream of its own).
   */
  StatusUpdate acknowledge(TaskKey key, ByteString uuid) {
    Stream stream = streams.get(key);
    if (stream == null || stream.pending.isEmpty() || !stream.pending.peekFirst().getUuid().equals(uuid)) {
      return null;
    }
    StatusUpdate acked = dropHead(stream);
    if (stream.pending.isEmpty()) {
      streams.remove(key);
    }
    return acked;
  }

  /** Handles an acknowledgement of a stream of its own; returns its update, or null when unknown. */
  StatusUpdate acknowledgeOwnStream(ByteString uuid) {
    Stream own = ownStreams.remove(uuid);
    return own == null ? null : dropHead(own);
  }

  /** Stops sending (agent disconnected); updates keep queueing. */
  void pause() {
    paused = true;
    forEachStream(this::cancelTimer);
  }

  /** Resumes after (re-)registration: resends every stream's head with a fresh backoff. */
  void resume() {
    paused = false;
    forEachStream(stream -> {
      cancelTimer(stream);
      stream.backoff = initialMillis;
      sendHead(stream);
    });
  }

  /** The update in flight of each stream: what a re-registration reports. */
  List<StatusUpdate> heads() {
    List<StatusUpdate> heads = new ArrayList<>();
    forEachStream(stream -> heads.add(withLatest(stream)));
    return heads;
  }

  /** The update in flight for one task, or null. */
  StatusUpdate head(TaskKey key) {
    Stream stream = streams.get(key);
    return stream == null ? null : withLatest(stream);
  }

  /** Unacknowledged updates across all streams. */
  int pendingCount() {
    int[] count = {0};
    forEachStream(stream -> count[0] += stream.pending.size());
    return count[0];
  }

  void close() {
    pause();
    streams.clear();
    ownStreams.clear();
  }

  private void enqueue(Stream stream, StatusUpdate update) {
    stream.pending.addLast(update);
    stream.latest = update.getStatus().getState();
    if (stream.pending.size() == 1 && !paused) {
      stream.backoff = initialMillis;
      sendHead(stream);
    }
  }

  private StatusUpdate dropHead(Stream stream) {
    cancelTimer(stream);
    StatusUpdate acked = stream.pending.pollFirst();
    if (!stream.pending.isEmpty() && !paused) {
      stream.backoff = initialMillis;
      sendHead(stream);
    }
    return acked;
  }

  private void sendHead(Stream stream) {
    if (stream.pending.isEmpty()) {
      return;
    }
    sender.accept(withLatest(stream));
    long delay = stream.backoff;
    stream.backoff = Math.min(maxMillis, stream.backoff * 2);
    stream.timer = vertx.setTimer(delay, id -> {
      stream.timer = -1;
      if (!paused) {
        sendHead(stream);
      }
    });
  }

  private static StatusUpdate withLatest(Stream stream) {
    StatusUpdate head = stream.pending.peekFirst();
    return head.getLatestState() == stream.latest ? head : head.toBuilder().setLatestState(stream.latest).build();
  }

  private void cancelTimer(Stream stream) {
    if (stream.timer >= 0) {
      vertx.cancelTimer(stream.timer);
      stream.timer = -1;
    }
  }

  private void forEachStream(Consumer<Stream> action) {
    for (Stream stream : new ArrayList<>(streams.values())) {
      action.accept(stream);
    }
    for (Stream stream : new ArrayList<>(ownStreams.values())) {
      action.accept(stream);
    }
  }
}
