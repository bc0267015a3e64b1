package io.meso.services.runtime;

import io.meso.services.store.ServicesStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Saving before acting: what the framework changes is saved ({@link Persistence}) once per
 * event-loop task, and what follows from a change and reaches the master or a client (a launch,
 * a kill, an acknowledgement, an API answer) waits until that save and every earlier write are in
 * the store. So whatever the master or a client saw is known to the next leader: it never meets a
 * task it did not know of, and an acknowledged status (a health verdict the agent will not repeat)
 * is never lost. Effects run on the framework's event loop, in the order they were given; once the
 * store stopped (a newer leader holds it) they are dropped. Runs on the framework's event loop.
 */
final class SavedEffects {

  /** The effects waiting for one save. */
  private static final class Batch {
    final List<Runnable> effects;
    final Promise<Void> done = Promise.promise();
    Boolean saved;

    Batch(List<Runnable> effects) {
      this.effects = effects;
    }
  }

  private final Context context;
  private final Persistence persistence;
  private final ServicesStore store;
  private final BooleanSupplier stopped;
  private final List<Runnable> waiting = new ArrayList<>();
  private final ArrayDeque<Batch> batches = new ArrayDeque<>();
  private boolean scheduled;

  SavedEffects(Context context, Persistence persistence, ServicesStore store, BooleanSupplier stopped) {
    this.context = context;
    this.persistence = persistence;
    this.store = store;
    this.stopped = stopped;
  }

  /** Runs {@code effect} once everything changed so far is saved. */
  void after(Runnable effect) {
    waiting.add(effect);
    schedule();
  }

  /** Saves what changed once the current event-loop task is done (one save for all it did). */
  void schedule() {
    if (!scheduled && !stopped.getAsBoolean()) {
      scheduled = true;
      context.runOnContext(v -> {
        if (scheduled) {
          save();
        }
      });
    }
  }

  /**
   * Saves what changed now; once that and every earlier write is in, carries out the effects
   * waiting for it and completes (fails with {@link ServicesFramework.NotLeadingException} if the
   * store stopped).
   */
  Future<Void> save() {
    scheduled = false;
    if (stopped.getAsBoolean()) {
      return Future.failedFuture(new ServicesFramework.NotLeadingException(String.valueOf(store.stoppedBecause())));
    }
    persistence.save();
    Batch batch = new Batch(List.copyOf(waiting));
    waiting.clear();
    batches.add(batch);
    store.barrier().whenComplete((ok, err) -> context.runOnContext(v -> {
      batch.saved = err == null && Boolean.TRUE.equals(ok);
      flush();
    }));
    return batch.done.future();
  }

  /** The store stopped: nothing waiting is carried out. */
  void stop() {
    waiting.clear();
    flush();
  }

  /** Carries out the saved batches at the head, in order (a later save may be in before an earlier one). */
  private void flush() {
    while (!batches.isEmpty() && (batches.peek().saved != null || stopped.getAsBoolean())) {
      Batch b = batches.poll();
      if (Boolean.TRUE.equals(b.saved) && !stopped.getAsBoolean()) {
        b.effects.forEach(Runnable::run);
        b.done.complete();
      } else {
        b.done.fail(new ServicesFramework.NotLeadingException(String.valueOf(store.stoppedBecause())));
      }
    }
  }
}
