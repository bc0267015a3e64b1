package io.meso.allocator;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Mesos's {@code HierarchicalAllocator_BENCHMARK_Test.DeclineOffers}: 10,000 agents
 * {@code cpus:24;mem:4096;disk:4096;ports:[31000-32000]}, each already running {@code cpus:16}
 * for one framework (round-robin), 1,000 frameworks in one role that decline every offer with a
 * long filter (refuse_seconds = INT_MAX).
 *
 * <p>One invocation is the whole progression from a fresh cluster: the first run (in setup)
 * offers every agent to one framework; each of the next {@code frameworks} rounds declines all
 * the previous run's offers with the long filter and does a full allocation run, so each agent
 * is offered to the next framework that has not filtered it yet; the last run finds every pair
 * filtered and offers nothing. The score is per round (decline of ~{@code agents} offers plus
 * one full run), averaged over the progression.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DeclineOffersBenchmark {

  @Param("10000")
  int agents;

  /** Must equal the rounds constant of {@link #progression} (OperationsPerInvocation is static). */
  @Param("1000")
  int frameworks;

  HierarchicalAllocator allocator;
  List<Allocation> offers;
  long now = 1_000 * BenchClusters.SECOND;
  long allocateNanos;
  long maxAllocateNanos;
  int runs;
  long offered;

  @Setup(Level.Iteration)
  public void setUp() {
    if (frameworks != ROUNDS) {
      throw new IllegalArgumentException("frameworks is " + frameworks + "; this benchmark runs " + ROUNDS + " rounds");
    }
    allocator = BenchClusters.allocator();
    BenchClusters.addFrameworks(allocator, frameworks, "role1");
    BenchClusters.addAgents(allocator, agents, frameworks, true);
    allocator.markAllCandidates();
    offers = allocator.allocate(now);
    allocateNanos = 0;
    maxAllocateNanos = 0;
    runs = 0;
    offered = 0;
  }

  static final int ROUNDS = 1000;

  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public int progression() {
    int last = 0;
    for (int r = 0; r < ROUNDS; r++) {
      BenchClusters.declineAll(allocator, offers, now);
      allocator.markAllCandidates();
      long t0 = System.nanoTime();
      offers = allocator.allocate(now);
      long t = System.nanoTime() - t0;
      allocateNanos += t;
      maxAllocateNanos = Math.max(maxAllocateNanos, t);
      runs++;
      offered += offers.size();
      last = offers.size();
    }
    return last;
  }

  @TearDown(Level.Iteration)
  public void check() {
    if (!offers.isEmpty()) {
      throw new IllegalStateException("after " + ROUNDS + " rounds the last run still offered " + offers.size());
    }
    System.out.printf("%n  [DeclineOffers] %d runs, %d offers declined: allocate() alone mean %.2f ms, max %.2f ms%n",
        runs, offered + agents, allocateNanos / 1e6 / runs, maxAllocateNanos / 1e6);
  }
}
