package io.meso.allocator;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The all-declined case: {@code agents} x {@code frameworks} (1,000 x 1,000), every framework
 * has declined every agent with a long filter, so a full allocation run has nothing to offer.
 * A filtered pair must cost nothing: with the agent memo a run is O(agents); {@code memo=false}
 * shows what the walk over every filtered pair costs without it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class AllDeclinedBenchmark {

  @Param("1000")
  int agents;

  @Param("1000")
  int frameworks;

  @Param({"true", "false"})
  boolean memo;

  HierarchicalAllocator allocator;
  long now = 1_000 * BenchClusters.SECOND;

  @Setup(Level.Trial)
  public void setUp() {
    allocator = BenchClusters.allocator();
    BenchClusters.addFrameworks(allocator, frameworks, "role1");
    BenchClusters.addAgents(allocator, agents, frameworks, true);
    int rounds = BenchClusters.declineUntilAllFiltered(allocator, now);
    if (rounds != frameworks) {
      throw new IllegalStateException("expected " + frameworks + " rounds of offers, got " + rounds);
    }
    allocator.memoEnabled = memo;
  }

  @Benchmark
  public List<Allocation> fullRun() {
    allocator.markAllCandidates();
    List<Allocation> offers = allocator.allocate(now);
    if (!offers.isEmpty()) {
      throw new IllegalStateException("all pairs are filtered, yet the run offered " + offers.size());
    }
    return offers;
  }
}
