package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The random sorter: weighted random order, blind to shares (seeded, so every run is the same). */
class RandomSorterTest {

  @Test
  void weightedClientsComeFirstInProportionToTheirWeight() {
    RandomSorter sorter = new RandomSorter(new DrfSorter.Totals(), new Random(42));
    sorter.add("a");
    sorter.add("b");
    sorter.updateWeight("a", 3.0);
    // P(a first) = 3 / (3 + 1) = 0.75; with weights ignored it would be 0.5.
    int aFirst = 0;
    for (int i = 0; i < 2000; i++) {
      List<String> order = sorter.sort();
      assertThat(order).containsExactlyInAnyOrder("a", "b");
      if (order.get(0).equals("a")) {
        aFirst++;
      }
    }
    assertThat(aFirst / 2000.0).isBetween(0.70, 0.80);
  }

  @Test
  void sharesAreStillTrackedForTheOperatorApi() {
    DrfSorter.Totals totals = new DrfSorter.Totals();
    RandomSorter sorter = new RandomSorter(totals, new Random(1));
    sorter.add("a");
    sorter.addTotal("agent", Resources.parse("cpus:10;mem:100"));
    sorter.allocated("a", "agent", Resources.parse("cpus:5;mem:10"));
    // dominant share = max(5/10, 10/100) = 0.5
    assertThat(sorter.share("a")).isEqualTo(0.5);
  }

  /**
   * Framework "big" uses all of agent a1; a2 (1 cpu) is free. DRF always offers a2 to "small"
   * (share 0 < big's 1); the random sorter offers it to either.
   */
  @Test
  void randomFrameworkSorterIgnoresShares() {
    assertThat(winners(AllocatorOptions.FrameworkSorter.DRF)).containsOnlyKeys("small");
    assertThat(winners(AllocatorOptions.FrameworkSorter.RANDOM)).containsKeys("small", "big");
  }

  private static Map<String, Integer> winners(AllocatorOptions.FrameworkSorter kind) {
    return winners(new AllocatorOptions().setFrameworkSorter(kind), "*", "*");
  }

  /**
   * Who of frameworks "big" (in {@code bigRole}, holding all of agent a1) and "small" (in
   * {@code smallRole}, holding nothing) is offered the free agent a2, over 60 runs.
   */
  private static Map<String, Integer> winners(AllocatorOptions options, String bigRole, String smallRole) {
    HierarchicalAllocator allocator = new HierarchicalAllocator(options);
    allocator.addAgent("a1", new AgentSpec("h1", Resources.parse("cpus:9;mem:64"), Map.of()), Map.of());
    allocator.addAgent("a2", new AgentSpec("h2", Resources.parse("cpus:1;mem:64"), Map.of()), Map.of());
    allocator.addFramework("big", FrameworkSpec.of(bigRole), Map.of("a1", Resources.parse("cpus:9;mem:64")), true);
    allocator.addFramework("small", FrameworkSpec.of(smallRole), Map.of(), true);
    Map<String, Integer> winners = new HashMap<>();
    long now = 0;
    for (int round = 0; round < 60; round++) {
      now += 1_000_000_000L;
      allocator.markAllCandidates();
      for (Allocation a : allocator.allocate(now)) {
        assertThat(a.agentId()).isEqualTo("a2");
        winners.merge(a.frameworkId(), 1, Integer::sum);
        allocator.recoverResources(a.frameworkId(), a.agentId(), a.resources(), 0, now);
      }
    }
    assertThat(winners.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(60);
    return winners;
  }

  /**
   * The same with two roles, one framework each: role "big" holds all of a1 (share 1), role
   * "small" nothing (share 0). The DRF role sorter always serves "small" first; the random role
   * sorter (as Mesos's --role_sorter=random) serves either, although both framework sorters are DRF.
   */
  @Test
  void randomRoleSorterIgnoresRoleShares() {
    assertThat(roleWinners(AllocatorOptions.FrameworkSorter.DRF)).containsOnlyKeys("small");
    assertThat(roleWinners(AllocatorOptions.FrameworkSorter.RANDOM)).containsKeys("small", "big");
  }

  private static Map<String, Integer> roleWinners(AllocatorOptions.FrameworkSorter kind) {
    return winners(new AllocatorOptions().setRoleSorter(kind), "big", "small");
  }

  @Test
  void aSorterKindIsRequired() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AllocatorOptions().setRoleSorter(null))
        .hasMessageContaining("roleSorter is null; expected DRF or RANDOM");
  }
}
