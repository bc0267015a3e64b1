package io.meso.executor.docker;

import io.meso.executor.LaunchTask;
import io.meso.v1.CommandInfo;
import io.meso.v1.ContainerInfo;
import io.meso.v1.ContainerInfo.DockerInfo;
import io.meso.v1.Environment;
import io.meso.v1.Label;
import io.meso.v1.Parameter;
import io.meso.v1.Resource;
import io.meso.v1.TaskInfo;
import io.meso.v1.Value;
import io.meso.v1.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code docker run} invocation of a DOCKER task, built as Mesos's docker containerizer
 * builds it ({@code Docker::RunOptions::create} and {@code Docker::run}), in this order:
 * {@code run [--privileged | --cap-drop=ALL --security-opt=no-new-privileges] --cpu-shares <1024 x cpus, at least 2> [--cpu-quota <cpus x 100000
 * us, at least 1000>] --memory <mem MB in bytes, at least 32 MB> -e K=V... (sorted by name) -v
 * host:container:rw|ro... -v <sandbox>:/mnt/mesos/sandbox --net host|bridge|none|<name>
 * [--hostname h] -p host:container[/proto]... [--entrypoint /bin/sh] --name <name> --label k=v...
 * [--user u] --key=value... <image> [-c value | value arguments...]}.
 *
 * <p>Differences from Mesos: a container that is not privileged drops every capability and runs
 * with no_new_privs, as Meso's process tasks do (Mesos leaves Docker's default capabilities); no
 * {@code -H <socket>} (the docker binary's default daemon is used);
 * the task's labels become {@code --label} and its {@code command.user} {@code --user} (Mesos
 * passes neither); the environment is the command's variables plus what Meso tells every task
 * (MESOS_TASK_ID, MESOS_FRAMEWORK_ID, MESOS_AGENT_ID, MESOS_SANDBOX as mapped in the container,
 * MESOS_CONTAINER_NAME) and the executor's additions (CUDA_VISIBLE_DEVICES for GPUs); the
 * agent's PATH is not passed (the image has its own). A shell command with no value runs the
 * image's own entrypoint and command.
 */
public final class DockerRunCommand {

  /** Where the sandbox is mounted in the container, as in Mesos. */
  public static final String MAPPED_SANDBOX = "/mnt/mesos/sandbox";
  static final long CPU_SHARES_PER_CPU = 1024;
  static final long MIN_CPU_SHARES = 2;
  static final long CPU_CFS_PERIOD_US = 100_000;
  static final long MIN_CPU_CFS_QUOTA_US = 1_000;
  static final long MIN_MEMORY_BYTES = 32L * 1024 * 1024;

  /** A DOCKER task's container: its name, image, pull policy and the arguments after the docker binary. */
  public record Run(String name, String image, boolean forcePull, List<String> arguments) {}

  /**
   * What a container that does not ask for {@code privileged} gives up, as the agent's process
   * tasks do: every capability (root in the container included) and, by no_new_privs, any a
   * setuid or file-capability binary would grant.
   */
  static final List<String> UNPRIVILEGED = List.of("--cap-drop=ALL", "--security-opt=no-new-privileges");

  private DockerRunCommand() {}

  /** {@code docker run} options (as parameter keys) that give a container more than its own namespaces and no capabilities. */
  static final java.util.Set<String> PRIVILEGE_PARAMETERS = java.util.Set.of("privileged", "cap-add", "security-opt",
      "device", "device-cgroup-rule", "cgroup-parent");
  /** {@code docker run} options that join another namespace when given {@code host} (or another container's). */
  static final java.util.Set<String> NAMESPACE_PARAMETERS = java.util.Set.of("pid", "ipc", "uts", "userns", "cgroupns");

  /**
   * The field of {@code docker} that asks for host privileges (privileged; a parameter adding
   * capabilities, devices, security options or a cgroup parent; one sharing the host's or another
   * container's pid, ipc, uts, user or cgroup namespace), or null. The network is not among them:
   * HOST networking is an ordinary Mesos choice.
   */
  static String hostPrivilege(DockerInfo docker) {
    if (docker.getPrivileged()) {
      return "container.docker.privileged: true";
    }
    for (int i = 0; i < docker.getParametersCount(); i++) {
      Parameter p = docker.getParameters(i);
      String key = p.getKey().startsWith("--") ? p.getKey().substring(2) : p.getKey();
      String value = p.getValue();
      boolean sharesNamespace = NAMESPACE_PARAMETERS.contains(key) && value != null
          && (value.equals("host") || value.startsWith("container:"));
      if (PRIVILEGE_PARAMETERS.contains(key) || sharesNamespace) {
        return "container.docker.parameters[" + i + "] (" + key + "=" + value + ")";
      }
    }
    return null;
  }

