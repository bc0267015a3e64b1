package io.meso.executor.isolation.cgroups;

import io.meso.executor.FileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * An agent's cgroups: per task {@code <hierarchy>/<root>/<agentId>/<frameworkId>+<taskId>} in each
 * v1 hierarchy of the controllers in use (memory, cpu, cpuacct, pids; cpuacct is the cpu cgroup
 * itself when the two share a mount), or that one directory under the v2 unified hierarchy, with
 * the controllers in use enabled in {@code cgroup.subtree_control} of the agent's ancestors (v2's
 * "no internal processes" rule is kept: only task cgroups hold processes). Each id is made safe by
 * {@link FileNames#sanitize}, which never emits '+', so the name is unambiguous; two frameworks'
 * tasks of the same id get two cgroups. Agents before framework-scoped names used
 * {@code <agentId>/<taskId>}; recovery still finds a task there ({@link #existing}). This class
 * only makes, finds and removes the directories; the isolators write the limits. Blocking file
 * IO: call off the event loop.
 */
public final class Cgroups {

  private final CgroupsHost host;
  /** Each controller in use -> the agent's directory in its hierarchy (v2: the same one for all). */
  private final Map<Controller, Path> agentDirs = new EnumMap<>(Controller.class);

  /**
   * @param controllers the controllers tasks get cgroups in; those the host lacks are left out
   *     (the isolators that need one check {@link CgroupsHost#has} first)
   */
  public Cgroups(CgroupsHost host, String root, String agentId, Set<Controller> controllers) {
    this.host = host;
    String agent = FileNames.sanitize(agentId);
    for (Controller c : controllers) {
      Path hierarchy = host.hierarchy(c);
      if (hierarchy != null) {
        agentDirs.put(c, hierarchy.resolve(root).resolve(agent));
      }
    }
  }

  public CgroupsHost host() {
    return host;
  }

  /** The directory name of a task's cgroups: framework and task id, each sanitized, joined by '+'. */
  public static String name(String frameworkId, String taskId) {
    return FileNames.sanitize(frameworkId) + "+" + FileNames.sanitize(taskId);
  }

  /** Creates the task's cgroup directories (no limits yet); removes what it made if one fails. */
  public TaskCgroup create(String frameworkId, String taskId) throws IOException {
    TaskCgroup cgroup = of(name(frameworkId, taskId));
    try {
      if (host.version() == CgroupsHost.Version.V2) {
        enableControllers();
      }
      for (Path dir : cgroup.dirs()) {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      cgroup.remove();
      throw e;
    }
    return cgroup;
  }

  /**
   * v2: enables the controllers in use for the agent's subtree, from the hierarchy's root down to
   * the agent's directory (a controller must be enabled in a parent for its files to appear in the
   * children). Idempotent; writing only what is missing keeps it cheap on every launch.
   */
  private void enableControllers() throws IOException {
    Set<String> wanted = new TreeSet<>();
    for (Controller c : agentDirs.keySet()) {
      if (c != Controller.CPUACCT) {
        wanted.add(c.fileName());
      }
    }
    if (wanted.isEmpty() || agentDirs.isEmpty()) {
      return;
    }
    Path agentDir = agentDirs.values().iterator().next();
    List<Path> chain = new ArrayList<>();
    for (Path p = agentDir; p != null && p.startsWith(host.base()); p = p.getParent()) {
      chain.add(0, p);
    }
    for (Path dir : chain) {
      Files.createDirectories(dir);
      Path control = dir.resolve("cgroup.subtree_control");
      Set<String> enabled = new TreeSet<>(List.of(Files.readString(control).trim().split("\\s+")));
      for (String controller : wanted) {
        if (!enabled.contains(controller)) {
          try {
            CgroupFiles.write(control, "+" + controller);
          } catch (IOException e) {
            throw withProcessesHint(dir, controller, e);
          }
        }
      }
    }
  }

  /**
   * v2 refuses to enable a controller for the children of a cgroup (other than the root) that
   * holds processes itself ("no internal processes"), with a bare EBUSY. The usual cause: the agent
   * runs in a container whose own cgroup is the base (a private cgroup namespace), with the agent
   * in it. Says so, and what to do.
   */
  static IOException withProcessesHint(Path dir, String controller, IOException e) {
    String procs = "";
    try {
      procs = Files.readString(dir.resolve("cgroup.procs")).trim().replace('\n', ' ');
    } catch (IOException | RuntimeException unreadable) {
      // no hint then
    }
    if (procs.isEmpty() || dir.getParent() == null) {
      return e;
    }
    return new IOException("cannot enable the " + controller + " controller below " + dir + ": that cgroup holds "
        + "processes (" + (procs.length() > 60 ? procs.substring(0, 60) + "..." : procs) + "), and cgroups v2 "
        + "enables controllers for children only in a cgroup without processes of its own. Move them to a child "
        + "cgroup first (as container init scripts do: mkdir " + dir.resolve("init") + " and write each pid to its "
        + "cgroup.procs), or mount the host's cgroup2 file system for the agent. (" + e.getMessage() + ")", e);
  }

  /**
   * The task's cgroups if a previous run of this agent created them (recovery), else null; also
   * found under the layout of agents before framework-scoped names ({@code <agentId>/<taskId>}).
   */
  public TaskCgroup existing(String frameworkId, String taskId) {
    for (String name : new String[] {name(frameworkId, taskId), FileNames.sanitize(taskId)}) {
      for (Path agentDir : agentDirs.values()) {
        if (Files.isDirectory(agentDir.resolve(name))) {
          return of(name);
        }
      }
    }
    return null;
  }

  /**
   * Kills the processes in, and removes, every task cgroup of this agent whose directory name is
   * not in {@code keep}: what a previous run of the agent left (recovery). Returns how many were removed.
   */
  public int sweepExcept(Set<String> keep) {
    Set<String> names = new TreeSet<>();
    for (Path dir : distinctAgentDirs()) {
      try (Stream<Path> children = Files.list(dir)) {
        children.filter(Files::isDirectory).forEach(c -> names.add(c.getFileName().toString()));
      } catch (IOException e) {
        // no such directory: nothing left
      }
    }
    int removed = 0;
    for (String name : names) {
      if (keep.contains(name)) {
        continue;
      }
      TaskCgroup left = of(name);
      for (int pass = 0; pass < 20; pass++) {
        Set<Long> pids = left.pids();
        if (pids.isEmpty()) {
          break;
        }
        if (!left.kill()) {
          pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (left.remove()) {
        removed++;
      }
    }
    return removed;
  }

  /** Removes the agent's own cgroup directories if no task cgroup is left in them (on stop). */
  public void removeAgentDirs() {
    for (Path dir : distinctAgentDirs()) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // a task's cgroup is still there (it is swept later) or another agent shares the name
      }
    }
  }

  /** The task cgroup named {@code name} in every hierarchy in use (whether or not it exists). */
  private TaskCgroup of(String name) {
    Map<Controller, Path> dirs = new EnumMap<>(Controller.class);
    agentDirs.forEach((c, dir) -> dirs.put(c, dir.resolve(name)));
    return new TaskCgroup(host.version(), name, dirs);
  }

  private List<Path> distinctAgentDirs() {
    List<Path> dirs = new ArrayList<>();
    for (Path dir : agentDirs.values()) {
      if (!dirs.contains(dir)) {
        dirs.add(dir);
      }
    }
    return dirs;
  }

  /** The controllers tasks get cgroups in. */
  public Set<Controller> controllers() {
    return agentDirs.isEmpty() ? EnumSet.noneOf(Controller.class) : EnumSet.copyOf(agentDirs.keySet());
  }
}
