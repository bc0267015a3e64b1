package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DrfSorterTest {

  private static final Resources TOTAL = Resources.parse("cpus:10;mem:40;ports:[1-1000]");

  /**
   * Clients are {@code name[*weight]=resources} separated by {@code /}; the cluster total is
   * cpus:10;mem:40 (ports are not scalars and never count).
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      # a: max(2/10, 10/40)=0.25; b: max(3/10, 4/40)=0.3
      a=cpus:2;mem:10 / b=cpus:3;mem:4                                  | a b   | 0.25 0.3
      # a: 0.25 / weight 2 = 0.125; b: max(0.1, 8/40=0.2) = 0.2; c holds nothing: 0
      a*2=cpus:2;mem:10 / b=cpus:1;mem:8 / c=                           | c a b | 0.125 0.2 0
      # a and b: 5/10 = 0.5, tie broken by name; c: 0.5 / 2 = 0.25
      b=cpus:5 / a=cpus:5 / c*2=cpus:5                                  | c a b | 0.5 0.5 0.25
      # a: 1/10 = 0.1; b: 5/40 = 0.125; ports do not count: c holds 900 ports and no scalar
      a=cpus:1 / b=mem:5 / c=ports:[1-900]                              | c a b | 0.1 0.125 0
      # a: max(4/10, 30/40=0.75) / 3 = 0.25; b: max(0.2, 0.1)=0.2 / 0.5 = 0.4
      a*3=cpus:4;mem:30 / b*0.5=cpus:2;mem:4                            | a b   | 0.25 0.4
      # gpus has no total: a's 1 gpu is left out, a = 0.1; b = 0.2
      a=cpus:1;gpus:1 / b=cpus:2                                        | a b   | 0.1 0.2
      """)
  void ordersByWeightedDominantShare(String clients, String expectedOrder, String expectedShares) {
    DrfSorter sorter = new DrfSorter();
    sorter.addTotal("agent1", TOTAL);
    List<String> names = new ArrayList<>();
    for (String client : clients.split(" / ")) {
      String[] kv = client.trim().split("=", 2);
      String[] nameWeight = kv[0].split("\\*");
      String name = nameWeight[0];
      names.add(name);
      sorter.add(name);
      if (nameWeight.length > 1) {
        sorter.updateWeight(name, Double.parseDouble(nameWeight[1]));
      }
      sorter.allocated(name, "agent1", Resources.parse(kv[1]));
    }
    assertThat(sorter.sort()).containsExactly(expectedOrder.split(" "));
    String[] shares = expectedShares.split(" ");
    for (int i = 0; i < names.size(); i++) {
      assertThat(sorter.share(names.get(i))).as(names.get(i)).isCloseTo(Double.parseDouble(shares[i]), within(1e-9));
    }
  }

  @Test
  void incrementalUpdatesReorder() {
    DrfSorter sorter = new DrfSorter();
    sorter.addTotal("agent1", TOTAL);
    sorter.add("a");
    sorter.add("b");
    assertThat(sorter.sort()).containsExactly("a", "b"); // both 0: by name
    sorter.allocated("a", "agent1", Resources.parse("cpus:1")); // a 0.1
    assertThat(sorter.sort()).containsExactly("b", "a");
    sorter.allocated("b", "agent1", Resources.parse("mem:8")); // b 0.2
    assertThat(sorter.sort()).containsExactly("a", "b");
    sorter.unallocated("b", "agent1", Resources.parse("mem:100")); // clamps at 0
    assertThat(sorter.share("b")).isZero();
    assertThat(sorter.sort()).containsExactly("b", "a");
  }

  @Test
  void totalsChangeRecomputesEveryShare() {
    DrfSorter.Totals totals = new DrfSorter.Totals();
    DrfSorter one = new DrfSorter(totals);
    DrfSorter two = new DrfSorter(totals);
    one.addTotal("agent1", Resources.parse("cpus:10;mem:100"));
    one.add("a");
    one.add("b");
    one.allocated("a", "agent1", Resources.parse("cpus:2")); // 0.2
    one.allocated("b", "agent1", Resources.parse("mem:30")); // 0.3
    assertThat(one.sort()).containsExactly("a", "b");
    // Through the other sorter: cpus total 10 -> 2 makes a's share 1.0, b's stays 0.3.
    two.removeTotal("agent1", Resources.parse("cpus:8"));
    assertThat(one.sort()).containsExactly("b", "a");
    assertThat(one.share("a")).isEqualTo(1.0);
  }

  @Test
  void visitStopsWhenTheVisitorSaysSo() {
    DrfSorter sorter = new DrfSorter();
    for (String c : List.of("c", "a", "b")) {
      sorter.add(c);
    }
    List<String> seen = new ArrayList<>();
    sorter.visit(c -> {
      seen.add(c);
      return !c.equals("b");
    });
    assertThat(seen).containsExactly("a", "b");
  }

  @Test
  void removeAndUnknownClients() {
    DrfSorter sorter = new DrfSorter();
    sorter.add("a");
    sorter.add("a");
    assertThat(sorter.size()).isEqualTo(1);
    sorter.allocated("ghost", "agent1", Resources.parse("cpus:1"));
    assertThat(sorter.contains("ghost")).isFalse();
    sorter.remove("a");
    assertThat(sorter.sort()).isEmpty();
    assertThatThrownBy(() -> sorter.updateWeight("a", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weight of 'a' is 0.0; expected a positive finite number");
  }
}
