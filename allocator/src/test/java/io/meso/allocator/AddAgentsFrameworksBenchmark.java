package io.meso.allocator;

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
 * Mesos's AddFrameworks / AddAndUpdateSlave shapes: the time to add {@code agents} (10,000)
 * agents {@code cpus:24;mem:4096;disk:4096;ports:[31000-32000]}, each with {@code cpus:16} in
 * use by one of the frameworks, to an allocator that already has {@code frameworks} (1,000);
 * and the time to add the 1,000 frameworks to an allocator that already has the 10,000 agents
 * (their usage arrives before them and is attributed when they come). Both are one shot from a
 * fresh allocator per iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AddAgentsFrameworksBenchmark {

  @Param("10000")
  int agents;

  @Param("1000")
  int frameworks;

  HierarchicalAllocator withFrameworks;
  HierarchicalAllocator withAgents;

  @Setup(Level.Iteration)
  public void setUp() {
    withFrameworks = BenchClusters.allocator();
    BenchClusters.addFrameworks(withFrameworks, frameworks, "role1");
    withAgents = BenchClusters.allocator();
    BenchClusters.addAgents(withAgents, agents, frameworks, true);
  }

  @Benchmark
  public HierarchicalAllocator addAgents() {
    BenchClusters.addAgents(withFrameworks, agents, frameworks, true);
    return withFrameworks;
  }

  @Benchmark
  public HierarchicalAllocator addFrameworks() {
    BenchClusters.addFrameworks(withAgents, frameworks, "role1");
    return withAgents;
  }
}
