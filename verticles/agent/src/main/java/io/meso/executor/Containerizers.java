package io.meso.executor;

import io.meso.executor.docker.DockerCli;
import io.meso.executor.docker.DockerNames;
import io.meso.executor.docker.DockerRunCommand;
import io.meso.executor.docker.InvalidContainerException;
import io.meso.executor.gpu.GpuAllocator;
import io.meso.executor.gpu.GpuDeviceCgroup;
import io.meso.executor.gpu.NvidiaGpus;
import io.meso.v1.CommandInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the executor adds to a plain process launch for DOCKER tasks (see
 * {@link io.meso.executor.docker}) and for tasks asking for GPUs (see {@link io.meso.executor.gpu}):
 * the GPUs a task gets and the environment and devices cgroup that say so, the {@code docker run}
 * command it runs instead of its own, and the docker steps of kills, ends and recovery. The
 * GPU indices a checkpointed task holds are written to {@link #GPUS_FILE} in its checkpoint.
 * Event-loop confined except the methods marked blocking.
 */
final class Containerizers {

  private static final Logger LOG = LoggerFactory.getLogger(Containerizers.class);
  static final String GPUS_FILE = "gpus";

  private final String agentId;
  private final ExecutorOptions options;
  /** Null when no docker engine answered at start. */
  final DockerCli docker;
  final GpuAllocator gpus;
  /** Null without a writable v1 devices controller, or without GPUs. */
  private final GpuDeviceCgroup devices;

  /** What a launch needs beyond the plain process: the command to run, extra env and cgroups. */
  record Prepared(CommandInfo command, Map<String, String> env, List<Path> cgroups, DockerRunCommand.Run run) {}

  /** A launch that cannot go ahead: terminal state, reason and message. */
  static final class Refused extends Exception {
    final io.meso.v1.TaskState state;
    final io.meso.v1.TaskStatus.Reason reason;

    Refused(io.meso.v1.TaskState state, io.meso.v1.TaskStatus.Reason reason, String message) {
      super(message);
      this.state = state;
      this.reason = reason;
    }
  }

  private Containerizers(String agentId, ExecutorOptions options, DockerCli docker, List<NvidiaGpus.Gpu> found,
      GpuDeviceCgroup devices) {
    this.agentId = agentId;
    this.options = options;
    this.docker = docker;
    this.gpus = new GpuAllocator(found.stream().map(NvidiaGpus.Gpu::index).toList());
    this.devices = found.isEmpty() ? null : devices;
  }

  /** Blocking: detects docker and GPUs as the options say. */
  static Containerizers open(String agentId, ExecutorOptions options) {
    List<NvidiaGpus.Gpu> found = NvidiaGpus.detect(options.getNvidiaSmi());
    GpuDeviceCgroup devices = found.isEmpty() ? null
        : GpuDeviceCgroup.open(Path.of(options.getCgroupBase()), options.getCgroupsRoot(), agentId);
    return new Containerizers(agentId, options, DockerCli.detect(options.getDockerBinary()), found, devices);
  }

  /**
   * On the event loop, before spawning: takes the task's GPUs and builds its docker run, or
   * refuses it. {@code user}: the user a docker task's container runs as ({@code --user}), null
   * when the agent does not switch users (then {@code command.user}, if set).
   */
  Prepared prepare(ProcessTask task, String user) throws Refused {
    LaunchTask launch = task.launch;
    Map<String, String> env = new HashMap<>();
    int wanted = (int) Math.ceil(ProcessLauncher.scalar(launch.task(), "gpus"));
    if (wanted > 0) {
      List<Integer> got = gpus.allocate(ExecutorVerticle.key(launch.frameworkId(), launch.taskId()), wanted);
      if (got == null) {
        throw new Refused(io.meso.v1.TaskState.TASK_FAILED, io.meso.v1.TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
            "resources.gpus: the task asks for " + wanted + " GPU(s); this agent has " + gpus.all().size()
                + " (" + GpuAllocator.join(gpus.all()) + ") and GPUs " + gpus.describeHeld() + " are in use");
      }
      task.gpus = got;
      env.put("CUDA_VISIBLE_DEVICES", GpuAllocator.join(got));
      env.put("NVIDIA_VISIBLE_DEVICES", GpuAllocator.join(got));
    }
    if (!DockerRunCommand.isDocker(launch.task())) {
      return new Prepared(launch.task().getCommand(), env, List.of(), null);
    }
    if (docker == null) {
      release(task);
      throw new Refused(io.meso.v1.TaskState.TASK_FAILED, io.meso.v1.TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED,
          "container.type: DOCKER is not supported on this agent: '" + options.getDockerBinary()
              + " version' did not answer at agent start (no docker engine)");
    }
    DockerRunCommand.Run run;
    try {
      run = DockerRunCommand.build(agentId, launch, options.isCgroupsEnableCfs(), options.isDockerAllowPrivileged(), env,
          user);
    } catch (InvalidContainerException e) {
      release(task);
      throw new Refused(io.meso.v1.TaskState.TASK_ERROR, io.meso.v1.TaskStatus.Reason.REASON_TASK_INVALID,
          "Invalid ContainerInfo: " + e.getMessage());
    }
    task.dockerName = run.name();
    List<String> argv = new ArrayList<>();
    argv.add(docker.binary());
    argv.addAll(run.arguments());
    CommandInfo command = CommandInfo.newBuilder().setShell(false).setValue(docker.binary()).addAllArguments(argv)
        .build();
    return new Prepared(command, env, List.of(), run);
  }

  /** Blocking, before spawning: pulls the image of a docker task as its policy says, makes a GPU task's devices cgroup. */
  Prepared beforeSpawn(ProcessTask task, Prepared prepared) throws IOException {
    if (prepared.run() != null) {
      docker.ensureImage(prepared.run().image(), prepared.run().forcePull());
    }
    if (task.gpus.isEmpty()) {
      return prepared;
    }
    String checkpoint = task.launch.checkpointDir();
    if (checkpoint != null) {
      Files.createDirectories(Path.of(checkpoint));
      Files.writeString(Path.of(checkpoint, GPUS_FILE), GpuAllocator.join(task.gpus) + "\n", StandardCharsets.US_ASCII);
    }
    if (devices == null || prepared.run() != null) {
      return prepared; // a container's devices are the engine's business
    }
    Path dir = devices.create(task.launch.frameworkId(), task.taskId(), gpus.all(), task.gpus);
    return new Prepared(prepared.command(), prepared.env(), List.of(dir), prepared.run());
  }

  /** Frees the task's GPUs (event loop). */
  void release(ProcessTask task) {
    if (!task.gpus.isEmpty()) {
      gpus.release(ExecutorVerticle.key(task.launch.frameworkId(), task.taskId()));
      task.gpus = List.of();
    }
  }

  /** Blocking, once the task ended: removes its container and devices cgroup. */
  void cleanup(String frameworkId, String taskId, String dockerName) {
    if (dockerName != null && docker != null) {
      try {
        docker.remove(dockerName);
      } catch (IOException e) {
        LOG.warn("cannot remove container name={} error={}", dockerName, e.getMessage());
      }
    }
    if (devices != null) {
      devices.remove(frameworkId, taskId);
    }
  }

  /** Blocking, when the executor stops. */
  void close() {
    if (devices != null) {
      devices.close();
    }
  }

  /** Blocking: {@code docker stop -t <grace>} of a docker task being killed. */
  void stop(ProcessTask task, long graceMillis) {
    try {
      docker.stop(task.dockerName, (graceMillis + 999) / 1000);
    } catch (IOException e) {
      LOG.warn("docker stop failed task_id={} error={}", task.taskId(), e.getMessage());
    }
  }

  /** Blocking: {@code docker kill} of a docker task whose grace period is over. */
  void kill(ProcessTask task) {
    try {
      docker.kill(task.dockerName);
    } catch (IOException e) {
      LOG.warn("docker kill failed task_id={} error={}", task.taskId(), e.getMessage());
    }
  }

  /** On recovery (event loop): the GPUs and container name a recovered task holds. */
  void recovered(ProcessTask task) {
    if (DockerRunCommand.isDocker(task.launch.task())) {
      task.dockerName = DockerNames.of(agentId, task.launch.frameworkId(), task.taskId());
    }
    String checkpoint = task.launch.checkpointDir();
    if (checkpoint == null) {
      return;
    }
    try {
      Path file = Path.of(checkpoint, GPUS_FILE);
      if (Files.isRegularFile(file)) {
        List<Integer> held = GpuAllocator.parse(Files.readString(file, StandardCharsets.US_ASCII));
        gpus.restore(ExecutorVerticle.key(task.launch.frameworkId(), task.taskId()), held);
        task.gpus = held;
      }
    } catch (IOException | NumberFormatException e) {
      LOG.warn("cannot read the GPUs of recovered task task_id={} error={}", task.taskId(), e.toString());
    }
  }

  /**
   * Blocking, on recovery: this agent's containers ({@code docker ps -a} by name prefix); those
   * that belong to none of {@code keep} are removed (orphans of tasks the agent no longer knows).
   */
  List<String> sweepContainers(java.util.Set<String> keep) {
    if (docker == null) {
      return List.of();
    }
    try {
      List<String> found = docker.list(DockerNames.prefix(agentId));
      for (String name : found) {
        if (!keep.contains(name)) {
          LOG.info("removing orphan container name={}", name);
          docker.remove(name);
        }
      }
      return found;
    } catch (IOException e) {
      LOG.warn("cannot list this agent's containers agent_id={} error={}", agentId, e.getMessage());
      return List.of();
    }
  }

  /** Blocking: a process that waits for a recovered task's container and exits with its status. */
  Process waitFor(ProcessTask task) throws IOException {
    return new ProcessBuilder(docker.waitArgv(task.dockerName))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.appendTo(Path.of(task.launch.sandbox(), "stderr").toFile()))
        .start();
  }
}