  /** Whether the task asks for the docker containerizer. */
  public static boolean isDocker(TaskInfo task) {
    return task.hasContainer() && task.getContainer().getType() == ContainerInfo.Type.DOCKER;
  }

  /**
   * The run of a DOCKER task.
   *
   * @param allowPrivileged whether this agent lets a container ask for host privileges
   *     ({@link #hostPrivilege}); if not, such a container is refused
   * @param extraEnv variables the executor adds (they win over the command's)
   * @param user the user the container runs as ({@code --user}, as Mesos when it switches users),
   *     null to pass {@code command.user} only when it is set
   * @throws InvalidContainerException naming the field when the ContainerInfo cannot be run, or asks
   *     for host privileges that this agent does not give
   */
  public static Run build(String agentId, LaunchTask launch, boolean enableCfs, boolean allowPrivileged,
      Map<String, String> extraEnv, String user)
      throws InvalidContainerException {
    TaskInfo task = launch.task();
    String problem = io.meso.codecs.ContainerChecks.problem(task); // the master's rules, checked again here
    if (problem != null) {
      throw new InvalidContainerException(problem);
    }
    ContainerInfo container = task.getContainer();
    DockerInfo docker = container.getDocker();
    if (!allowPrivileged) {
      String privilege = hostPrivilege(docker);
      if (privilege != null) {
        throw new InvalidContainerException(privilege + " asks for host privileges, which this agent does not give "
            + "(start it with --docker-allow-privileged to allow them)");
      }
    }
    String name = DockerNames.of(agentId, launch.frameworkId(), launch.taskId());
    List<String> argv = new ArrayList<>();
    argv.add("run");
    if (docker.getPrivileged()) {
      argv.add("--privileged");
    } else {
      // As every process task (TaskPrivileges): no capabilities, none regained through setuid files.
      argv.addAll(UNPRIVILEGED);
    }
    double cpus = scalar(task, "cpus");
    if (cpus > 0) {
      argv.add("--cpu-shares");
      argv.add(Long.toString(Math.max((long) (CPU_SHARES_PER_CPU * cpus), MIN_CPU_SHARES)));
      if (enableCfs) {
        argv.add("--cpu-quota");
        argv.add(Long.toString(Math.max((long) (CPU_CFS_PERIOD_US * cpus), MIN_CPU_CFS_QUOTA_US)));
      }
    }
    double mem = scalar(task, "mem");
    if (mem > 0) {
      argv.add("--memory");
      argv.add(Long.toString(Math.max((long) mem * 1024 * 1024, MIN_MEMORY_BYTES)));
    }
    for (Map.Entry<String, String> e : environment(agentId, launch, name, extraEnv).entrySet()) {
      argv.add("-e");
      argv.add(e.getKey() + "=" + e.getValue());
    }
    for (int i = 0; i < container.getVolumesCount(); i++) {
      argv.add("-v");
      argv.add(volume(container.getVolumes(i), launch.sandbox()));
    }
    argv.add("-v");
    argv.add(launch.sandbox() + ":" + MAPPED_SANDBOX);
    String network = network(container);
    String parameterNetwork = null;
    for (Parameter p : docker.getParametersList()) {
      if (parameterNetwork == null && (p.getKey().equals("net") || p.getKey().equals("network"))) {
        parameterNetwork = p.getValue(); // Mesos: the first net/network parameter replaces the network
      }
    }
    argv.add("--net");
    argv.add(parameterNetwork != null ? parameterNetwork : network);
    if (container.hasHostname()) {
      argv.add("--hostname");
      argv.add(container.getHostname());
    }
    argv.addAll(portMappings(docker));
    CommandInfo command = task.getCommand();
    boolean shell = command.getShell();
    if (shell && command.hasValue()) {
      argv.add("--entrypoint");
      argv.add("/bin/sh");
    } else if (shell && command.hasShell()) {
      throw new InvalidContainerException("command.value: is required when command.shell is true");
    }
    argv.add("--name");
    argv.add(name);
    for (Label label : task.getLabels().getLabelsList()) {
      argv.add("--label");
      argv.add(label.getKey() + "=" + label.getValue());
    }
    String runAs = user != null ? user : command.getUser();
    if (!runAs.isEmpty()) {
      argv.add("--user");
      argv.add(runAs);
    }
    boolean networkSeen = false;
    for (int i = 0; i < docker.getParametersCount(); i++) {
      Parameter p = docker.getParameters(i);
      if (p.getKey().isBlank()) {
        throw new InvalidContainerException("container.docker.parameters[" + i + "].key: is required (value '"
            + p.getValue() + "')");
      }
      if (!networkSeen && (p.getKey().equals("net") || p.getKey().equals("network"))) {
        networkSeen = true;
        continue;
      }
      argv.add("--" + p.getKey() + "=" + p.getValue());
    }
    argv.add(docker.getImage());
    if (shell && command.hasValue()) {
      argv.add("-c");
      argv.add(command.getValue());
    } else if (!shell) {
      if (command.hasValue()) {
        argv.add(command.getValue());
      }
      argv.addAll(command.getArgumentsList());
    }
    return new Run(name, docker.getImage(), docker.getForcePullImage(), List.copyOf(argv));
  }

