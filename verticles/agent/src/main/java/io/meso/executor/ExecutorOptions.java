package io.meso.executor;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Settings of an agent's executor: isolation (see {@link Isolation}), the default kill grace
 * period, where per-task cgroups live, each task's process limit, whether cgroups/cpu sets a CFS
 * quota, how often running tasks are checked against their limits, whether undeploying kills the
 * running tasks, the spawn worker pool size, how often sandbox disk usage is measured, the
 * task duration of the simulated executor, which user tasks run as (switch user, task user), and
 * whether tasks launch with the native helper.
 */
public class ExecutorOptions {

  public static final Isolation DEFAULT_ISOLATION = Isolation.AUTO;
  public static final long DEFAULT_KILL_GRACE_PERIOD_MILLIS = 3_000;
  /** cgroups are mounted here: v1 hierarchies one sub-directory per controller, or the v2 unified hierarchy. */
  public static final String DEFAULT_CGROUP_BASE = "/sys/fs/cgroup";
  /** Per-task cgroups are {@code <base>/<controller>/<root>/<agentId>/<frameworkId>+<taskId>} (see {@link Cgroups}). */
  public static final String DEFAULT_CGROUPS_ROOT = "meso";
  public static final boolean DEFAULT_KILL_TASKS_ON_STOP = true;
  public static final int DEFAULT_SPAWN_POOL_SIZE = 4;
  /** How long after a task's main process exits its leftover processes are swept (batched). */
  public static final long DEFAULT_CLEANUP_DELAY_MILLIS = 200;
  public static final long DEFAULT_SIMULATED_TASK_DURATION_MILLIS = 0;
  public static final boolean DEFAULT_SESSIONS = true;
  /** How often the exits of adopted tasks (recovered after an agent restart) are polled. */
  public static final long DEFAULT_ADOPTED_POLL_MILLIS = 250;
  /** Each task's {@code pids.max} (cgroups/pids isolator); 0: unlimited. */
  public static final long DEFAULT_PIDS_MAX = 4096;
  /** How old a sandbox's measured disk usage may get before a usage sample walks it again (Mesos: 15 s). */
  public static final long DEFAULT_DISK_WATCH_INTERVAL_MILLIS = 15_000;
  /** Whether cgroups/cpu also caps each task at its cpus with a CFS quota (besides its share). */
  public static final boolean DEFAULT_CGROUPS_ENABLE_CFS = true;
  /**
   * How often running tasks are checked against the limits isolators watch (an OOM kill in a
   * task's cgroup, posix/mem's resident memory, disk/du and network/ports when their own
   * intervals are due).
   */
  public static final long DEFAULT_WATCH_INTERVAL_MILLIS = 1_000;
  /** The least time between two network/ports checks of one task (Mesos: 30 s). */
  public static final long DEFAULT_PORTS_WATCH_INTERVAL_MILLIS = 10_000;
  /** Where filesystem/cgroup-ro keeps the host's read-only cgroup view (a bound mount namespace). */
  public static final String DEFAULT_RUNTIME_DIR = "/run/meso";

  /** The docker CLI of the docker containerizer: a path, or a name looked up on PATH. */
  public static final String DEFAULT_DOCKER_BINARY = "docker";
  /** Whether DOCKER tasks may ask for host privileges (privileged, added capabilities, host namespaces...). */
  public static final boolean DEFAULT_DOCKER_ALLOW_PRIVILEGED = false;
  /** How GPUs are found: a path, or a name looked up on PATH. */
  public static final String DEFAULT_NVIDIA_SMI = "nvidia-smi";
  /** Whether a root agent runs each task as its user (Mesos's --switch_user); see {@link TaskPrivileges}. */
  public static final boolean DEFAULT_SWITCH_USER = true;
  /** The user a task runs as when neither its command nor its framework names one. */
  public static final String DEFAULT_TASK_USER = "nobody";
  /** Whether tasks launch with the native helper meso-launch when it is available; see {@link LaunchHelper}. */
  public static final boolean DEFAULT_LAUNCH_HELPER = true;
  /** Whether launches go through the long-lived launch server (needs the helper); see {@link LaunchServer}. */
  public static final boolean DEFAULT_LAUNCH_SERVER = true;

