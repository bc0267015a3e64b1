package io.meso.executor;

import io.meso.executor.isolation.Container;
import io.meso.executor.isolation.Executables;
import io.meso.executor.isolation.Isolators;
import io.meso.executor.isolation.LaunchPlan;
import io.meso.v1.CommandInfo;
import io.meso.v1.TaskInfo;
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
 * line, outermost first, as the isolators' {@link LaunchPlan} asks:
 * <ul>
 *   <li>{@code setsid}: the task leads its own session and process group, so its tree can be
 *       signalled as a whole and it survives the agent's terminal going away;</li>
 *   <li>with cgroups, the task's first shell writes its own pid into each of its cgroups, so
 *       the command and everything it starts is accounted and limited before it runs; folded
 *       into the task's own shell when it has one, else a shell of its own (also when a
 *       read-only cgroup view follows, which would refuse the write);</li>
 *   <li>the isolators' programs: {@code nsenter --mount=<view>} (filesystem/cgroup-ro),
 *       {@code unshare --pid --fork --kill-child --mount-proc} (namespaces/pid);</li>
 *   <li>{@code setpriv}: the task's user and its privileges dropped ({@link TaskPrivileges}: no
 *       capabilities, no_new_privs), after every privileged step above; the cgroup join, which
 *       root must do, then runs in a shell of its own before them;</li>
 *   <li>{@code /bin/sh -c value} when {@code command.shell} (default), except that a plain
 *       command the shell would only exec ({@code /bin/true}, {@code sleep 10}: see
 *       {@link ShellWords}) is exec'd directly, saving the shell's exec; with
 *       {@code shell=false}, exec of {@code value} with {@code arguments[1..]} (Mesos's
 *       {@code execvp(value, arguments)}: arguments[0] is argv[0], which Java cannot set). A
 *       recoverable task, and the init of a pid namespace, run it under a small shell instead
 *       (see {@link #WRAP_SCRIPT}).</li>
 * </ul>
 * cwd is the sandbox; stdin is /dev/null; stdout and stderr go to {@code <sandbox>/stdout} and
 * {@code <sandbox>/stderr}. The leader, whose pid is checkpointed and waited for, is always the
 * host process Java spawned (through every exec above; with a pid namespace, the unshare that
 * waits for the namespace's init). Per launch, beyond a bare spawn: setsid one exec; cgroups
 * none when folded, else one shell exec; namespaces/pid one exec, one fork and the init shell's
 * exec; filesystem/cgroup-ro one exec (nsenter); setpriv one exec, and with cgroups the join's own
 * shell.
 *
 * <p>With the native {@link LaunchHelper} (the default when it was built and runs here), one
 * exec of {@code meso-launch} takes the place of setsid, the join shells, nsenter, unshare and
 * setpriv, doing the same steps in the same order, and of the wrapper and init shells too: after
 * the last step it forks, the child execs the command (or {@code /bin/sh -c}) and the helper
 * waits for it as the shell did (TERM/INT/HUP waited out, the status recorded in
 * {@code exit_status}, 128+N for signal N), so a recoverable launch execs jspawnhelper, the
 * helper and the command. With a pid namespace that waiting helper is the namespace's init (the
 * fork the namespace needs anyway), the command its pid 2, as under the init shell.
 *
 * <p>With the {@link LaunchServer} as well (option {@code launchServer}), the helper's steps run
 * in a fork of the long-lived server instead of a spawn of the helper: a launch execs only the
 * command. While the server is down (it died), launches spawn the helper as above.
 *
 * <p>When the task runs as another user, its sandbox, {@code stdout} and {@code stderr} become
 * that user's before it runs (the wrapper, or the helper, writes {@code exit_status} there as the task). A docker
 * task's launch stays the agent's (the docker client must reach the engine; the container gets
 * {@code --user}), so its wrapper records the status by renaming a file it made in the task's
 * root-only checkpoint directory: it never opens a path in the task's sandbox, where the task
 * could have put a symlink (the helper does the same with {@code --exit-status-temp}).
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

  /** A spawned task: its leader process and that process's start time. */
  record Spawned(Process process, long startTime) {}

  /**
   * The wrapper of a recoverable task (see {@link LaunchTask}) with the program pipeline (the
   * native helper does the same itself, {@code --exit-status}): it runs the task as its child,
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
  /** Ends a pid namespace's init shell that records nothing: it exits with the task's status. */
  static final String INIT_END = "exit \"$?\"\n";

  /** {@link #WRAP_END} for a wrapper that runs as root in a sandbox another user owns (see the class comment). */
  static String safeWrapEnd(Path checkpoint) {
    return "meso_status_=$?\nmeso_tmp_=$(mktemp -p '" + checkpoint.toString().replace("'", "'\\''") + "'"
        + " exit_status.XXXXXX) && echo \"$meso_status_\" > \"$meso_tmp_\" && mv -fT \"$meso_tmp_\" exit_status\n"
        + "exit \"$meso_status_\"\n";
  }

  private final String agentId;
  private final Isolators isolators;
  private final Map<String, String> inherited;
  /** The setsid executable, or null when tasks do not get sessions of their own. */
  private final String setsid;
  private final TaskPrivileges privileges;
  /** The native launch helper, or null: the program pipeline. */
  private final LaunchHelper helper;
  private final boolean sessionsAsked;
  /** The launch server that runs the helper's steps in a fork instead of a spawn, or null. */
  private final LaunchServer server;

  ProcessLauncher(String agentId, Isolators isolators, boolean sessions, TaskPrivileges privileges,
      LaunchHelper helper) {
    this(agentId, isolators, sessions, privileges, helper, null);
  }

  ProcessLauncher(String agentId, Isolators isolators, boolean sessions, TaskPrivileges privileges,
      LaunchHelper helper, LaunchServer server) {
    this.agentId = agentId;
    this.isolators = isolators;
    this.inherited = TaskEnvironment.inherited();
    this.setsid = sessions ? SETSID : null;
    this.sessionsAsked = sessions;
    this.privileges = privileges;
    this.helper = helper;
    this.server = helper == null ? null : server;
  }

  /** Whether launches go to the launch server now (false without one, or once it died). */
  boolean served() {
    return server != null && server.alive();
  }

  /** Whether tasks launch with the native helper (else with the program pipeline). */
  boolean helper() {
    return helper != null;
  }

  /** Whether task leaders get their own session (asked for, and setsid was found). */
  boolean sessions() {
    return setsid != null || (helper != null && sessionsAsked);
  }

  /** Spawns the task in its {@code container} (whose leader is set once it runs). */
  Spawned spawn(LaunchTask launch, Container container) throws LaunchException {
    return spawn(launch, container, launch.task().getCommand(), Map.of(), List.of(), false);
  }

  /**
   * Spawns {@code command} (the task's own, or the docker containerizer's {@code docker run})
   * for the task, with {@code extraEnv} added to its environment and {@code extraCgroups}
   * (a GPU task's devices cgroup) joined with the isolators' cgroups. {@code docker}: the command
   * is the docker client, which runs as the agent (see the class comment).
   */
  Spawned spawn(LaunchTask launch, Container container, CommandInfo command, Map<String, String> extraEnv,
      List<Path> extraCgroups, boolean docker) throws LaunchException {
    TaskInfo task = launch.task();
    if (command.getValue().isEmpty()) {
      throw new LaunchException("task " + launch.taskId() + " has no command: set command.value");
    }
    TaskPrivileges.Drop drop;
    try {
      drop = privileges.resolve(launch, docker);
    } catch (TaskUser.UnknownUserException e) {
      throw new LaunchException("Failed to launch task " + launch.taskId() + ": " + e.getMessage());
    }
    Path sandbox = Path.of(launch.sandbox());
    Map<String, String> env = TaskEnvironment.build(inherited, agentId, launch);
    env.putAll(extraEnv);
    String path = env.getOrDefault("PATH", TaskEnvironment.DEFAULT_PATH);
    List<String> direct = directArgv(command, path, sandbox);
    boolean prepared = false;
    try {
      boolean fresh = FileNames.createDirectory(sandbox);
      if (drop.user() != null) {
        TaskFiles.handOver(sandbox, drop.user());
      }
      Path checkpoint = launch.checkpointDir() == null ? null : Path.of(launch.checkpointDir());
      if (checkpoint != null) {
        TaskCheckpoint.writeLaunch(checkpoint, launch.framework(), task);
        if (!fresh) {
          Files.deleteIfExists(sandbox.resolve("exit_status")); // a relaunched id must not inherit one
        }
      }
      LaunchPlan plan = isolators.prepare(container);
      prepared = true;
      extraCgroups.forEach(plan::join);
      if (!drop.argv().isEmpty()) {
        plan.dropCapabilities(drop.argv(), true); // everything (and the user): covers what an isolator dropped
      }
      boolean rootInForeignSandbox = docker && drop.user() != null && checkpoint != null;
      String end = rootInForeignSandbox ? safeWrapEnd(checkpoint) : WRAP_END;
      boolean helped = helper != null && (sessionsAsked || !plan.cgroupDirs().isEmpty() || !plan.prefix().isEmpty());
      List<String> argv = helped
          ? helperArgv(command.getValue(), direct, plan, checkpoint != null, rootInForeignSandbox ? checkpoint : null,
              drop.user())
          : argv(command.getValue(), direct, plan, checkpoint != null, end, path, sandbox);
      Process process = helped ? served(argv, sandbox, env) : null;
      if (process == null) {
        ProcessBuilder builder = new ProcessBuilder(argv)
            .directory(sandbox.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
            .redirectOutput(sandbox.resolve("stdout").toFile())
            .redirectError(sandbox.resolve("stderr").toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(env);
        process = builder.start();
      }
      long startTime = ProcessTree.startTime(process.pid());
      container.leader(process.pid());
      if (checkpoint != null) {
        try {
          TaskCheckpoint.writePid(checkpoint, process.pid(), startTime);
        } catch (IOException e) {
          process.destroyForcibly(); // not recoverable: do not leave it running unrecorded
          throw e;
        }
      }
      isolators.spawned(container);
      return new Spawned(process, startTime);
    } catch (IOException | RuntimeException e) {
      if (prepared) {
        isolators.cleanup(container);
      }
      throw new LaunchException("Failed to launch task " + launch.taskId() + ": " + e.getMessage());
    }
  }

  /**
   * Blocking: the helper's {@code argv} run by a child of the launch server, or null when there is
   * no server or it can no longer take launches (the caller spawns the helper then).
   */
  private Process served(List<String> argv, Path sandbox, Map<String, String> env) throws IOException {
    LaunchServer s = server;
    if (s == null || !s.alive()) {
      return null;
    }
    try {
      return s.launch(argv, sandbox, sandbox.resolve("stdout"), sandbox.resolve("stderr"), env);
    } catch (LaunchServer.Unavailable e) {
      return null;
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
    return words;
  }

  /**
   * The command line for the plan with the native helper: the helper, then the command. A
   * recoverable task ({@code wrapped}) and a pid namespace's init need no wrapper shell: the
   * helper forks the command and waits for it itself ({@code --wait}), recording its status in
   * {@code exit_status} when {@code wrapped} ({@code --exit-status}, from a temporary file in
   * {@code statusTemp} when that is not null: see the class comment).
   */
  private List<String> helperArgv(String script, List<String> direct, LaunchPlan plan, boolean wrapped,
      Path statusTemp, TaskUser user) {
    List<String> waiting = new ArrayList<>();
    if (wrapped) {
      waiting.add("--exit-status");
      if (statusTemp != null) {
        waiting.addAll(List.of("--exit-status-temp", statusTemp.toString()));
      }
    } else if (plan.needsInit()) {
      waiting.add("--wait");
    }
    List<String> argv = helper.argv(sessionsAsked, plan, user, waiting);
    if (direct == null) {
      // $0 as under the wrapper shell; the script sees no positional parameters, as under sh -c.
      argv.addAll(waiting.isEmpty() ? List.of("/bin/sh", "-c", script) : List.of("/bin/sh", "-c", script, "meso-task"));
    } else {
      argv.addAll(direct); // the helper looks words[0] up in the task's PATH (execvp)
    }
    return argv;
  }

  /** The command line for the plan with the program pipeline; see the class comment. */
  private List<String> argv(String script, List<String> direct, LaunchPlan plan, boolean wrapped, String end,
      String path, Path sandbox) {
    List<String> argv = new ArrayList<>();
    if (setsid != null) {
      argv.add(setsid);
    }
    String join = plan.joinScript();
    if (plan.joinsFirst()) {
      argv.addAll(List.of("/bin/sh", "-c", join + "exec \"$@\"", "meso-task"));
      join = "";
    }
    argv.addAll(plan.prefix());
    if (wrapped || plan.needsInit()) {
      argv.add("/bin/sh");
      argv.add("-c");
      argv.add(join + (direct == null ? WRAP_SCRIPT : WRAP_DIRECT) + (wrapped ? end : INIT_END));
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
      argv.add(join + script);
      return argv;
    }
    if (!join.isEmpty()) {
      argv.addAll(List.of("/bin/sh", "-c", join + "exec \"$@\"", "meso-task"));
    }
    List<String> words = new ArrayList<>(direct);
    // setsid, sh and the isolators' programs look the program up in the task's PATH; the JVM would use its own.
    if (argv.isEmpty() && !words.get(0).contains("/") && !path.equals(inherited.get("PATH"))) {
      words.set(0, findExecutable(words.get(0), path, sandbox).toString());
    }
    argv.addAll(words);
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
    return Container.scalar(task, name);
  }

  private static String findSetsid() {
    String found = Executables.find("setsid");
    if (found == null) {
      LOG.warn("setsid not found (util-linux): tasks share the agent's session and only their descendants "
          + "are killed with them");
    }
    return found;
  }
}
