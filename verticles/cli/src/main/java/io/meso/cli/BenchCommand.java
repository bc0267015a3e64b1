package io.meso.cli;

import io.meso.bench.BenchMode;
import io.meso.bench.BenchOptions;
import io.meso.bench.BenchReport;
import io.meso.bench.LaunchBench;
import io.meso.bench.LaunchResult;
import io.meso.bench.QuietLogs;
import io.meso.bench.ProcessBench;
import io.meso.bench.ServicesBench;
import io.meso.bench.ServicesResult;
import io.meso.executor.Isolation;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code meso bench}: a master, N agents and a framework in this one JVM launching many small
 * tasks; prints tasks launched per second, launch latency and allocation runs (simulated mode),
 * or real process launches per second beside a bare ProcessBuilder loop (process mode); or the
 * services framework driven through its /v2 API: an app's instances deployed, then restarted
 * (services mode). Exits 0 when every task finished (every phase, in services mode), 1 when the
 * run timed out or failed, 2 on bad flags.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {
        "Benchmark task launches on a whole cluster in this one process (no other service needed).",
        "simulated: many agents whose executors only pretend to run tasks: tasks/s from the first offer to the "
            + "last TASK_RUNNING, offer-to-RUNNING latency, allocation runs.",
        "process: one agent running /bin/true as real processes, beside ProcessBuilder loops spawning "
            + "the same number with the agent's spawn parallelism (bare, and executor-like: sandbox dir, setsid, "
            + "cleared environment): processes/s and their ratios.",
        "services: many simulated agents and the services framework, driven only through its /v2 HTTP API: "
            + "time until an app's instances all run, then until a rolling restart of them is done "
            + "(minimumHealthCapacity 0.5, maximumOverCapacity 0); offers made, used and declined."})
