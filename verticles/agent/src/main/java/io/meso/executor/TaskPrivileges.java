package io.meso.executor;

import io.meso.executor.isolation.Executables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which user a task runs as, and the privileges it gives up, as Mesos's {@code --switch_user}:
 * when the agent runs as root and switching is on (the default), a task runs as its
 * {@code command.user}, else its framework's {@code FrameworkInfo.user}, else the agent's
 * {@code --task-user} (default {@code nobody}); a user the host does not know fails the task.
 * With {@code --switch-user=false} (for development), or when the agent is not root (it cannot
 * switch), tasks run as the agent's own user.
 *
 * <p>Either way every task process runs under {@code setpriv --no-new-privs --bounding-set=-all
 * --inh-caps=-all --ambient-caps=-all} (util-linux): no capabilities, none to be regained by
 * exec, and setuid binaries do not raise privileges; when switching also {@code --reuid --regid
 * --init-groups}. That is the last program before the task's own shell, after every privileged
 * step of the launch (cgroup joins, namespaces, the read-only cgroup view): see
 * {@link ProcessLauncher}. It costs one exec per launch (about 0.7 ms of CPU here). With the
 * native {@link LaunchHelper} the helper takes the same steps itself ({@code --drop-caps --uid
 * --gid --user}: initgroups, setgid, setuid, bounding/inheritable/ambient sets emptied,
 * no_new_privs) and setpriv is not run.
 */
final class TaskPrivileges {

  private static final Logger LOG = LoggerFactory.getLogger(TaskPrivileges.class);
  /** What every task gives up (setpriv's flags). */
  static final List<String> DROP = List.of("--no-new-privs", "--bounding-set=-all", "--inh-caps=-all",
      "--ambient-caps=-all");

  /** How one task runs: as {@code user} (null: the agent's own user) under {@code argv} (empty: no setpriv). */
  record Drop(TaskUser user, List<String> argv) {}

  private final boolean switching;
  private final String defaultUser;
  private final String setpriv;

  TaskPrivileges(boolean switching, String defaultUser, String setpriv) {
    this.switching = switching;
    this.defaultUser = defaultUser;
    this.setpriv = setpriv;
  }

  /**
   * Blocking: the privileges for this agent's options and host. Throws when switching is asked
   * for as root but setpriv is missing (tasks would otherwise run as root).
   */
  static TaskPrivileges open(String agentId, ExecutorOptions options) throws IOException {
    String setpriv = Executables.find("setpriv");
    long uid = agentUid();
    if (uid == 0 && options.isSwitchUser()) {
      if (setpriv == null) {
        throw new IOException("setpriv (util-linux) is not installed: it is needed to run tasks as their users "
            + "rather than root (install util-linux, or run the agent with --switch-user=false, for development)");
      }
      LOG.info("tasks run as their command.user, else their framework's user, else task_user={} agent_id={}",
          options.getTaskUser(), agentId);
      return new TaskPrivileges(true, options.getTaskUser(), setpriv);
    }
    String me = System.getProperty("user.name", "uid " + uid);
    if (uid == 0) {
      LOG.warn("switch_user=false: every task runs as root, as this agent does (for development only; capabilities "
          + "are still dropped) agent_id={}", agentId);
    } else {
      LOG.info("the agent does not run as root: every task runs as its user {} (no switch possible) agent_id={}", me,
          agentId);
    }
    if (setpriv == null) {
      LOG.warn("setpriv (util-linux) is not installed: tasks run without no_new_privs agent_id={}", agentId);
    }
    return new TaskPrivileges(false, options.getTaskUser(), setpriv);
  }

  /** Whether tasks switch to their own users (the agent is root and --switch-user is on). */
  boolean switching() {
    return switching;
  }

  /**
   * The name of the user the task runs as when switching ({@code command.user}, else the
   * framework's user, else the default), null when not switching. Cheap: no lookup.
   */
  String userName(LaunchTask launch) {
    if (!switching) {
      return null;
    }
    if (!launch.task().getCommand().getUser().isEmpty()) {
      return launch.task().getCommand().getUser();
    }
    if (!launch.framework().getUser().isEmpty()) {
      return launch.framework().getUser();
    }
    return defaultUser;
  }

  /** Which field {@link #userName} took the user from, for messages. */
  private String field(LaunchTask launch) {
    if (!launch.task().getCommand().getUser().isEmpty()) {
      return "command.user";
    }
    return launch.framework().getUser().isEmpty() ? "the agent's --task-user" : "framework_info.user";
  }

  /**
   * Blocking (a user lookup): how the task runs. {@code asAgent}: the launched program itself
   * stays the agent's user (the docker client, which must reach the engine; the container gets
   * {@code --user}), but the task's user is still resolved (its sandbox is theirs).
   */
  Drop resolve(LaunchTask launch, boolean asAgent) throws TaskUser.UnknownUserException {
    String name = userName(launch);
    TaskUser user = name == null ? null : TaskUser.lookup(name, field(launch));
    if (setpriv == null || asAgent) {
      return new Drop(user, List.of());
    }
    List<String> argv = new ArrayList<>();
    argv.add(setpriv);
    if (user != null) {
      argv.addAll(List.of("--reuid=" + user.uid(), "--regid=" + user.gid(), "--init-groups"));
    }
    argv.addAll(DROP);
    argv.add("--");
    return new Drop(user, argv);
  }

  /** The agent's effective uid (from /proc/self/status), -1 when it cannot be read. */
  static long agentUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read this process's uid from /proc/self/status: {}", e.toString());
    }
    return -1;
  }
}
