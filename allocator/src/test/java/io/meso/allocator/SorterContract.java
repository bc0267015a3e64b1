package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link Sorter} promises, whatever order it picks: membership, the bookkeeping of
 * allocations and totals behind {@link Sorter#share}, weights, and that {@link Sorter#sort} and
 * {@link Sorter#visit} hand out each client exactly once. Each implementation runs it through a
 * subclass ({@code DrfSorterContractTest}, {@code RandomSorterContractTest}); the orders
 * themselves are each sorter's own test ({@code DrfSorterTest}, {@code RandomSorterTest}).
 */
abstract class SorterContract {

  /** A fresh, empty sorter with no totals. */
  abstract Sorter newSorter();

  @Test
  void addingIsIdempotentAndRemovingForgetsTheClient() {
    Sorter s = newSorter();
    s.add("a");
    s.add("b");
    s.add("a");
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.contains("a")).isTrue();
    s.remove("a");
    s.remove("nobody");
    assertThat(s.contains("a")).isFalse();
    assertThat(s.size()).isEqualTo(1);
    assertThat(s.sort()).containsExactly("b");
  }

  @Test
  void sortHandsOutEveryClientExactlyOnce() {
    Sorter s = newSorter();
    s.addTotal("agent1", Resources.parse("cpus:10;mem:100"));
    List<String> names = List.of("a", "b", "c", "d", "e");
    for (int i = 0; i < names.size(); i++) {
      s.add(names.get(i));
      s.allocated(names.get(i), "agent1", Resources.parse("cpus:" + (i + 1)));
    }
    assertThat(s.sort()).containsExactlyInAnyOrderElementsOf(names);
    assertThat(newSorter().sort()).isEmpty();
  }

  @Test
  void visitSeesEveryClientOnceAndStopsWhenTheVisitorSaysSo() {
    Sorter s = newSorter();
    for (String c : List.of("a", "b", "c", "d")) {
      s.add(c);
    }
    List<String> all = new ArrayList<>();
    s.visit(c -> all.add(c));
    assertThat(all).containsExactlyInAnyOrder("a", "b", "c", "d");

    List<String> two = new ArrayList<>();
    s.visit(c -> {
      two.add(c);
      return two.size() < 2;
    });
    assertThat(two).hasSize(2).doesNotHaveDuplicates();
  }

  /** share = max over resources of allocated/total, divided by weight. */
  @Test
  void shareIsTheWeightedDominantShare() {
    Sorter s = newSorter();
    s.add("a");
    s.addTotal("agent1", Resources.parse("cpus:10;mem:100"));
    // max(2/10, 40/100) = 0.4
    s.allocated("a", "agent1", Resources.parse("cpus:2;mem:40"));
    assertThat(s.share("a")).isCloseTo(0.4, within(1e-9));
    // 0.4 / 2 = 0.2
    s.updateWeight("a", 2);
    assertThat(s.share("a")).isCloseTo(0.2, within(1e-9));
    // after giving back 1 cpu and 30 mem: max(1/10, 10/100) / 2 = 0.05
    s.unallocated("a", "agent1", Resources.parse("cpus:1;mem:30"));
    assertThat(s.share("a")).isCloseTo(0.05, within(1e-9));
    assertThat(s.share("nobody")).isZero();
  }

  /** The agent id given with a total is informational: one call with the sum is the same as two. */
  @Test
  void totalsAreSumsWhateverAgentTheyAreAddedFor() {
    Sorter perAgent = newSorter();
    Sorter inOne = newSorter();
    for (Sorter s : List.of(perAgent, inOne)) {
      s.add("a");
      s.allocated("a", "agent1", Resources.parse("cpus:4"));
    }
    perAgent.addTotal("agent1", Resources.parse("cpus:4"));
    perAgent.addTotal("agent2", Resources.parse("cpus:4"));
    inOne.addTotal("cluster", Resources.parse("cpus:8"));
    // 4 / 8 = 0.5 either way
    assertThat(perAgent.share("a")).isCloseTo(0.5, within(1e-9));
    assertThat(inOne.share("a")).isCloseTo(0.5, within(1e-9));
    // Without agent2's 4 cpus: 4 / 4 = 1
    perAgent.removeTotal("agent2", Resources.parse("cpus:4"));
    assertThat(perAgent.share("a")).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void givingBackMoreThanHeldClampsAtNothing() {
    Sorter s = newSorter();
    s.add("a");
    s.addTotal("agent1", Resources.parse("cpus:10"));
    s.allocated("a", "agent1", Resources.parse("cpus:1"));
    s.unallocated("a", "agent1", Resources.parse("cpus:5"));
    assertThat(s.share("a")).isZero();
    // And what it then holds counts from zero: 2 / 10.
    s.allocated("a", "agent1", Resources.parse("cpus:2"));
    assertThat(s.share("a")).isCloseTo(0.2, within(1e-9));
  }

  @Test
  void aClientAddedAgainStartsWithNothingAndWeightOne() {
    Sorter s = newSorter();
    s.addTotal("agent1", Resources.parse("cpus:10"));
    s.add("a");
    s.updateWeight("a", 4);
    s.allocated("a", "agent1", Resources.parse("cpus:8"));
    s.remove("a");
    s.add("a");
    assertThat(s.share("a")).isZero();
    // weight 1 again: 5 / 10 = 0.5 (it would be 0.125 with the old weight)
    s.allocated("a", "agent1", Resources.parse("cpus:5"));
    assertThat(s.share("a")).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void allocationsOfAnUnknownClientAreIgnored() {
    Sorter s = newSorter();
    s.addTotal("agent1", Resources.parse("cpus:10"));
    s.allocated("ghost", "agent1", Resources.parse("cpus:5"));
    s.unallocated("ghost", "agent1", Resources.parse("cpus:1"));
    assertThat(s.contains("ghost")).isFalse();
    assertThat(s.size()).isZero();
    s.add("ghost");
    assertThat(s.share("ghost")).isZero();
  }

  @ParameterizedTest(name = "weight {0}")
  @ValueSource(doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY})
  void aWeightMustBePositiveAndFinite(double weight) {
    Sorter s = newSorter();
    s.add("a");
    assertThatThrownBy(() -> s.updateWeight("a", weight))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a'")
        .hasMessageContaining("expected a positive finite number");
  }
}
