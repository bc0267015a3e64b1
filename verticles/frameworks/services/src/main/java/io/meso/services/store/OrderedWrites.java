package io.meso.services.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Writes to keyed storage, in order per key: at most one write per key is in flight; a value
 * submitted while one is, waits, and a newer value for the same key replaces one still waiting
 * (only the latest state of a key matters, and a burst of changes costs two writes, not one per
 * change). Writes to different keys go side by side. An asynchronous write API does not order
 * writes by itself: a registry write reads the leader's token first, so two writes to one key
 * started back to back could land in either order.
 *
 * <p>The first write that is refused (a newer leader holds the data) or fails stops everything:
 * the stop handler is told once why (before the refused write's future, or any barrier waiting
 * on it, completes), and every later write completes with false without being tried. {@link #barrier} tells when everything submitted so far is written. Thread-safe; plain
 * Java.
 */
final class OrderedWrites {

  /** One write: {@code value} null removes; completes true if written, false if refused. */
  interface Write {
    CompletionStage<Boolean> apply(String section, String key, byte[] value);
  }

  private record Key(String section, String key) {}

  /** The write in flight for a key, and the value waiting behind it. */
  private static final class Slot {
    CompletableFuture<Boolean> inFlight;
    boolean hasNext;
    byte[] next;
    CompletableFuture<Boolean> nextDone;
  }

  private final Write write;
  private final Map<Key, Slot> slots = new HashMap<>();
  private final List<Consumer<String>> stopHandlers = new ArrayList<>();
  private String stopped;

  OrderedWrites(Write write) {
    this.write = write;
  }

  /** Submits a write; the future completes true once this value (or a newer one of the key) is written. */
  CompletableFuture<Boolean> submit(String section, String key, byte[] value) {
    Key k = new Key(section, key);
    CompletableFuture<Boolean> done;
    synchronized (this) {
      if (stopped != null) {
        return CompletableFuture.completedFuture(false);
      }
      Slot slot = slots.get(k);
      if (slot != null) {
        slot.hasNext = true;
        slot.next = value;
        if (slot.nextDone == null) {
          slot.nextDone = new CompletableFuture<>();
        }
        return slot.nextDone;
      }
      slot = new Slot();
      slots.put(k, slot);
      done = new CompletableFuture<>();
      slot.inFlight = done;
    }
    start(k, done, value);
    return done;
  }

  /** Completes true when every write submitted so far is written, false if the writes stopped. */
  CompletableFuture<Boolean> barrier() {
    List<CompletableFuture<Boolean>> pending = new ArrayList<>();
    synchronized (this) {
      if (stopped != null) {
        return CompletableFuture.completedFuture(false);
      }
      for (Slot slot : slots.values()) {
        pending.add(slot.nextDone != null ? slot.nextDone : slot.inFlight);
      }
    }
    if (pending.isEmpty()) {
      return CompletableFuture.completedFuture(true);
    }
    return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> pending.stream().allMatch(CompletableFuture::join) && stoppedBecause() == null);
  }

  /** Why the writes stopped, or null while they go on. */
  synchronized String stoppedBecause() {
    return stopped;
  }

  /** Adds a handler told once (on the thread of the write that stopped them) why the writes stopped. */
  void onStop(Consumer<String> handler) {
    String why;
    synchronized (this) {
      why = stopped;
      if (why == null) {
        stopHandlers.add(handler);
        return;
      }
    }
    handler.accept(why);
  }

  private void start(Key k, CompletableFuture<Boolean> done, byte[] value) {
    CompletionStage<Boolean> stage;
    try {
      stage = write.apply(k.section(), k.key(), value);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((ok, err) -> finished(k, done, Boolean.TRUE.equals(ok) && err == null,
        err != null ? "the write of " + k.section() + "/" + k.key() + " failed: " + err
            : "the write of " + k.section() + "/" + k.key() + " was refused: a newer leader holds the store"));
  }

  private void finished(Key k, CompletableFuture<Boolean> done, boolean written, String failure) {
    List<Consumer<String>> tell = List.of();
    String why = null;
    byte[] nextValue = null;
    CompletableFuture<Boolean> nextDone = null;
    CompletableFuture<Boolean> dropped = null;
    synchronized (this) {
      if (!written && stopped == null) {
        stopped = failure;
        why = failure;
        tell = List.copyOf(stopHandlers);
        stopHandlers.clear();
      }
      Slot slot = slots.get(k);
      if (slot.hasNext && stopped == null) {
        nextValue = slot.next;
        nextDone = slot.nextDone;
        slot.inFlight = nextDone;
        slot.hasNext = false;
        slot.next = null;
        slot.nextDone = null;
      } else {
        dropped = slot.nextDone;
        slots.remove(k);
      }
    }
    // The stop handlers run before any future completes: whoever sees a write or a barrier
    // complete false may rely on the stop having been handled.
    for (Consumer<String> handler : tell) {
      handler.accept(why);
    }
    if (nextDone != null) {
      start(k, nextDone, nextValue);
    }
    done.complete(written);
    if (dropped != null) {
      dropped.complete(false);
    }
  }
}
