package io.meso.bench;

import io.meso.allocator.AllocatorOptions;
import io.meso.allocator.Resources;
import io.meso.executor.ExecutorOptions;
import io.meso.executor.Isolation;
import io.meso.master.MasterOptions;
import java.util.Objects;

/**
 * Settings of one {@code meso bench} run: the mode, how many agents with which resources, how
 * many tasks (services mode: app instances) of which size, the master's allocation interval and
 * the time limit. Defaults depend on the mode ({@link #defaults(BenchMode)}). {@link #validate()}
 * names the command-line flag of whatever is wrong.
 */
public final class BenchOptions {

  public static final int DEFAULT_SIMULATED_AGENTS = 100;
  public static final int DEFAULT_PROCESS_AGENTS = 1;
  public static final int DEFAULT_SIMULATED_TASKS = 20_000;
  public static final int DEFAULT_PROCESS_TASKS = 500;
  /** Mesos's benchmark agent. */
  public static final String DEFAULT_SIMULATED_AGENT_RESOURCES = "cpus:24;mem:4096;disk:4096;ports:[31000-32000]";
  /** Two cpus at 0.01 per task: up to 200 processes at once, more than the spawn pool keeps busy. */
  public static final String DEFAULT_PROCESS_AGENT_RESOURCES = "cpus:2;mem:4096";
  /**
   * Real processes' memory: the launch helper that waits for each command (1-2 MB resident) is
   * charged to its task, as Mesos charges a task's executor, and 1 MB tasks were killed over their
   * limit now and then (posix/mem polling, 1 in ~500 launches).
   */
  public static final double DEFAULT_PROCESS_TASK_MEM_MB = 8;
  public static final double DEFAULT_TASK_CPUS = 0.01;
  public static final double DEFAULT_TASK_MEM_MB = 1;
  public static final double DEFAULT_ALLOCATION_INTERVAL_SECONDS =
      MasterOptions.DEFAULT_ALLOCATION_INTERVAL_MILLIS / 1000.0;
  public static final double DEFAULT_MAX_SECONDS = 120;
  /** More tasks than this would only measure the JVM's heap. */
  public static final int MAX_TASKS = 10_000_000;
  public static final int MAX_AGENTS = 100_000;
  /** Services mode: the app's instances. */
  public static final int DEFAULT_SERVICES_INSTANCES = 1_000;
  public static final int MAX_INSTANCES = 100_000;
  /**
   * Services mode: room for 20 instances of {@value #DEFAULT_SERVICES_TASK_CPUS} cpus and
   * {@value #DEFAULT_SERVICES_TASK_MEM_MB} MB per agent, so 100 agents hold twice the 1,000
   * instances and the framework must spread them over at least 50.
   */
  public static final String DEFAULT_SERVICES_AGENT_RESOURCES = "cpus:2;mem:1024;disk:4096;ports:[31000-32000]";
  public static final double DEFAULT_SERVICES_TASK_CPUS = 0.1;
  public static final double DEFAULT_SERVICES_TASK_MEM_MB = 32;
  /** Services mode: two phases of up to 1,000 instances each, start-up included. */
  public static final double DEFAULT_SERVICES_MAX_SECONDS = 300;
  /** Services mode: the app's upgradeStrategy for the rolling restart. */
  public static final double SERVICES_MINIMUM_HEALTH_CAPACITY = 0.5;
  public static final double SERVICES_MAXIMUM_OVER_CAPACITY = 0;
  /** What each task runs in process mode (exec'd directly, no shell). */
  public static final String PROCESS_COMMAND = "/bin/true";