public final class BenchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "simulated",
      description = "simulated, process or services (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--agents", paramLabel = "N",
      description = "Agents to start (default: " + BenchOptions.DEFAULT_SIMULATED_AGENTS + " simulated, "
          + BenchOptions.DEFAULT_PROCESS_AGENTS + " process).")
  Integer agents;

  @Option(names = "--tasks", paramLabel = "T",
      description = "Tasks to launch (default: " + BenchOptions.DEFAULT_SIMULATED_TASKS + " simulated, "
          + BenchOptions.DEFAULT_PROCESS_TASKS + " process).")
  Integer tasks;

  @Option(names = "--instances", paramLabel = "N",
      description = "Services mode: the app's instances (default: " + BenchOptions.DEFAULT_SERVICES_INSTANCES + ").")
  Integer instances;

  @Option(names = "--agent-resources", paramLabel = "SPEC",
      description = "Each agent's resources (default: \"" + BenchOptions.DEFAULT_SIMULATED_AGENT_RESOURCES
          + "\" simulated, \"" + BenchOptions.DEFAULT_PROCESS_AGENT_RESOURCES + "\" process, \""
          + BenchOptions.DEFAULT_SERVICES_AGENT_RESOURCES + "\" services).")
  String agentResources;

  @Option(names = "--task-cpus", paramLabel = "C",
      description = "CPUs per task (default: " + BenchOptions.DEFAULT_TASK_CPUS + ", services "
          + BenchOptions.DEFAULT_SERVICES_TASK_CPUS + ").")
  Double taskCpus;

  @Option(names = "--task-mem", paramLabel = "MB",
      description = "Memory per task in MB (default: " + BenchOptions.DEFAULT_TASK_MEM_MB + ", process "
          + BenchOptions.DEFAULT_PROCESS_TASK_MEM_MB + ", services " + BenchOptions.DEFAULT_SERVICES_TASK_MEM_MB + ").")
  Double taskMem;

  @Option(names = "--allocation-interval", paramLabel = "SECONDS", defaultValue = "1",
      description = "The master's allocation interval (default: ${DEFAULT-VALUE}).")
  double allocationInterval;

  @Option(names = "--isolation", paramLabel = "MODE", defaultValue = "auto",
      description = "Process mode: how the agent isolates tasks, as meso agent --isolation: auto (everything "
          + "the host supports, as a real agent), cgroups, posix or a list of isolators (default: ${DEFAULT-VALUE}).")
  String isolation;

  @Option(names = "--no-checkpoint", negatable = false,
      description = "Process mode: agents do not checkpoint their tasks (no recovery after an agent restart; "
          + "tasks run without the exit-status wrapper), to measure what checkpointing costs.")
  boolean noCheckpoint;

  @Option(names = "--warmup-tasks", paramLabel = "W",
      description = "Process mode: run W tasks (and W raw spawns) untimed first, in this JVM, so that the measured "
          + "phases run on a warm JVM as a long-running agent does (default: 0).")
  Integer warmupTasks;

  @Option(names = "--max-seconds", paramLabel = "S",
      description = "Give up after this long, start-up included (default: 120, services 300).")
  Double maxSeconds;

  @Override
  public Integer call() throws Exception {
    BenchOptions options = options();
    String load = BenchReport.loadAverage();
    LaunchResult result;
    List<String> report;
    if (options.getMode() == BenchMode.SERVICES) {
      return services(options, load);
    }
    try (QuietLogs quiet = QuietLogs.unlessConfigured()) {
      if (options.getMode() == BenchMode.SIMULATED) {
        result = LaunchBench.run(options);
        report = BenchReport.simulated(result, load);
      } else {
        ProcessBench.Result run = ProcessBench.run(options);
        result = run.agent();
        report = BenchReport.process(run, load);
      }
    }
    report.forEach(System.out::println);
    System.out.flush();
    if (!result.succeeded()) {
      System.err.println("meso bench: " + (result.timedOut() ? "timed out: " + result.failure()
          + "; raise --max-seconds or lower --tasks" : "failed: " + result.failure()));
      return 1;
    }
    return 0;
  }

  private static int services(BenchOptions options, String load) throws Exception {
    ServicesResult result;
    try (QuietLogs quiet = QuietLogs.unlessConfigured()) {
      result = ServicesBench.run(options);
    }
    BenchReport.services(result, load).forEach(System.out::println);
    System.out.flush();
    if (!result.succeeded()) {
      System.err.println("meso bench: " + (result.timedOut() ? "timed out: " + result.failure()
          + "; raise --max-seconds or lower --instances" : "failed: " + result.failure()));
      return 1;
    }
    return 0;
  }

  /** The flags as validated options; a bad value is a usage error naming the flag. */
  BenchOptions options() {
    try {
      BenchMode benchMode = BenchMode.parse(mode);
      BenchOptions options = BenchOptions.defaults(benchMode);
      if (agents != null) {
        options.setAgents(agents);
      }
      if (tasks != null) {
        if (benchMode == BenchMode.SERVICES) {
          throw new IllegalArgumentException("--tasks is for the simulated and process modes; --mode services takes "
              + "--instances");
        }
        options.setTasks(tasks);
      }
      if (instances != null) {
        if (benchMode != BenchMode.SERVICES) {
          throw new IllegalArgumentException("--instances is for --mode services; --mode " + benchMode.flag()
              + " takes --tasks");
        }
        options.setInstances(instances);
      }
      if (taskCpus != null) {
        options.setTaskCpus(taskCpus);
      }
      if (taskMem != null) {
        options.setTaskMemMb(taskMem);
      }
      if (maxSeconds != null) {
        options.setMaxSeconds(maxSeconds);
      }
      if (warmupTasks != null) {
        options.setWarmupTasks(warmupTasks);
      }
      if (agentResources != null) {
        options.setAgentResources(agentResources);
      }
      options.setIsolation(isolation(isolation));
      options.setCheckpoint(!noCheckpoint);
      return options.setAllocationIntervalSeconds(allocationInterval).validate();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private static Isolation isolation(String value) {
    try {
      return Isolation.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + e.getMessage(), e);
    }
  }
}