  private Isolation isolation = DEFAULT_ISOLATION;
  private long killGracePeriodMillis = DEFAULT_KILL_GRACE_PERIOD_MILLIS;
  private String cgroupBase = DEFAULT_CGROUP_BASE;
  private String cgroupsRoot = DEFAULT_CGROUPS_ROOT;
  private boolean killTasksOnStop = DEFAULT_KILL_TASKS_ON_STOP;
  private int spawnPoolSize = DEFAULT_SPAWN_POOL_SIZE;
  private long cleanupDelayMillis = DEFAULT_CLEANUP_DELAY_MILLIS;
  private long simulatedTaskDurationMillis = DEFAULT_SIMULATED_TASK_DURATION_MILLIS;
  private boolean sessions = DEFAULT_SESSIONS;
  private long adoptedPollMillis = DEFAULT_ADOPTED_POLL_MILLIS;
  private long pidsMax = DEFAULT_PIDS_MAX;
  private long diskWatchIntervalMillis = DEFAULT_DISK_WATCH_INTERVAL_MILLIS;
  private boolean cgroupsEnableCfs = DEFAULT_CGROUPS_ENABLE_CFS;
  private long watchIntervalMillis = DEFAULT_WATCH_INTERVAL_MILLIS;
  private long portsWatchIntervalMillis = DEFAULT_PORTS_WATCH_INTERVAL_MILLIS;
  private String runtimeDir = DEFAULT_RUNTIME_DIR;
  private String dockerBinary = DEFAULT_DOCKER_BINARY;
  private boolean dockerAllowPrivileged = DEFAULT_DOCKER_ALLOW_PRIVILEGED;
  private String nvidiaSmi = DEFAULT_NVIDIA_SMI;
  private boolean switchUser = DEFAULT_SWITCH_USER;
  private String taskUser = DEFAULT_TASK_USER;
  private boolean launchHelper = DEFAULT_LAUNCH_HELPER;
  private boolean launchServer = DEFAULT_LAUNCH_SERVER;

  public ExecutorOptions() {}

  public ExecutorOptions(ExecutorOptions other) {
    this(other.toJson());
  }

