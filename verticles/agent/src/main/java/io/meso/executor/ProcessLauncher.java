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
 *   <li>with cgroups only, the task's shell first writes its own pid into each of its cgroups
 *       (memory, cpu, and cpuacct and pids when mounted), so the command and everything it
 *       starts is accounted and limited before it runs;</li>
 *   <li>{@code /bin/sh -c value} when {@code command.shell} (default), except that a plain
 *       command the shell would only exec ({@code /bin/true}, {@code sleep 10}: see
 *       {@link ShellWords}) is exec'd directly, saving the shell's exec; with
 *       {@code shell=false}, exec of {@code value} with {@code arguments[1..]} (Mesos's
 *       {@code execvp(value, arguments)}: arguments[0] is argv[0], which Java cannot set).</li>
 * </ul>
 * cwd is the sandbox; stdin is /dev/null; stdout and stderr go to {@code <sandbox>/stdout} and
 * {@code <sandbox>/stderr}. A plain command costs one exec more than a bare spawn (setsid), none
 * without sessions; with cgroups the join is folded into the task's shell script, or costs one
 * shell exec for a directly exec'd command.
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

  /** A spawned task: its leader process (and that process's start time) and, with cgroups isolation, its cgroups. */
  record Spawned(Process process, long startTime, TaskCgroup cgroup) {}

  /**
   * The wrapper of a recoverable task (see {@link LaunchTask}): it runs the task as its child,
   * then writes the task's exit status (128+N for signal N, as Java reports it) to
   * {@code exit_status} in its working directory, the sandbox, and exits with it. It waits out
   * SIGTERM/SIGINT/SIGHUP (the task gets them too, with the default action restored: a subshell
   * and exec reset caught signals), so a graceful kill still records a status; SIGKILL does not.
   * $1 is the script for a shell command; for a directly exec'd one the arguments are the argv.
   */
  static final String WRAP_SCRIPT = "trap : TERM INT HUP\n"
      + "(meso_script_=$1; shift; eval \"$meso_script_\")\n";
  static final String WRAP_DIRECT = "trap : TERM INT HUP\n\"$@\"\n";
  static final String WRAP_END = "meso_status_=$?\necho \"$meso_status_\" > exit_status\nexit \"$meso_status_\"\n";

  private final String agentId;
  private final Cgroups cgroups;
  private final Map<String, String> inherited;
  /** The setsid executable, or null when tasks do not get sessions of their own. */
  private final String setsid;

  ProcessLauncher(String agentId, Cgroups cgroups, boolean sessions) {
    this.agentId = agentId;
    this.cgroups = cgroups;
    this.inherited = TaskEnvironment.inherited();
    this.setsid = sessions ? SETSID : null;
  }

  /** Whether task leaders get their own session (asked for, and setsid was found). */
  boolean sessions() {
    return setsid != null;
  }

  Spawned spawn(LaunchTask launch) throws LaunchException {
    TaskInfo task = launch.task();
    CommandInfo command = task.getCommand();
    if (command.getValue().isEmpty()) {
      throw new LaunchException("task " + launch.taskId() + " has no command: set command.value");
    }
    Path sandbox = Path.of(launch.sandbox());
    Map<String, String> env = TaskEnvironment.build(inherited, agentId, launch);
    List<String> direct = directArgv(command, env.getOrDefault("PATH", TaskEnvironment.DEFAULT_PATH), sandbox);
    TaskCgroup cgroup = null;
    try {
      Files.createDirectories(sandbox);
      Path checkpoint = launch.checkpointDir() == null ? null : Path.of(launch.checkpointDir());
      if (checkpoint != null) {
        TaskCheckpoint.writeLaunch(checkpoint, launch.framework(), task);
        Files.deleteIfExists(sandbox.resolve("exit_status")); // a relaunched id must not inherit one
      }
      if (cgroups != null) {
        cgroup = cgroups.create(launch.frameworkId(), launch.taskId(), scalar(task, "cpus"), scalar(task, "mem"));
      }
      ProcessBuilder builder = new ProcessBuilder(argv(command.getValue(), direct, cgroup, checkpoint != null))
          .directory(sandbox.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
          .redirectOutput(sandbox.resolve("stdout").toFile())
          .redirectError(sandbox.resolve("stderr").toFile());
      Map<String, String> environment = builder.environment();
      environment.clear();
      environment.putAll(env);
      Process process = builder.start();
      long startTime = ProcessTree.startTime(process.pid());
      if (checkpoint != null) {
        try {
          TaskCheckpoint.writePid(checkpoint, process.pid(), startTime);
        } catch (IOException e) {
          process.destroyForcibly(); // not recoverable: do not leave it running unrecorded
          throw e;
        }
      }
      return new Spawned(process, startTime, cgroup);
    } catch (IOException | RuntimeException e) {
      if (cgroup != null) {
        cgroup.remove();
      }
      throw new LaunchException("Failed to launch task " + launch.taskId() + ": " + e.getMessage());
    }
  }

  /**
   * The argv to exec without a shell: {@code shell=false} commands, and shell commands that are
   * {@link ShellWords plain words} naming an existing executable. Null: run the script with
   * {@code /bin/sh -c} (which also reports a missing command the shell's way, status 127).
   */
  private List<String> directArgv(CommandInfo command, String path, Path sandbox) throws LaunchException {
    List<String> words;
    if (command.getShell()) {
      words = ShellWords.plain(command.getValue());
      if (words == null || findExecutable(words.get(0), path, sandbox) == null) {
        return null;
      }
    } else {
      if (findExecutable(command.getValue(), path, sandbox) == null) {
        throw new LaunchException("Failed to execute '" + command.getValue() + "': "
            + (command.getValue().contains("/") ? "no such executable file" : "not found in PATH=" + path));
      }
      List<String> arguments = command.getArgumentsList();
      words = new ArrayList<>();
      words.add(command.getValue());
      words.addAll(arguments.isEmpty() ? List.of() : arguments.subList(1, arguments.size()));
    }
    // setsid and sh look the program up in the task's PATH; the JVM would use its own.
    if (setsid == null && cgroups == null && !words.get(0).contains("/") && !path.equals(inherited.get("PATH"))) {
      words.set(0, findExecutable(words.get(0), path, sandbox).toString());
    }
    return words;
  }

  private List<String> argv(String script, List<String> direct, TaskCgroup cgroup, boolean wrapped) {
    List<String> argv = new ArrayList<>();
    if (setsid != null) {
      argv.add(setsid);
    }
    String join = null;
    if (cgroup != null) {
      StringBuilder echo = new StringBuilder();
      for (Path dir : cgroup.dirs()) {
        echo.append(echo.length() == 0 ? "" : " && ").append("echo $$ > ").append(quote(dir.resolve("cgroup.procs")));
      }
      join = echo + " || exit 125\n";
    }
    if (wrapped) {
      argv.add("/bin/sh");
      argv.add("-c");
      argv.add((join == null ? "" : join) + (direct == null ? WRAP_SCRIPT : WRAP_DIRECT) + WRAP_END);
      argv.add("meso-task");
      if (direct == null) {
        argv.add(script);
      } else {
        argv.addAll(direct);
      }
      return argv;
    }
    if (direct == null) {
      argv.add("/bin/sh");
      argv.add("-c");
      argv.add(join == null ? script : join + script);
      return argv;
    }
    if (join != null) {
      argv.add("/bin/sh");
      argv.add("-c");
      argv.add(join + "exec \"$@\"");
      argv.add("meso-task");
    }
    argv.addAll(direct);
    return argv;
  }

  /** The executable execvp would run for {@code name} (searching {@code path} unless it has a '/'), or null. */
  private static Path findExecutable(String name, String path, Path sandbox) {
    if (name.contains("/")) {
      Path file = sandbox.resolve(name);
      return Files.isRegularFile(file) && Files.isExecutable(file) ? file : null;
    }
    for (String dir : path.split(":")) {
      Path file = (dir.isEmpty() ? sandbox : sandbox.resolve(dir)).resolve(name);
      if (Files.isRegularFile(file) && Files.isExecutable(file)) {
        return file;
      }
    }
    return null;
  }

  /** The sum of the task's scalar resources of this name (0 when it has none). */
  static double scalar(TaskInfo task, String name) {
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
