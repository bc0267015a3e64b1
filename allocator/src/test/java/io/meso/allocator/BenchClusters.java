package io.meso.allocator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cluster shapes of Mesos's allocator benchmarks
 * ({@code hierarchical_allocator_benchmarks.cpp}), built directly on the core for the JMH
 * benchmarks in this package ({@code *Benchmark}, run by JMH, never by surefire).
 */
final class BenchClusters {

  static final long SECOND = 1_000_000_000L;
  /** Mesos's DeclineOffers agent. */
  static final String AGENT = "cpus:24;mem:4096;disk:4096;ports:[31000-32000]";
  /** What each DeclineOffers agent already runs, for one framework (round-robin). */
  static final Resources USED = Resources.parse("cpus:16");
  /** Mesos declines with refuse_seconds = INT_MAX ("a long filter"). */
  static final double LONG_FILTER = Integer.MAX_VALUE;

  private BenchClusters() {}

  static HierarchicalAllocator allocator() {
    return new HierarchicalAllocator(new AllocatorOptions().setAllocationInterval(Duration.ofSeconds(1)));
  }

  static String agentId(int i) {
    return String.format("agent-%05d", i);
  }

  static String frameworkId(int i) {
    return String.format("framework-%04d", i);
  }

  static void addFrameworks(HierarchicalAllocator allocator, int count, String role) {
    for (int i = 0; i < count; i++) {
      allocator.addFramework(frameworkId(i), FrameworkSpec.of(role), Map.of(), true);
    }
  }

  /** Agents {@link #AGENT}; with {@code withUsage}, each runs {@link #USED} for framework i mod frameworks. */
  static void addAgents(HierarchicalAllocator allocator, int count, int frameworks, boolean withUsage) {
    Resources total = Resources.parse(AGENT);
    for (int i = 0; i < count; i++) {
      Map<String, Resources> used = withUsage ? Map.of(frameworkId(i % frameworks), USED) : Map.of();
      allocator.addAgent(agentId(i), new AgentSpec(agentId(i) + ".example", total, Map.of()), used);
    }
  }

  /** Declines every offer with a long filter, as Mesos's DeclineOffers does; returns how many. */
  static int declineAll(HierarchicalAllocator allocator, List<Allocation> offers, long now) {
    for (Allocation a : offers) {
      allocator.recoverResources(a.frameworkId(), a.agentId(), a.resources(), LONG_FILTER, now);
    }
    return offers.size();
  }

  /** Runs rounds of (full run, decline everything) until a run offers nothing; returns the rounds that offered. */
  static int declineUntilAllFiltered(HierarchicalAllocator allocator, long now) {
    int rounds = 0;
    while (true) {
      allocator.markAllCandidates();
      List<Allocation> offers = allocator.allocate(now);
      if (offers.isEmpty()) {
        return rounds;
      }
      declineAll(allocator, offers, now);
      rounds++;
    }
  }

  static List<String> ids(int count, java.util.function.IntFunction<String> id) {
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(id.apply(i));
    }
    return out;
  }
}