  private BenchMode mode = BenchMode.SIMULATED;
  private int agents = DEFAULT_SIMULATED_AGENTS;
  private int tasks = DEFAULT_SIMULATED_TASKS;
  private int warmupTasks;
  private int instances = DEFAULT_SERVICES_INSTANCES;
  private String agentResources = DEFAULT_SIMULATED_AGENT_RESOURCES;
  private double taskCpus = DEFAULT_TASK_CPUS;
  private double taskMemMb = DEFAULT_TASK_MEM_MB;
  private double allocationIntervalSeconds = DEFAULT_ALLOCATION_INTERVAL_SECONDS;
  private double maxSeconds = DEFAULT_MAX_SECONDS;
  private Isolation isolation = ExecutorOptions.DEFAULT_ISOLATION;
  private boolean checkpoint = true;

  public BenchOptions() {}

  /**
   * The defaults of a mode: 100 agents x 20,000 tasks simulated; 1 agent x 500 tasks with
   * processes; 100 agents and an app of 1,000 instances of cpus:0.1;mem:32 for services.
   */
  public static BenchOptions defaults(BenchMode mode) {
    BenchOptions options = new BenchOptions();
    options.mode = Objects.requireNonNull(mode, "mode");
    if (mode == BenchMode.PROCESS) {
      options.agents = DEFAULT_PROCESS_AGENTS;
      options.tasks = DEFAULT_PROCESS_TASKS;
      options.agentResources = DEFAULT_PROCESS_AGENT_RESOURCES;
      options.taskMemMb = DEFAULT_PROCESS_TASK_MEM_MB;
    } else if (mode == BenchMode.SERVICES) {
      options.agentResources = DEFAULT_SERVICES_AGENT_RESOURCES;
      options.taskCpus = DEFAULT_SERVICES_TASK_CPUS;
      options.taskMemMb = DEFAULT_SERVICES_TASK_MEM_MB;
      options.maxSeconds = DEFAULT_SERVICES_MAX_SECONDS;
    }
    return options;
  }

  /**
   * Checks every setting; the message names the flag, the value and what is allowed.
   *
   * @throws IllegalArgumentException on the first bad setting
   */
  public BenchOptions validate() {
    if (agents < 1 || agents > MAX_AGENTS) {
      throw new IllegalArgumentException("--agents is " + agents + "; expected a number of agents from 1 to "
          + MAX_AGENTS);
    }
    if (tasks < 1 || tasks > MAX_TASKS) {
      throw new IllegalArgumentException("--tasks is " + tasks + "; expected a number of tasks from 1 to " + MAX_TASKS);
    }
    if (warmupTasks < 0 || warmupTasks > MAX_TASKS) {
      throw new IllegalArgumentException("--warmup-tasks is " + warmupTasks + "; expected a number of tasks from 0 to "
          + MAX_TASKS);
    }
    if (warmupTasks > 0 && mode != BenchMode.PROCESS) {
      throw new IllegalArgumentException("--warmup-tasks is for --mode process; --mode " + mode.flag()
          + " measures its own steady state with more --tasks");
    }
    if (mode == BenchMode.SERVICES && (instances < 1 || instances > MAX_INSTANCES)) {
      throw new IllegalArgumentException("--instances is " + instances + "; expected a number of instances from 1 to "
          + MAX_INSTANCES);
    }
    positiveMillis("--task-cpus", taskCpus, "cpus");
    positiveMillis("--task-mem", taskMemMb, "MB");
    positiveMillis("--allocation-interval", allocationIntervalSeconds, "seconds");
    if (!(maxSeconds > 0) || Double.isInfinite(maxSeconds)) {
      throw new IllegalArgumentException("--max-seconds is " + maxSeconds + "; expected a positive number of seconds");
    }
    Resources agent;
    try {
      agent = Resources.parse(agentResources);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--agent-resources '" + agentResources + "' is not valid: " + e.getMessage(), e);
    }
    if (agent.names().contains("cpus") && agent.scalarMillis("cpus") < taskCpusMillis()) {
      throw new IllegalArgumentException("--task-cpus " + taskCpus + " does not fit in --agent-resources '"
          + agentResources + "' (cpus " + agent.scalar("cpus") + "); ask for fewer cpus per task");
    }
    if (agent.names().contains("mem") && agent.scalarMillis("mem") < taskMemMillis()) {
      throw new IllegalArgumentException("--task-mem " + taskMemMb + " does not fit in --agent-resources '"
          + agentResources + "' (mem " + agent.scalar("mem") + "); ask for less mem per task");
    }
    // The allocator makes no offer below both minimums. If a task needs at least one of them,
    // any agent with room for a task has at least that much free and is offered: no starvation.
    if (taskCpus < AllocatorOptions.DEFAULT_MIN_ALLOCATABLE_CPUS
        && taskMemMb < AllocatorOptions.DEFAULT_MIN_ALLOCATABLE_MEM_MB) {
      throw new IllegalArgumentException("--task-cpus " + taskCpus + " and --task-mem " + taskMemMb
          + " are both below the allocator's smallest offer (cpus " + AllocatorOptions.DEFAULT_MIN_ALLOCATABLE_CPUS
          + " or mem " + AllocatorOptions.DEFAULT_MIN_ALLOCATABLE_MEM_MB + "): an agent with room for a task could "
          + "be left unoffered; raise --task-cpus to at least " + AllocatorOptions.DEFAULT_MIN_ALLOCATABLE_CPUS);
    }
    if (mode == BenchMode.SERVICES) {
      long perAgent = instancesPerAgent(agent);
      if (perAgent * agents < instances) {
        throw new IllegalArgumentException("--instances " + instances + " do not fit on --agents " + agents
            + ": each agent (--agent-resources '" + agentResources + "') holds " + perAgent + " instances of cpus:"
            + trim(taskCpus) + ";mem:" + trim(taskMemMb) + " with one host port each, " + perAgent * agents
            + " in all; raise --agents or lower --instances, --task-cpus or --task-mem");
      }
    }
    return this;
  }

