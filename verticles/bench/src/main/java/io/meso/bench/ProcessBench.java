package io.meso.bench;

import io.meso.agent.AgentOptions;
import io.meso.bench.RawSpawnBench.Style;
import java.io.IOException;

/**
 * The process benchmark: the agent's run ({@link LaunchBench}) between raw spawn loops of the
 * same size and parallelism (the agent's spawn pool size times the number of agents), bare and
 * executor-like, once before and once after, so a load that drifts during the runs biases
 * neither side. With {@link BenchOptions#getWarmupTasks} the same phases run untimed first. Blocking.
 */
public final class ProcessBench {

  /** The agent's run and the raw loops around it. */
  public record Result(LaunchResult agent, RawSpawnBench.Result bareBefore, RawSpawnBench.Result bareAfter,
      RawSpawnBench.Result likeBefore, RawSpawnBench.Result likeAfter) {

    /** The anchor: the mean rate of the bare loops. */
    public double barePerSecond() {
      return (bareBefore.perSecond() + bareAfter.perSecond()) / 2;
    }

    /** The mean rate of the executor-like loops. */
    public double executorLikePerSecond() {
      return (likeBefore.perSecond() + likeAfter.perSecond()) / 2;
    }
  }

  private ProcessBench() {}

  /** Runs the loops and the agent for {@code options} (process mode). */
  public static Result run(BenchOptions options) throws IOException, InterruptedException {
    options.validate();
    int tasks = options.getTasks();
    int threads = parallelism(options);
    int warmup = options.getWarmupTasks();
    if (warmup > 0) {
      // Untimed: the same phases on a cluster of their own, so the timed ones run on a warm JVM.
      RawSpawnBench.run(warmup, threads, Style.BARE);
      RawSpawnBench.run(warmup, threads, Style.EXECUTOR_LIKE);
      options.setTasks(warmup);
      try {
        LaunchBench.run(options); // what it found wrong, the timed run finds again and reports
      } finally {
        options.setTasks(tasks);
      }
    }
    RawSpawnBench.Result bareBefore = RawSpawnBench.run(tasks, threads, Style.BARE);
    RawSpawnBench.Result likeBefore = RawSpawnBench.run(tasks, threads, Style.EXECUTOR_LIKE);
    LaunchResult agent = LaunchBench.run(options);
    RawSpawnBench.Result likeAfter = RawSpawnBench.run(tasks, threads, Style.EXECUTOR_LIKE);
    RawSpawnBench.Result bareAfter = RawSpawnBench.run(tasks, threads, Style.BARE);
    return new Result(agent, bareBefore, bareAfter, likeBefore, likeAfter);
  }

  /** How many processes the agents spawn at once: each agent's spawn pool. */
  static int parallelism(BenchOptions options) {
    return options.getAgents() * new AgentOptions().toExecutorOptions().getSpawnPoolSize();
  }
}
