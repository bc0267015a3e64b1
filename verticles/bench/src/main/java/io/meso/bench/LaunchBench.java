package io.meso.bench;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.agent.ExecutorMode;
import io.meso.allocator.verticle.AllocatorVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.v1.CommandInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the whole cluster in this JVM on one non-clustered Vert.x: a master (with its allocator,
 * no API server), {@code agents} agents, each with a work dir of its own under one temporary
 * directory that is removed afterwards, and a {@link BenchFramework}. Waits for every agent to
 * register before the framework subscribes, so the first offers already cover all agents.
 * Blocking: call it from {@code main} or a test, never from an event loop.
 */
public final class LaunchBench {

  private static final Logger LOG = LoggerFactory.getLogger(LaunchBench.class);
  private static final long CLOSE_TIMEOUT_SECONDS = 30;

  private LaunchBench() {}

  /** Runs one benchmark of {@code options} (validated first) and returns its figures; never throws for a slow run. */
  public static LaunchResult run(BenchOptions options) throws IOException, InterruptedException {
    options.validate();
    long start = System.nanoTime();
    long deadline = start + (long) (options.getMaxSeconds() * 1e9);
    Path root = Files.createTempDirectory("meso-bench-");
    Vertx vertx = MesoCluster.startLocal(new VertxOptions());
    Deployments deployed = new Deployments();
    Run run = new Run(start);
    try {
      MasterVerticle master = new MasterVerticle(new MasterOptions()
          .setAllocationIntervalMillis(options.allocationIntervalMillis()));
      deployed.master = await(vertx.deployVerticle(master), deadline, "starting the master");
      run.allocator = master.allocatorVerticle();
      List<Future<String>> registered = new ArrayList<>();
      for (int i = 0; i < options.getAgents(); i++) {
        AgentVerticle agent = new AgentVerticle(agentOptions(options, i, root));
        registered.add(vertx.deployVerticle(agent).onSuccess(deployed.agents::add).compose(id -> agent.registered()));
      }
      await(Future.all(registered), deadline, "registering " + options.getAgents() + " agents");
      run.started();
      BenchFramework framework = new BenchFramework(options, command());
      try {
        await(vertx.deployVerticle(framework).onSuccess(id -> deployed.framework = id).compose(id -> framework.done()),
            deadline, "waiting for " + options.getTasks() + " tasks to end");
      } catch (TimeoutException e) {
        run.fail(e.getMessage(), true);
      } catch (Exception e) {
        run.fail(e.getMessage(), false);
      }
      run.ended();
      run.stats = framework.stats().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      run.fail(e.getMessage(), true);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      run.fail(e.getMessage() == null ? e.toString() : e.getMessage(), false);
    } finally {
      deployed.undeploy(vertx);
      try {
        vertx.close().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        LOG.warn("Vert.x did not close within {} s", CLOSE_TIMEOUT_SECONDS);
      }
      deleteRecursively(root);
    }
    return run.result(options, System.nanoTime());
  }

  /**
   * What was deployed, undeployed in reverse before Vert.x closes: framework, agents, master.
   * (Closing all at once lets the master outlive its allocator and warn about lost messages.)
   */
  private static final class Deployments {
    volatile String master;
    final List<String> agents = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile String framework;

    void undeploy(Vertx vertx) {
      try {
        if (framework != null) {
          vertx.undeploy(framework).await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        List<Future<?>> agentsGone = new ArrayList<>();
        synchronized (agents) {
          agents.forEach(id -> agentsGone.add(vertx.undeploy(id)));
        }
        Future.join(agentsGone).await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (master != null) {
          vertx.undeploy(master).await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        LOG.debug("undeploying the benchmark's verticles error={}", e.toString());
      }
    }
  }

  /** The run's clocks, counters and outcome, filled in by {@link #run}. */
  private static final class Run {
    final long start;
    long setupEnd;
    long runEnd;
    long cpuStart;
    long cpuEnd;
    long allocationRunsStart;
    long allocationNanosStart;
    long allocationRuns;
    long allocationNanos;
    AllocatorVerticle allocator;
    LaunchStats stats;
    String failure;
    boolean timedOut;

    Run(long start) {
      this.start = start;
      this.setupEnd = start;
      this.runEnd = start;
    }

    void started() {
      setupEnd = System.nanoTime();
      runEnd = setupEnd;
      cpuStart = processCpuNanos();
      cpuEnd = cpuStart;
      allocationRunsStart = allocator.runCount();
      allocationNanosStart = allocator.totalRunNanos();
    }

    void ended() {
      runEnd = System.nanoTime();
      cpuEnd = processCpuNanos();
      allocationRuns = allocator.runCount() - allocationRunsStart;
      allocationNanos = allocator.totalRunNanos() - allocationNanosStart;
    }

    void fail(String why, boolean timeout) {
      if (failure == null) {
        failure = why;
        timedOut = timeout;
      }
    }

    LaunchResult result(BenchOptions options, long end) {
      if (failure == null && stats != null && !stats.allFinished()) {
        failure = stats.firstFailure() != null
            ? stats.failed() + " of " + stats.tasks() + " tasks did not finish; first: " + stats.firstFailure()
            : "only " + stats.finished() + " of " + stats.tasks() + " tasks finished";
      }
      return new LaunchResult(options, stats, failure, timedOut, allocationRuns, allocationNanos,
          allocator == null ? 0 : allocator.maxRunNanos(), setupEnd - start, runEnd - setupEnd, end - start,
          Math.max(0, cpuEnd - cpuStart));
    }
  }

  /** CPU time of this JVM, all threads; 0 where the platform does not tell. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  /** What each task runs: {@code /bin/true} exec'd directly (simulated executors run nothing, but need a command). */
  static CommandInfo command() {
    return CommandInfo.newBuilder().setShell(false).setValue(BenchOptions.PROCESS_COMMAND)
        .addArguments(BenchOptions.PROCESS_COMMAND).build();
  }

  private static AgentOptions agentOptions(BenchOptions options, int index, Path root) {
    return new AgentOptions()
        .setHostname("bench-agent-" + index)
        .setWorkDir(root.resolve("agent-" + index).toString())
        .setResources(options.getAgentResources())
        .setExecutorMode(options.getMode() == BenchMode.PROCESS ? ExecutorMode.PROCESS : ExecutorMode.SIMULATED)
        .setIsolation(options.getIsolation())
        .setCheckpoint(options.isCheckpoint());
  }

  private static <T> T await(Future<T> future, long deadlineNanos, String what) throws Exception {
    long left = deadlineNanos - System.nanoTime();
    try {
      return future.await(Math.max(1, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("--max-seconds reached while " + what);
    }
  }

  static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          LOG.debug("cannot delete path={} error={}", p, e.toString());
        }
      });
    } catch (IOException e) {
      LOG.warn("cannot remove the benchmark's work dirs path={} error={}", root, e.toString());
    }
  }
}