  /**
   * Services mode: how many instances fit on one agent of {@code agent} resources by cpus, mem and
   * ports (one host port each); a resource the spec leaves out (detected by the agent) is not counted.
   */
  long instancesPerAgent(Resources agent) {
    long fit = Long.MAX_VALUE;
    if (agent.names().contains("cpus")) {
      fit = Math.min(fit, agent.scalarMillis("cpus") / taskCpusMillis());
    }
    if (agent.names().contains("mem")) {
      fit = Math.min(fit, agent.scalarMillis("mem") / taskMemMillis());
    }
    if (agent.names().contains("ports")) {
      long ports = 0;
      for (io.meso.v1.Resource r : agent.toProto()) {
        if (r.getName().equals("ports")) {
          for (io.meso.v1.Value.Range range : r.getRanges().getRangeList()) {
            ports += range.getEnd() - range.getBegin() + 1;
          }
        }
      }
      fit = Math.min(fit, ports);
    }
    return fit;
  }

  private static void positiveMillis(String flag, double value, String unit) {
    if (!(value > 0) || Double.isInfinite(value) || Math.round(value * 1000) < 1) {
      throw new IllegalArgumentException(flag + " is " + value + "; expected a positive number of " + unit
          + " (at least 0.001)");
    }
  }

  public BenchMode getMode() { return mode; }

  public int getAgents() { return agents; }

  public BenchOptions setAgents(int agents) {
    this.agents = agents;
    return this;
  }

  public int getTasks() { return tasks; }

  public BenchOptions setTasks(int tasks) {
    this.tasks = tasks;
    return this;
  }

  /** Each agent's resources, in the agent {@code --resources} syntax; names left out are detected. */
  public String getAgentResources() { return agentResources; }

  public BenchOptions setAgentResources(String agentResources) {
    this.agentResources = Objects.requireNonNull(agentResources, "agentResources");
    return this;
  }

  public double getTaskCpus() { return taskCpus; }

  public BenchOptions setTaskCpus(double taskCpus) {
    this.taskCpus = taskCpus;
    return this;
  }

  public double getTaskMemMb() { return taskMemMb; }