  private static Map<String, String> environment(String agentId, LaunchTask launch, String name,
      Map<String, String> extraEnv) {
    Map<String, String> env = new TreeMap<>();
    for (Environment.Variable v : launch.task().getCommand().getEnvironment().getVariablesList()) {
      if (!v.getName().isEmpty() && v.getType() != Environment.Variable.Type.SECRET) {
        env.put(v.getName(), v.getValue());
      }
    }
    env.putAll(extraEnv);
    env.put("MESOS_TASK_ID", launch.taskId());
    env.put("MESOS_FRAMEWORK_ID", launch.frameworkId());
    env.put("MESOS_AGENT_ID", agentId);
    env.put("MESOS_SANDBOX", MAPPED_SANDBOX);
    env.put("MESOS_CONTAINER_NAME", name);
    return env;
  }

  /** {@code volume} passed {@link io.meso.codecs.ContainerChecks}: paths and mode are there, one path is absolute. */
  private static String volume(Volume volume, String sandbox) {
    boolean hostAbsolute = volume.getHostPath().startsWith("/");
    boolean containerAbsolute = volume.getContainerPath().startsWith("/");
    String target = containerAbsolute ? volume.getContainerPath() : MAPPED_SANDBOX + "/" + volume.getContainerPath();
    String source = hostAbsolute ? volume.getHostPath() : sandbox + "/" + volume.getHostPath();
    return source + ":" + target + (volume.getMode() == Volume.Mode.RO ? ":ro" : ":rw");
  }

  /** The {@code --net} value ({@link io.meso.codecs.ContainerChecks} made sure a USER network has its one name). */
  private static String network(ContainerInfo container) {
    return switch (container.getDocker().getNetwork()) {
      case HOST -> "host";
      case BRIDGE -> "bridge";
      case NONE -> "none";
      case USER -> container.getNetworkInfos(0).getName();
    };
  }

  /** {@code -p} arguments ({@link io.meso.codecs.ContainerChecks} checked network, ports and protocols). */
  private static List<String> portMappings(DockerInfo docker) {
    List<String> argv = new ArrayList<>();
    for (DockerInfo.PortMapping m : docker.getPortMappingsList()) {
      String mapping = m.getHostPort() + ":" + m.getContainerPort();
      if (m.hasProtocol()) {
        mapping += "/" + io.meso.codecs.ContainerChecks.protocol(m);
      }
      argv.add("-p");
      argv.add(mapping);
    }
    return argv;
  }

  private static double scalar(TaskInfo task, String name) {
    double sum = 0;
    for (Resource r : task.getResourcesList()) {
      if (r.getName().equals(name) && r.getType() == Value.Type.SCALAR) {
        sum += r.getScalar().getValue();
      }
    }
    return sum;
  }
}