  public ExecutorOptions(JsonObject json) {
    isolation = Isolation.valueOf(json.getString("isolation", DEFAULT_ISOLATION.name()));
    killGracePeriodMillis = json.getLong("killGracePeriodMillis", DEFAULT_KILL_GRACE_PERIOD_MILLIS);
    cgroupBase = json.getString("cgroupBase", DEFAULT_CGROUP_BASE);
    cgroupsRoot = json.getString("cgroupsRoot", DEFAULT_CGROUPS_ROOT);
    killTasksOnStop = json.getBoolean("killTasksOnStop", DEFAULT_KILL_TASKS_ON_STOP);
    spawnPoolSize = json.getInteger("spawnPoolSize", DEFAULT_SPAWN_POOL_SIZE);
    cleanupDelayMillis = json.getLong("cleanupDelayMillis", DEFAULT_CLEANUP_DELAY_MILLIS);
    simulatedTaskDurationMillis = json.getLong("simulatedTaskDurationMillis", DEFAULT_SIMULATED_TASK_DURATION_MILLIS);
    sessions = json.getBoolean("sessions", DEFAULT_SESSIONS);
    adoptedPollMillis = json.getLong("adoptedPollMillis", DEFAULT_ADOPTED_POLL_MILLIS);
    pidsMax = json.getLong("pidsMax", DEFAULT_PIDS_MAX);
    diskWatchIntervalMillis = json.getLong("diskWatchIntervalMillis", DEFAULT_DISK_WATCH_INTERVAL_MILLIS);
    cgroupsEnableCfs = json.getBoolean("cgroupsEnableCfs", DEFAULT_CGROUPS_ENABLE_CFS);
    watchIntervalMillis = json.getLong("watchIntervalMillis", DEFAULT_WATCH_INTERVAL_MILLIS);
    portsWatchIntervalMillis = json.getLong("portsWatchIntervalMillis", DEFAULT_PORTS_WATCH_INTERVAL_MILLIS);
    runtimeDir = json.getString("runtimeDir", DEFAULT_RUNTIME_DIR);
    dockerBinary = json.getString("dockerBinary", DEFAULT_DOCKER_BINARY);
    dockerAllowPrivileged = json.getBoolean("dockerAllowPrivileged", DEFAULT_DOCKER_ALLOW_PRIVILEGED);
    nvidiaSmi = json.getString("nvidiaSmi", DEFAULT_NVIDIA_SMI);
    switchUser = json.getBoolean("switchUser", DEFAULT_SWITCH_USER);
    setTaskUser(json.getString("taskUser", DEFAULT_TASK_USER));
    launchHelper = json.getBoolean("launchHelper", DEFAULT_LAUNCH_HELPER);
    launchServer = json.getBoolean("launchServer", DEFAULT_LAUNCH_SERVER);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("isolation", isolation.name())
        .put("killGracePeriodMillis", killGracePeriodMillis)
        .put("cgroupBase", cgroupBase)
        .put("cgroupsRoot", cgroupsRoot)
        .put("killTasksOnStop", killTasksOnStop)
        .put("adoptedPollMillis", adoptedPollMillis)
        .put("spawnPoolSize", spawnPoolSize)
        .put("cleanupDelayMillis", cleanupDelayMillis)
        .put("simulatedTaskDurationMillis", simulatedTaskDurationMillis)
        .put("sessions", sessions)
        .put("pidsMax", pidsMax)
        .put("diskWatchIntervalMillis", diskWatchIntervalMillis)
        .put("cgroupsEnableCfs", cgroupsEnableCfs)
        .put("watchIntervalMillis", watchIntervalMillis)
        .put("portsWatchIntervalMillis", portsWatchIntervalMillis)
        .put("runtimeDir", runtimeDir)
        .put("dockerBinary", dockerBinary)
        .put("dockerAllowPrivileged", dockerAllowPrivileged)
        .put("nvidiaSmi", nvidiaSmi)
        .put("switchUser", switchUser)
        .put("taskUser", taskUser)
        .put("launchHelper", launchHelper)
        .put("launchServer", launchServer);
  }

  public Isolation getIsolation() { return isolation; }

  public ExecutorOptions setIsolation(Isolation isolation) {
    this.isolation = Objects.requireNonNull(isolation, "isolation");
    return this;
  }

  /** Used when a kill names no grace period (the agent normally always names one). */
  public long getKillGracePeriodMillis() { return killGracePeriodMillis; }

  public ExecutorOptions setKillGracePeriodMillis(long millis) {
    this.killGracePeriodMillis = requireNonNegative("killGracePeriodMillis", millis);
    return this;
  }

  public String getCgroupBase() { return cgroupBase; }

  public ExecutorOptions setCgroupBase(String cgroupBase) {
    this.cgroupBase = Objects.requireNonNull(cgroupBase, "cgroupBase");
    return this;
  }

  public String getCgroupsRoot() { return cgroupsRoot; }

  public ExecutorOptions setCgroupsRoot(String cgroupsRoot) {
    if (cgroupsRoot == null || cgroupsRoot.isBlank() || cgroupsRoot.contains("..")) {
      throw new IllegalArgumentException("cgroupsRoot must be a non-empty relative name without '..', was '"
          + cgroupsRoot + "'");
    }
    this.cgroupsRoot = cgroupsRoot;
    return this;
  }

  /**
   * Whether undeploying the executor SIGKILLs the tasks it still runs (default true). An agent
   * that crashes leaves its tasks running either way; they live in their own sessions.
   */
  public long getAdoptedPollMillis() { return adoptedPollMillis; }