  public BenchOptions setTaskMemMb(double taskMemMb) {
    this.taskMemMb = taskMemMb;
    return this;
  }

  /** Services mode: the app's instance count. */
  public int getInstances() { return instances; }

  public BenchOptions setInstances(int instances) {
    this.instances = instances;
    return this;
  }

  /** Resources are exact to 0.001 (as in Mesos): packing counts in these milli-units. */
  long taskCpusMillis() {
    return Math.round(taskCpus * 1000);
  }

  long taskMemMillis() {
    return Math.round(taskMemMb * 1000);
  }

  public double getAllocationIntervalSeconds() { return allocationIntervalSeconds; }

  public BenchOptions setAllocationIntervalSeconds(double seconds) {
    this.allocationIntervalSeconds = seconds;
    return this;
  }

  long allocationIntervalMillis() {
    return Math.max(1, Math.round(allocationIntervalSeconds * 1000));
  }

  /** The whole run (start-up included) gives up after this long. */
  public double getMaxSeconds() { return maxSeconds; }

  public BenchOptions setMaxSeconds(double maxSeconds) {
    this.maxSeconds = maxSeconds;
    return this;
  }

  /**
   * Process mode: tasks run (and raw spawns looped) untimed before the measured phases, in the
   * same JVM, so that they measure a warm JVM as a long-running agent is (0: none, the default).
   */
  public int getWarmupTasks() { return warmupTasks; }

  public BenchOptions setWarmupTasks(int warmupTasks) {
    this.warmupTasks = warmupTasks;
    return this;
  }

  /** Process mode: whether agents checkpoint their tasks (as real agents do by default). */
  public boolean isCheckpoint() { return checkpoint; }

  public BenchOptions setCheckpoint(boolean checkpoint) {
    this.checkpoint = checkpoint;
    return this;
  }

  /** How process-mode agents isolate tasks (AUTO: cgroups where writable, as a real agent does). */
  public Isolation getIsolation() { return isolation; }

  public BenchOptions setIsolation(Isolation isolation) {
    this.isolation = Objects.requireNonNull(isolation, "isolation");
    return this;
  }

  /** The isolation process-mode agents end up with on this machine (never auto), or as asked if it cannot be had. */
  public Isolation resolvedIsolation() {
    try {
      return isolation.resolve(java.nio.file.Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE));
    } catch (IllegalArgumentException e) {
      return isolation; // the agent refuses to start, naming why
    }
  }

  /** A one-line description for the report. */
  public String describe() {
    if (mode == BenchMode.SERVICES) {
      return mode.flag() + ": " + agents + (agents == 1 ? " agent" : " agents") + " (" + agentResources
          + ", simulated executors), the services framework, an app of " + instances + " instances of cpus:"
          + trim(taskCpus) + ";mem:" + trim(taskMemMb) + " with one host port, restarted with minimumHealthCapacity "
          + trim(SERVICES_MINIMUM_HEALTH_CAPACITY) + " and maximumOverCapacity " + trim(SERVICES_MAXIMUM_OVER_CAPACITY)
          + ", allocation interval " + trim(allocationIntervalSeconds) + " s";
    }
    String task = mode == BenchMode.PROCESS ? PROCESS_COMMAND + " tasks" : "simulated tasks";
    return mode.flag() + ": " + agents + (agents == 1 ? " agent" : " agents") + " (" + agentResources + "), "
        + tasks + " " + task + " of cpus:" + trim(taskCpus) + ";mem:" + trim(taskMemMb) + ", allocation interval "
        + trim(allocationIntervalSeconds) + " s"
        + (mode == BenchMode.PROCESS ? ", isolation " + resolvedIsolation().name().toLowerCase(java.util.Locale.ROOT)
            + (checkpoint ? "" : ", no checkpoint")
            + (warmupTasks > 0 ? ", after an untimed warm-up of " + warmupTasks + " tasks" : "") : "");
  }

  static String trim(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
