package io.meso.executor;

import io.meso.v1.CommandInfo;
import io.meso.v1.Resource;
import io.meso.v1.TaskInfo;
import io.meso.v1.Value;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spawns a task's process (blocking, about a millisecond: call off the event loop). The command
 * line, outermost first:
 * <ul>
 *   <li>{@code setsid}: the task leads its own session and process group, so its tree can be
 *       signalled as a whole and it survives the agent's terminal going away;</li>
 *   <li>with cgroups only, the task's shell first writes its own pid into its memory and cpu
 *       cgroups, so the command and everything it starts is accounted before it runs;</li>
 *   <li>{@code /bin/sh -c value} when {@code command.shell} (default), else exec of
 *       {@code value} with {@code arguments[1..]} (Mesos's {@code execvp(value, arguments)}:
 *       arguments[0] is argv[0], which Java cannot set; the program sees {@code value}).</li>
 * </ul>
 * cwd is the sandbox; stdin is /dev/null; stdout and stderr go to {@code <sandbox>/stdout} and
 * {@code <sandbox>/stderr}. One exec is added to a bare spawn (setsid); the cgroup join is folded
 * into the task's own shell when {@code shell} is true.
 */
final class ProcessLauncher {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessLauncher.class);
  private static final File DEV_NULL = new File("/dev/null");
  private static final String SETSID = findSetsid();

  /** Why a task could not be spawned; the message is reported to the framework. */
  static final class LaunchException extends Exception {
    LaunchException(String message) {
      super(message);
    }
  }

  /** A spawned task: its leader process and, with cgroups isolation, its cgroups. */
  record Spawned(Process process, TaskCgroup cgroup) {}

  private final String agentId;
  private final Cgroups cgroups;
  private final Map<String, String> inherited;

  ProcessLauncher(String agentId, Cgroups cgroups) {
    this.agentId = agentId;
    this.cgroups = cgroups;
    this.inherited = TaskEnvironment.inherited();
  }

  /** Whether task leaders get their own session (setsid was found). */
  static boolean sessions() {
    return SETSID != null;
  }

  Spawned spawn(LaunchTask launch) throws LaunchException {
    TaskInfo task = launch.task();
    CommandInfo command = task.getCommand();
    if (command.getValue().isEmpty()) {
      throw new LaunchException("task " + launch.taskId() + " has no command: set command.value");
    }
    Path sandbox = Path.of(launch.sandbox());
    Map<String, String> env = TaskEnvironment.build(inherited, agentId, launch);
    if (!command.getShell()) {
      checkExecutable(command.getValue(), env.getOrDefault("PATH", TaskEnvironment.DEFAULT_PATH), sandbox);
    }
    TaskCgroup cgroup = null;
    try {
      Files.createDirectories(sandbox);
      if (cgroups != null) {
        cgroup = cgroups.create(launch.taskId(), scalar(task, "cpus"), scalar(task, "mem"));
      }
      ProcessBuilder builder = new ProcessBuilder(argv(command, cgroup))
          .directory(sandbox.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
          .redirectOutput(sandbox.resolve("stdout").toFile())
          .redirectError(sandbox.resolve("stderr").toFile());
      Map<String, String> environment = builder.environment();
      environment.clear();
      environment.putAll(env);
      return new Spawned(builder.start(), cgroup);
    } catch (IOException | RuntimeException e) {
      if (cgroup != null) {
        cgroup.remove();
      }
      throw new LaunchException("Failed to launch task " + launch.taskId() + ": " + e.getMessage());
    }
  }

  private static List<String> argv(CommandInfo command, TaskCgroup cgroup) {
    List<String> argv = new ArrayList<>();
    if (SETSID != null) {
      argv.add(SETSID);
    }
    String join = cgroup == null ? null
        : "echo $$ > " + quote(cgroup.memory().resolve("cgroup.procs")) + " && echo $$ > "
            + quote(cgroup.cpu().resolve("cgroup.procs")) + " || exit 125\n";
    if (command.getShell()) {
      argv.add("/bin/sh");
      argv.add("-c");
      argv.add(join == null ? command.getValue() : join + command.getValue());
      return argv;
    }
    if (join != null) {
      argv.add("/bin/sh");
      argv.add("-c");
      argv.add(join + "exec \"$@\"");
      argv.add("meso-task");
    }
    argv.add(command.getValue());
    List<String> arguments = command.getArgumentsList();
    argv.addAll(arguments.isEmpty() ? List.of() : arguments.subList(1, arguments.size()));
    return argv;
  }

  /** Fails like execvp would, but before spawning, so the framework hears LAUNCH_FAILED. */
  private static void checkExecutable(String value, String path, Path sandbox) throws LaunchException {
    if (value.contains("/")) {
      Path file = sandbox.resolve(value);
      if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
        throw new LaunchException("Failed to execute '" + value + "': no such executable file");
      }
      return;
    }
    for (String dir : path.split(":")) {
      Path file = Path.of(dir.isEmpty() ? "." : dir).resolve(value);
      if (Files.isRegularFile(file) && Files.isExecutable(file)) {
        return;
      }
    }
    throw new LaunchException("Failed to execute '" + value + "': not found in PATH=" + path);
  }

  private static double scalar(TaskInfo task, String name) {
    double total = 0;
    for (Resource r : task.getResourcesList()) {
      if (r.getName().equals(name) && r.getType() == Value.Type.SCALAR) {
        total += r.getScalar().getValue();
      }
    }
    return total;
  }

  private static String quote(Path path) {
    return "'" + path.toString().replace("'", "'\\''") + "'";
  }

  private static String findSetsid() {
    List<String> candidates = new ArrayList<>(List.of("/usr/bin/setsid", "/bin/setsid"));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        candidates.add(dir + "/setsid");
      }
    }
    for (String candidate : candidates) {
      Path p = Path.of(candidate);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return candidate;
      }
    }
    LOG.warn("setsid not found (util-linux): tasks share the agent's session and only their descendants "
        + "are killed with them");
    return null;
  }
}
