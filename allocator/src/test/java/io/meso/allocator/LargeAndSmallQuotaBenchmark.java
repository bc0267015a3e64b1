package io.meso.allocator;

import java.util.List;
import java.util.Map;
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
 * Mesos's LargeAndSmallQuota shape: {@code agents} (3,000) agents {@code cpus:2;mem:2048},
 * {@code roles} (3,000) roles with quota and one framework each. Even roles have a "large"
 * quota (guarantee = limit = {@code cpus:2;mem:2048}, one agent's worth), odd roles a "small"
 * one ({@code cpus:0.5;mem:512}): 3,750 of the 6,000 cpus are guaranteed.
 *
 * <p>{@code firstRun}: one full run on the fresh cluster (stage 1 serves every guarantee,
 * stage 2 finds every role at its limit). {@code declinedRun}: every offer of the first run
 * was declined with a long filter, so every guarantee is unmet again and each role must be
 * served from agents it has not declined: the second run of a DeclineOffers-style progression.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LargeAndSmallQuotaBenchmark {

  /** The fresh cluster. */
  @State(Scope.Thread)
  public static class Fresh {
  @Param("3000")
  int agents;

  @Param("3000")
  int roles;

  HierarchicalAllocator allocator;
  final long now = 1_000 * BenchClusters.SECOND;

  @Setup(Level.Iteration)
  public void setUp() {
    allocator = BenchClusters.allocator();
    Quota large = new Quota(Map.of("cpus", 2.0, "mem", 2048.0), Map.of("cpus", 2.0, "mem", 2048.0));
    Quota small = new Quota(Map.of("cpus", 0.5, "mem", 512.0), Map.of("cpus", 0.5, "mem", 512.0));
    for (int i = 0; i < roles; i++) {
      String role = String.format("role-%04d", i);
      allocator.updateQuota(role, i % 2 == 0 ? large : small);
      allocator.addFramework(BenchClusters.frameworkId(i), FrameworkSpec.of(role), Map.of(), true);
    }
    Resources total = Resources.parse("cpus:2;mem:2048");
    for (int i = 0; i < agents; i++) {
      allocator.addAgent(BenchClusters.agentId(i), new AgentSpec(BenchClusters.agentId(i), total, Map.of()), Map.of());
    }
  }
  }

  @State(Scope.Thread)
  public static class Declined extends Fresh {
    @Override
    @Setup(Level.Iteration)
    public void setUp() {
      super.setUp();
      allocator.markAllCandidates();
      BenchClusters.declineAll(allocator, allocator.allocate(now), now);
    }
  }

  /** Only the 3,000 agents: {@code addRolesAndFrameworks} adds the quotas and frameworks. */
  @State(Scope.Thread)
  public static class AgentsOnly {
    @Param("3000")
    int agents;

    @Param("3000")
    int roles;

    HierarchicalAllocator allocator;

    @Setup(Level.Iteration)
    public void setUp() {
      allocator = BenchClusters.allocator();
      Resources total = Resources.parse("cpus:2;mem:2048");
      for (int i = 0; i < agents; i++) {
        allocator.addAgent(BenchClusters.agentId(i), new AgentSpec(BenchClusters.agentId(i), total, Map.of()),
            Map.of());
      }
    }
  }

  /** Mesos's "add the frameworks" step of the shape: 3,000 quotas and 3,000 frameworks, one per role. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public HierarchicalAllocator addRolesAndFrameworks(AgentsOnly a) {
    Quota large = new Quota(Map.of("cpus", 2.0, "mem", 2048.0), Map.of("cpus", 2.0, "mem", 2048.0));
    Quota small = new Quota(Map.of("cpus", 0.5, "mem", 512.0), Map.of("cpus", 0.5, "mem", 512.0));
    for (int i = 0; i < a.roles; i++) {
      String role = String.format("role-%04d", i);
      a.allocator.updateQuota(role, i % 2 == 0 ? large : small);
      a.allocator.addFramework(BenchClusters.frameworkId(i), FrameworkSpec.of(role), Map.of(), true);
    }
    return a.allocator;
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public List<Allocation> firstRun(Fresh f) {
    f.allocator.markAllCandidates();
    List<Allocation> offers = f.allocator.allocate(f.now);
    if (offers.isEmpty()) {
      throw new IllegalStateException("the first run offered nothing");
    }
    return offers;
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public List<Allocation> declinedRun(Declined d) {
    d.allocator.markAllCandidates();
    List<Allocation> offers = d.allocator.allocate(d.now);
    if (offers.isEmpty()) {
      throw new IllegalStateException("the run after the declines offered nothing");
    }
    return offers;
  }
}
