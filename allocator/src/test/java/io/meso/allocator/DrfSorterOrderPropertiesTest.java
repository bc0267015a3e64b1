package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The sorted array of {@link DrfSorter} (moved incrementally on each change) against a model
 * that sorts from scratch: after random adds, removes, allocations, weights and totals changes,
 * {@link DrfSorter#sort()} is the model's order and {@link DrfSorter#payloadAt} returns each
 * client's payload at its position.
 */
class DrfSorterOrderPropertiesTest {

  private static final List<String> CHUNKS = List.of("cpus:1", "mem:8", "cpus:2;mem:4", "cpus:0.5", "disk:10");

  @Provide
  Arbitrary<List<Integer>> steps() {
    return Arbitraries.integers().between(0, 1_000_000).list().ofMinSize(1).ofMaxSize(200);
  }

  @Property(tries = 300)
  void arrayOrderIsTheSortedOrder(@ForAll("steps") List<Integer> steps) {
    DrfSorter sorter = new DrfSorter();
    sorter.addTotal("agents", Resources.parse("cpus:20;mem:100;disk:100"));
    Map<String, Resources> held = new HashMap<>();
    Map<String, Double> weights = new HashMap<>();
    for (int step : steps) {
      int op = step % 7;
      int p = step / 7;
      String client = "c" + (p % 12);
      Resources chunk = Resources.parse(CHUNKS.get(p / 12 % CHUNKS.size()));
      switch (op) {
        case 0 -> {
          sorter.add(client);
          held.putIfAbsent(client, Resources.EMPTY);
          sorter.attach(client, "payload-" + client);
        }
        case 1 -> {
          sorter.remove(client);
          held.remove(client);
          weights.remove(client);
        }
        case 2, 3 -> {
          sorter.allocated(client, "a", chunk);
          held.computeIfPresent(client, (k, r) -> r.plus(chunk));
        }
        case 4 -> {
          sorter.unallocated(client, "a", chunk);
          held.computeIfPresent(client, (k, r) -> r.minus(chunk));
        }
        case 5 -> {
          double w = 0.5 + p / 12 % 4;
          sorter.updateWeight(client, w);
          if (held.containsKey(client)) {
            weights.put(client, w);
          }
        }
        default -> {
          if (p % 2 == 0) {
            sorter.addTotal("b", chunk);
          } else {
            sorter.removeTotal("b", chunk);
          }
        }
      }
      List<String> expected = new ArrayList<>(held.keySet());
      expected.sort(Comparator.<String>comparingDouble(c -> sorter.share(c)).thenComparing(c -> c));
      assertThat(sorter.sort()).as("after step %d", step).containsExactlyElementsOf(expected);
      sorter.prepareOrder();
      for (int i = 0; i < expected.size(); i++) {
        assertThat(sorter.payloadAt(i)).isEqualTo("payload-" + expected.get(i));
      }
      for (String c : held.keySet()) {
        double total = Math.max(held.get(c).scalarMillis("cpus") / 1000.0 / totalOf(sorter, "cpus"),
            Math.max(held.get(c).scalarMillis("mem") / 1000.0 / totalOf(sorter, "mem"),
                held.get(c).scalarMillis("disk") / 1000.0 / totalOf(sorter, "disk")));
        assertThat(sorter.share(c)).as("share of %s", c)
            .isCloseTo(total / weights.getOrDefault(c, 1.0), org.assertj.core.data.Offset.offset(1e-9));
      }
    }
  }

  private static double totalOf(DrfSorter sorter, String name) {
    double t = sorter.totals().get(name);
    return t > 0 ? t : Double.POSITIVE_INFINITY;
  }
}
