package io.meso.allocator;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Mesos's SuppressOffers shape: {@code agents} (10,000) agents with {@code cpus:16} of 24 in use,
 * {@code frameworks} (1,000) frameworks that all suppress offers. {@code suppressAllAndRun}: one
 * shot from a cluster whose free resources are all offered and declined without a filter,
 * every framework suppresses and a full run follows (it must offer nothing).
 * {@code fullRunAllSuppressed}: the steady state, a full run while everyone is suppressed.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SuppressOffersBenchmark {

  /** A cluster whose free resources were all offered once and declined without a filter. */
  @State(Scope.Thread)
  public static class Cluster {
    @Param("10000")
    int agents;

    @Param("1000")
    int frameworks;

    HierarchicalAllocator allocator;
    final long now = 1_000 * BenchClusters.SECOND;

    @Setup(Level.Iteration)
    public void setUp() {
      allocator = BenchClusters.allocator();
      BenchClusters.addFrameworks(allocator, frameworks, "role1");
      BenchClusters.addAgents(allocator, agents, frameworks, true);
      allocator.markAllCandidates();
      for (Allocation a : allocator.allocate(now)) {
        allocator.recoverResources(a.frameworkId(), a.agentId(), a.resources(), 0, now);
      }
    }

    void suppressAll() {
      for (int i = 0; i < frameworks; i++) {
        allocator.suppressOffers(BenchClusters.frameworkId(i), Set.of());
      }
    }

    List<Allocation> runExpectingNothing() {
      allocator.markAllCandidates();
      List<Allocation> offers = allocator.allocate(now);
      if (!offers.isEmpty()) {
        throw new IllegalStateException("every framework is suppressed, yet the run offered " + offers.size());
      }
      return offers;
    }
  }

  /** The same cluster with every framework already suppressed. */
  @State(Scope.Thread)
  public static class Suppressed extends Cluster {
    @Override
    @Setup(Level.Iteration)
    public void setUp() {
      super.setUp();
      suppressAll();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public List<Allocation> suppressAllAndRun(Cluster c) {
    c.suppressAll();
    return c.runExpectingNothing();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public List<Allocation> fullRunAllSuppressed(Suppressed c) {
    return c.runExpectingNothing();
  }
}
