package io.meso.cli;

import io.meso.agent.AgentOptions;
import io.meso.executor.Isolation;
import picocli.CommandLine.Option;

/** The agent's flags shared by {@code meso agent} and {@code meso local}. */
final class AgentFlags {

  @Option(names = "--work-dir", description = "Agent work directory for sandboxes and checkpoints "
      + "(default: <tmp>/meso/agent-<agent port>).")
  String workDir;

  @Option(names = "--resources", description = "Agent resources overriding detection, e.g. \"cpus:4;mem:8192;ports:[31000-32000]\".")
  String resources;

  @Option(names = "--attributes", description = "Agent attributes, e.g. \"rack:r1;zone:a\".")
  String attributes;

  @Option(names = "--pids-max", description = "Most processes one task may have at once, with the cgroups/pids "
      + "isolator (its pids.max; 0: unlimited; default: " + AgentOptions.DEFAULT_PIDS_MAX + ").")
  Long pidsMax;

  @Option(names = "--usage-interval", paramLabel = "SECONDS", description = "How often each running task's usage "
      + "is sampled into the history the master's GET /tasks/<id>/usage and the web UI's chart show "
      + "(0: never; default: " + AgentOptions.DEFAULT_USAGE_INTERVAL_MILLIS / 1000 + ").")
  Double usageIntervalSeconds;

  @Option(names = "--usage-samples", description = "Usage samples kept per task, the oldest dropped first "
      + "(default: " + AgentOptions.DEFAULT_USAGE_HISTORY_SAMPLES + ").")
  Integer usageSamples;

  @Option(names = "--docker", paramLabel = "PATH", description = "The docker client that runs tasks with a DOCKER "
      + "ContainerInfo; offered only when `PATH version` answers at start (default: docker on PATH).")
  String dockerBinary;

  @Option(names = "--docker-allow-privileged", description = "Let DOCKER tasks ask for host privileges: "
      + "docker.privileged, or parameters that add capabilities, devices or security options or share the host's "
      + "pid, ipc, uts, user or cgroup namespace (default: refused; such a task fails, naming the field).")
  Boolean dockerAllowPrivileged;

  @Option(names = "--nvidia-smi", paramLabel = "PATH", description = "The nvidia-smi that lists this host's GPUs; "
      + "the agent offers gpus = their count unless --resources sets gpus (default: nvidia-smi on PATH; absent: no "
      + "GPUs).")
  String nvidiaSmi;

  @Option(names = "--isolation", paramLabel = "LIST", description = "How tasks are isolated: auto (default: "
      + "everything this host supports), cgroups, posix, or a comma-separated list of cgroups/cpu, cgroups/mem, "
      + "cgroups/pids, namespaces/pid, filesystem/cgroup-ro, disk/du, network/ports, posix/mem.")
  String isolation;

  @Option(names = "--switch-user", paramLabel = "BOOL", arity = "1", description = "When the agent runs as root, "
      + "run each task as its command.user, else its framework's user, else --task-user (default: true; false "
      + "keeps every task root, for development only). Tasks never keep capabilities either way.")
  Boolean switchUser;

  @Option(names = "--task-user", paramLabel = "USER", description = "The user tasks run as when neither their "
      + "command nor their framework names one (default: " + AgentOptions.DEFAULT_TASK_USER + ").")
  String taskUser;

  @Option(names = "--launch-helper", paramLabel = "BOOL", arity = "1", description = "Launch tasks with the native "
      + "helper meso-launch, one exec per task, when it was built and runs here (default: true; false, or without "
      + "it: the slower pipeline of setsid, sh, nsenter, unshare and setpriv).")
  Boolean launchHelper;

  @Option(names = "--launch-server", paramLabel = "BOOL", arity = "1", description = "With the launch helper, "
      + "launch tasks through one long-lived meso-launch server that forks each task, so a launch execs only the "
      + "command (default: " + io.meso.executor.ExecutorOptions.DEFAULT_LAUNCH_SERVER + "; if the server dies, "
      + "launches spawn the helper).")
  Boolean launchServer;

  /**
   * Options for an agent advertising {@code host:port}, with these flags applied; it serves its
   * HTTP endpoints (/state, /monitor/statistics, /metrics/snapshot, /health, /metrics) there.
   */
  AgentOptions toAgentOptions(String host, int port) {
    AgentOptions options = new AgentOptions().setHostname(host).setPort(port).setServeHttp(true);
    if (pidsMax != null) {
      try {
        options.setPidsMax(pidsMax);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--pids-max " + pidsMax + ": " + e.getMessage(), e);
      }
    }
    if (usageIntervalSeconds != null) {
      if (!(usageIntervalSeconds >= 0) || usageIntervalSeconds > 86_400) {
        throw new IllegalArgumentException("--usage-interval " + usageIntervalSeconds
            + ": expected seconds from 0 (never) to 86400");
      }
      options.setUsageIntervalMillis(Math.round(usageIntervalSeconds * 1000));
    }
    if (usageSamples != null) {
      if (usageSamples < 1 || usageSamples > 100_000) {
        throw new IllegalArgumentException("--usage-samples " + usageSamples + ": expected 1 to 100000");
      }
      options.setUsageHistorySamples(usageSamples);
    }
    if (isolation != null) {
      try {
        options.setIsolation(Isolation.parse(isolation));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + e.getMessage(), e);
      }
    }
    if (workDir != null) {
      options.setWorkDir(workDir);
    }
    if (switchUser != null) {
      options.setSwitchUser(switchUser);
    }
    if (launchHelper != null) {
      options.setLaunchHelper(launchHelper);
    }
    if (launchServer != null) {
      options.setLaunchServer(launchServer);
    }
    if (taskUser != null) {
      try {
        options.setTaskUser(taskUser);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--task-user: " + e.getMessage(), e);
      }
    }
    if (dockerAllowPrivileged != null) {
      options.setDockerAllowPrivileged(dockerAllowPrivileged);
    }
    if (dockerBinary != null) {
      try {
        options.setDockerBinary(dockerBinary);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--docker: " + e.getMessage(), e);
      }
    }
    if (nvidiaSmi != null) {
      try {
        options.setNvidiaSmi(nvidiaSmi);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--nvidia-smi: " + e.getMessage(), e);
      }
    }
    if (resources != null) {
      try {
        io.meso.allocator.Resources.parse(resources);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--resources \"" + resources + "\": " + e.getMessage(), e);
      }
      options.setResources(resources);
    }
    if (attributes != null) {
      try {
        io.meso.agent.AgentAttributes.parse(attributes);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--attributes \"" + attributes + "\": " + e.getMessage(), e);
      }
      options.setAttributes(attributes);
    }
    return options;
  }
}