  public ExecutorOptions setAdoptedPollMillis(long millis) {
    if (millis < 1) {
      throw new IllegalArgumentException("adoptedPollMillis must be >= 1, got " + millis);
    }
    this.adoptedPollMillis = millis;
    return this;
  }

  public boolean isKillTasksOnStop() { return killTasksOnStop; }

  public ExecutorOptions setKillTasksOnStop(boolean killTasksOnStop) {
    this.killTasksOnStop = killTasksOnStop;
    return this;
  }

  /** Worker threads that spawn processes (spawning blocks for about a millisecond). */
  public int getSpawnPoolSize() { return spawnPoolSize; }

  public ExecutorOptions setSpawnPoolSize(int spawnPoolSize) {
    if (spawnPoolSize < 1) {
      throw new IllegalArgumentException("spawnPoolSize must be >= 1, was " + spawnPoolSize);
    }
    this.spawnPoolSize = spawnPoolSize;
    return this;
  }

  public long getCleanupDelayMillis() { return cleanupDelayMillis; }

  public ExecutorOptions setCleanupDelayMillis(long millis) {
    this.cleanupDelayMillis = requireNonNegative("cleanupDelayMillis", millis);
    return this;
  }

  /** How long a simulated task runs when its data names no duration. */
  public long getSimulatedTaskDurationMillis() { return simulatedTaskDurationMillis; }

  public ExecutorOptions setSimulatedTaskDurationMillis(long millis) {
    this.simulatedTaskDurationMillis = requireNonNegative("simulatedTaskDurationMillis", millis);
    return this;
  }

  /**
   * Whether each task leads its own session via {@code setsid} (default true): its whole tree,
   * daemons included, can then be found and killed, and terminal signals aimed at the agent
   * (Ctrl-C) do not reach it. It costs one exec per launch (about a third of a bare spawn's
   * CPU). Without it a task's tree is found through its main process's descendants while that
   * lives, and through its cgroups; processes orphaned by a POSIX-isolated task escape.
   */
  public boolean isSessions() { return sessions; }

  public ExecutorOptions setSessions(boolean sessions) {
    this.sessions = sessions;
    return this;
  }

  /** Each task's process limit ({@code pids.max} of its pids cgroup); 0 leaves it unlimited. */
  public long getPidsMax() { return pidsMax; }

  public ExecutorOptions setPidsMax(long pidsMax) {
    this.pidsMax = requireNonNegative("pidsMax", pidsMax);
    return this;
  }

  /**
   * How old a task's measured sandbox disk usage may get before a usage sample measures it again
   * (a walk of the sandbox, bounded by {@link SandboxDiskUsage#MAX_ENTRIES} entries).
   */
  public long getDiskWatchIntervalMillis() { return diskWatchIntervalMillis; }

  public ExecutorOptions setDiskWatchIntervalMillis(long millis) {
    this.diskWatchIntervalMillis = requireNonNegative("diskWatchIntervalMillis", millis);
    return this;
  }

  /** Whether cgroups/cpu caps each task at its cpus with a CFS quota too (default true; Mesos: --cgroups_enable_cfs). */
  public boolean isCgroupsEnableCfs() { return cgroupsEnableCfs; }

  public ExecutorOptions setCgroupsEnableCfs(boolean cgroupsEnableCfs) {
    this.cgroupsEnableCfs = cgroupsEnableCfs;
    return this;
  }

  /** How often running tasks are checked against the limits isolators watch (see {@link #DEFAULT_WATCH_INTERVAL_MILLIS}). */
  public long getWatchIntervalMillis() { return watchIntervalMillis; }

  public ExecutorOptions setWatchIntervalMillis(long millis) {
    if (millis < 1) {
      throw new IllegalArgumentException("watchIntervalMillis must be >= 1, was " + millis);
    }
    this.watchIntervalMillis = millis;
    return this;
  }

  /** The least time between two network/ports checks of one task. */
  public long getPortsWatchIntervalMillis() { return portsWatchIntervalMillis; }

