package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The per-agent filter bitsets: the {@code held} bit mirrors "a filter of this subscription is
 * here", the {@code refusesShared} bit "that filter refuses the shared object", across word
 * boundaries, replacement, removal and expiry.
 */
class FilterSetTest {

  private static final FrameworkState FW = new FrameworkState("f", FrameworkSpec.of("r"), true, new long[SkipReason.values().length]);

  private static Subscription sub(int index) {
    return new Subscription(FW, "r" + index, index);
  }

  private static TreeSet<Integer> bits(long[] words) {
    TreeSet<Integer> out = new TreeSet<>();
    for (int w = 0; w < words.length; w++) {
      for (int b = 0; b < 64; b++) {
        if ((words[w] & (1L << b)) != 0) {
          out.add(w * 64 + b);
        }
      }
    }
    return out;
  }

  /**
   * Steps {@code put:index:resources:expiry}, {@code remove:index}, {@code purge:now}, separated
   * by spaces; then the indexes whose held and refuses-shared bits are set, the filter count
   * and the expiry lower bound.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # one filter: both bits
      put:0:cpus:1:10                                                 | 0         | 0         | 1 | 10
      # word boundaries: 63, 64 and 130 live in three different words
      put:63:cpus:1:10 put:64:cpus:1:20 put:130:cpus:1:5              | 63 64 130 | 63 64 130 | 3 | 5
      # equal refused resources share the object: every filter keeps its shared bit
      put:1:cpus:1:10 put:2:cpus:1:10                                 | 1 2       | 1 2       | 2 | 10
      # a different refused object: the older filters are checked in full from now on
      put:1:cpus:1:10 put:2:cpus:2:10                                 | 1 2       | 2         | 2 | 10
      # replacing a filter keeps one filter; it refuses the shared object again
      put:1:cpus:1:10 put:2:cpus:2:10 put:1:cpus:2:30                 | 1 2       | 1 2       | 2 | 10
      # removing clears both bits
      put:1:cpus:1:10 put:70:cpus:1:10 remove:1                       | 70        | 70        | 1 | 10
      # removing what is not there changes nothing
      put:1:cpus:1:10 remove:2 remove:700                             | 1         | 1         | 1 | 10
      # purge before the earliest expiry removes nothing
      put:1:cpus:1:10 put:2:cpus:1:20 purge:9                         | 1 2       | 1 2       | 2 | 10
      # purge at an expiry removes it (expired at now >= expiry) and the bound becomes exact
      put:1:cpus:1:10 put:2:cpus:1:20 put:65:cpus:1:15 purge:15       | 2         | 2         | 1 | 20
      # purge of everything
      put:1:cpus:1:10 put:2:cpus:1:20 purge:20                        |           |           | 0 | 9223372036854775807
      """)
  void bitsMirrorTheFilters(String steps, String held, String shared, int size, long minExpiry) {
    FilterSet filters = new FilterSet();
    Subscription[] subs = new Subscription[1000];
    for (String step : steps.trim().split(" ")) {
      String[] p = step.split(":");
      switch (p[0]) {
        case "put" -> {
          int i = Integer.parseInt(p[1]);
          subs[i] = subs[i] == null ? sub(i) : subs[i];
          if (filters.put(subs[i], Resources.parse(p[2] + ":" + p[3]), Long.parseLong(p[4]))) {
            subs[i].filterCount++;
          }
        }
        case "remove" -> {
          int i = Integer.parseInt(p[1]);
          if (subs[i] != null && filters.remove(subs[i])) {
            subs[i].filterCount--;
          }
        }
        case "purge" -> filters.purgeExpired(Long.parseLong(p[1]));
        default -> throw new IllegalArgumentException(step);
      }
    }
    assertThat(bits(filters.held)).as("held").containsExactlyElementsOf(ints(held));
    assertThat(bits(filters.refusesShared)).as("refuses shared").containsExactlyElementsOf(ints(shared));
    assertThat(filters.size()).isEqualTo(size);
    assertThat(filters.minExpiry).isEqualTo(minExpiry);
    for (int i = 0; i < subs.length; i++) {
      assertThat(filters.holds(i)).as("holds(%d)", i).isEqualTo(ints(held).contains(i));
      if (subs[i] != null) {
        assertThat(subs[i].filterCount).as("filterCount of %d", i).isEqualTo(ints(held).contains(i) ? 1 : 0);
        assertThat(filters.get(subs[i]) != null).isEqualTo(ints(held).contains(i));
      }
    }
    for (int i : ints(shared)) {
      assertThat(filters.get(subs[i]).refused()).as("filter %d refuses the shared object", i).isSameAs(filters.shared);
    }
  }

  @Test
  void earliestExpiryOfTheFiltersFoundFilteredInAWalk() {
    FilterSet filters = new FilterSet();
    Subscription a = sub(0);
    Subscription b = sub(1);
    Subscription c = sub(2);
    filters.put(a, Resources.parse("cpus:1"), 30);
    filters.put(b, Resources.parse("cpus:1"), 10);
    filters.put(c, Resources.parse("cpus:1"), 20);
    a.filteredInWalk = 7;
    c.filteredInWalk = 7;
    b.filteredInWalk = 6; // b expires first, but it did not block walk 7
    assertThat(filters.earliestExpiryFilteredIn(7)).isEqualTo(20);
    assertThat(filters.earliestExpiryFilteredIn(8)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void freeResourcesEqualToTheSharedRefusedAreThatObject() {
    AgentState a = new AgentState("a", new AgentSpec("a", Resources.parse("cpus:4;mem:64"), Map.of()));
    Resources refused = Resources.parse("cpus:4;mem:64");
    a.filters.put(sub(0), refused, 10);
    assertThat(a.free()).isSameAs(refused);
    a.allocated = Resources.parse("cpus:1");
    a.version++;
    assertThat(a.free()).isNotSameAs(refused).isEqualTo(Resources.parse("cpus:3;mem:64"));
  }

  private static List<Integer> ints(String s) {
    List<Integer> out = new ArrayList<>();
    if (s != null && !s.isBlank()) {
      for (String t : s.trim().split(" ")) {
        out.add(Integer.parseInt(t));
      }
    }
    return out;
  }
}
