package io.meso.services.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Ordering of {@link OrderedWrites} with writes the test completes by hand. */
class OrderedWritesTest {

  /** The writes started, in order; each completes when the test says. */
  final List<CompletableFuture<Boolean>> started = new ArrayList<>();
  final List<String> keys = new ArrayList<>();
  final OrderedWrites writes = new OrderedWrites((section, key, value) -> {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    started.add(f);
    keys.add(key + "=" + (value == null ? "-" : new String(value)));
    return f;
  });

  @Test
  void whoeverSeesABarrierFailSeesTheStopAlreadyHandled() {
    List<String> stops = new CopyOnWriteArrayList<>();
    writes.onStop(stops::add);
    writes.submit("s", "a", "1".getBytes());
    List<Integer> stopsSeenByBarrier = new ArrayList<>();
    CompletableFuture<Boolean> barrier = writes.barrier()
        .whenComplete((ok, err) -> stopsSeenByBarrier.add(stops.size()));

    started.get(0).complete(false);

    assertThat(barrier.join()).isFalse();
    assertThat(stopsSeenByBarrier).containsExactly(1);
    assertThat(stops).singleElement().asString().isEqualTo("the write of s/a was refused: a newer leader holds the store");
    assertThat(writes.submit("s", "b", "2".getBytes()).join()).isFalse();
    assertThat(started).hasSize(1);
  }

  @Test
  void aValueWaitingBehindAWriteIsReplacedByANewerOneAndWrittenAfterIt() {
    CompletableFuture<Boolean> first = writes.submit("s", "a", "1".getBytes());
    CompletableFuture<Boolean> second = writes.submit("s", "a", "2".getBytes());
    CompletableFuture<Boolean> third = writes.submit("s", "a", "3".getBytes());
    writes.submit("s", "b", null);
    assertThat(keys).containsExactly("a=1", "b=-");
    CompletableFuture<Boolean> barrier = writes.barrier();

    started.get(0).complete(true);
    assertThat(first).isCompletedWithValue(true);
    assertThat(keys).containsExactly("a=1", "b=-", "a=3");
    assertThat(second).isSameAs(third).isNotDone();
    started.get(1).complete(true);
    assertThat(barrier).isNotDone();
    started.get(2).complete(true);
    assertThat(third).isCompletedWithValue(true);
    assertThat(barrier).isCompletedWithValue(true);
  }

  @Test
  void aFailedWriteStopsTheStoreAndDropsTheValueWaitingBehindIt() {
    List<String> stops = new CopyOnWriteArrayList<>();
    CompletableFuture<Boolean> first = writes.submit("s", "a", "1".getBytes());
    CompletableFuture<Boolean> waiting = writes.submit("s", "a", "2".getBytes());
    started.get(0).completeExceptionally(new IllegalStateException("registry unreachable"));
    assertThat(first).isCompletedWithValue(false);
    assertThat(waiting).isCompletedWithValue(false);
    assertThat(started).hasSize(1);
    writes.onStop(stops::add);
    assertThat(stops).singleElement().asString()
        .isEqualTo("the write of s/a failed: java.lang.IllegalStateException: registry unreachable");
  }
}