  public ExecutorOptions setPortsWatchIntervalMillis(long millis) {
    this.portsWatchIntervalMillis = requireNonNegative("portsWatchIntervalMillis", millis);
    return this;
  }

  /** Where filesystem/cgroup-ro keeps the host's read-only cgroup view (default /run/meso). */
  public String getRuntimeDir() { return runtimeDir; }

  public ExecutorOptions setRuntimeDir(String runtimeDir) {
    if (runtimeDir == null || !java.nio.file.Path.of(runtimeDir).isAbsolute()) {
      throw new IllegalArgumentException("runtimeDir must be an absolute path, was '" + runtimeDir + "'");
    }
    this.runtimeDir = runtimeDir;
    return this;
  }

  /** Whether DOCKER tasks may ask for host privileges (default false: such a task fails naming the field). */
  public boolean isDockerAllowPrivileged() { return dockerAllowPrivileged; }

  public ExecutorOptions setDockerAllowPrivileged(boolean allow) {
    this.dockerAllowPrivileged = allow;
    return this;
  }

  /** The docker binary (default {@code docker} on PATH); docker tasks run only when its {@code version} answers. */
  public String getDockerBinary() { return dockerBinary; }

  public ExecutorOptions setDockerBinary(String dockerBinary) {
    if (dockerBinary == null || dockerBinary.isBlank()) {
      throw new IllegalArgumentException("dockerBinary must be a path or a name, was '" + dockerBinary + "'");
    }
    this.dockerBinary = dockerBinary;
    return this;
  }

  /** The nvidia-smi binary that lists GPUs (default {@code nvidia-smi} on PATH; absent: no GPUs). */
  public String getNvidiaSmi() { return nvidiaSmi; }

  public ExecutorOptions setNvidiaSmi(String nvidiaSmi) {
    if (nvidiaSmi == null || nvidiaSmi.isBlank()) {
      throw new IllegalArgumentException("nvidiaSmi must be a path or a name, was '" + nvidiaSmi + "'");
    }
    this.nvidiaSmi = nvidiaSmi;
    return this;
  }

  /**
   * Whether a root agent runs each task as its {@code command.user}, else its framework's user,
   * else {@link #getTaskUser()} (default true). False keeps every task as the agent's own user:
   * for development only. A non-root agent cannot switch either way.
   */
  public boolean isSwitchUser() { return switchUser; }

  public ExecutorOptions setSwitchUser(boolean switchUser) {
    this.switchUser = switchUser;
    return this;
  }

  /** The user a task runs as when switching and neither its command nor its framework names one (default nobody). */
  public String getTaskUser() { return taskUser; }

  public ExecutorOptions setTaskUser(String taskUser) {
    if (!TaskUser.validName(taskUser)) {
      throw new IllegalArgumentException("taskUser must be a user name (letters, digits, '.', '_', '-', '@', not "
          + "starting with '-'), was '" + taskUser + "'");
    }
    this.taskUser = taskUser;
    return this;
  }

  /**
   * Whether tasks launch with the native helper {@code meso-launch} (default true), one exec in
   * place of the setsid/sh/nsenter/unshare/setpriv pipeline; without it (false, or when the helper
   * was not built or cannot run) they launch with that pipeline.
   */
  public boolean isLaunchHelper() { return launchHelper; }

  public ExecutorOptions setLaunchHelper(boolean launchHelper) {
    this.launchHelper = launchHelper;
    return this;
  }

  /**
   * Whether the native helper's launches go through one long-lived {@code meso-launch --server}
   * per executor, which forks each task instead of the JVM spawning the helper (default
   * {@value #DEFAULT_LAUNCH_SERVER}): a launch then execs only the command. Only with the helper;
   * when the server cannot start, or dies, launches spawn the helper (logged).
   */
  public boolean isLaunchServer() { return launchServer; }

  public ExecutorOptions setLaunchServer(boolean launchServer) {
    this.launchServer = launchServer;
    return this;
  }

  private static long requireNonNegative(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + value);
    }
    return value;
  }
}
