package io.meso.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An agent's cgroups v1 layout: per task {@code <base>/memory/<root>/<agentId>/<frameworkId>+<taskId>}
 * and {@code <base>/cpu/<root>/<agentId>/<frameworkId>+<taskId>} (each id made safe by
 * {@link FileNames#sanitize}, which never emits '+', so the name is unambiguous), with
 * memory.limit_in_bytes = mem MB x 2^20 and cpu.shares = 1024 x cpus (at least 2, the kernel's
 * minimum). When the cpuacct and pids hierarchies are mounted too, the task also gets a cgroup
 * of the same name in each: cpuacct for its cpu time (in the cpu cgroup itself when the two
 * controllers share a mount), pids for its process count and its {@code pids.max} limit. Task
 * ids are unique per framework only: two frameworks' tasks of the same id get two cgroups.
 * Agents before that used {@code <agentId>/<taskId>}; recovery still finds a task there
 * ({@link #existing}). Blocking file IO: call off the event loop.
 */
final class Cgroups {

  private final Path memoryDir;
  private final Path cpuDir;
  /** Null without a cpuacct hierarchy; equal to {@link #cpuDir} when cpu and cpuacct share one. */
  private final Path cpuacctDir;
  /** Null without a pids hierarchy. */
  private final Path pidsDir;
  private final long pidsMax;

  /** Without a pids limit. */
  Cgroups(Path base, String root, String agentId) {
    this(base, root, agentId, 0);
  }

  /** {@code pidsMax}: each task's {@code pids.max}; 0 or less leaves it unlimited. */
  Cgroups(Path base, String root, String agentId, long pidsMax) {
    String agent = FileNames.sanitize(agentId);
    this.memoryDir = base.resolve("memory").resolve(root).resolve(agent);
    this.cpuDir = base.resolve("cpu").resolve(root).resolve(agent);
    Path cpuacct = base.resolve("cpuacct");
    this.cpuacctDir = Files.isRegularFile(base.resolve("cpu").resolve("cpuacct.usage")) ? cpuDir
        : Files.isRegularFile(cpuacct.resolve("cpuacct.usage")) && Files.isWritable(cpuacct)
            ? cpuacct.resolve(root).resolve(agent) : null;
    Path pids = base.resolve("pids");
    this.pidsDir = Files.isRegularFile(pids.resolve("cgroup.procs")) && Files.isWritable(pids)
        ? pids.resolve(root).resolve(agent) : null;
    this.pidsMax = pidsMax;
  }

  /** Whether tasks get a pids cgroup (and so a process count, and a limit when one is set). */
  boolean hasPids() {
    return pidsDir != null;
  }

  /** True when the cgroups v1 memory and cpu hierarchies under {@code base} exist and are writable. */
  static boolean available(Path base) {
    Path memory = base.resolve("memory");
    Path cpu = base.resolve("cpu");
    return Files.isRegularFile(memory.resolve("memory.limit_in_bytes")) && Files.isWritable(memory)
        && Files.isRegularFile(cpu.resolve("cpu.shares")) && Files.isWritable(cpu);
  }

  /** The directory name of a task's cgroups: framework and task id, each sanitized, joined by '+'. */
  static String name(String frameworkId, String taskId) {
    return FileNames.sanitize(frameworkId) + "+" + FileNames.sanitize(taskId);
  }

  /** Creates the task's cgroups and sets their limits; a non-positive cpus/mem leaves that limit unset. */
  TaskCgroup create(String frameworkId, String taskId, double cpus, double memMb) throws IOException {
    String name = name(frameworkId, taskId);
    Path memory = Files.createDirectories(memoryDir.resolve(name));
    Path cpu = Files.createDirectories(cpuDir.resolve(name));
    TaskCgroup cgroup = new TaskCgroup(memory, cpu, cpuacctDir == null ? null : cpuacctDir.resolve(name),
        pidsDir == null ? null : pidsDir.resolve(name));
    try {
      if (cgroup.cpuacct() != null) {
        Files.createDirectories(cgroup.cpuacct());
      }
      if (cgroup.pidsDir() != null) {
        Files.createDirectories(cgroup.pidsDir());
        if (pidsMax > 0) {
          write(cgroup.pidsDir().resolve("pids.max"), Long.toString(pidsMax));
        }
      }
      if (memMb > 0) {
        write(memory.resolve("memory.limit_in_bytes"), Long.toString((long) (memMb * 1024 * 1024)));
      }
      if (cpus > 0) {
        write(cpu.resolve("cpu.shares"), Long.toString(Math.max(2, Math.round(1024 * cpus))));
      }
    } catch (IOException e) {
      cgroup.remove();
      throw e;
    }
    return cgroup;
  }

  /**
   * The task's cgroups if a previous run of this agent created them (recovery), else null; also
   * found under the layout of agents before framework-scoped names ({@code <agentId>/<taskId>}).
   */
  TaskCgroup existing(String frameworkId, String taskId) {
    for (String name : new String[] {name(frameworkId, taskId), FileNames.sanitize(taskId)}) {
      Path memory = memoryDir.resolve(name);
      Path cpu = cpuDir.resolve(name);
      if (Files.isDirectory(memory) || Files.isDirectory(cpu)) {
        return of(name);
      }
    }
    return null;
  }

  /**
   * Kills the processes in, and removes, every task cgroup of this agent whose directory name is
   * not in {@code keep}: what a previous run of the agent left (recovery). Returns how many were removed.
   */
  int sweepExcept(java.util.Set<String> keep) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (Path dir : agentDirs()) {
      try (java.util.stream.Stream<Path> children = Files.list(dir)) {
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
        java.util.Set<Long> pids = left.pids();
        if (pids.isEmpty()) {
          break;
        }
        ProcessTree.signal(pids, true);
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
  void removeAgentDirs() {
    for (Path dir : agentDirs()) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // a task's cgroup is still there (it is swept later) or another agent shares the name
      }
    }
  }

  /** The task cgroups named {@code name} in every hierarchy this agent uses (whether or not they exist). */
  private TaskCgroup of(String name) {
    return new TaskCgroup(memoryDir.resolve(name), cpuDir.resolve(name),
        cpuacctDir == null ? null : cpuacctDir.resolve(name), pidsDir == null ? null : pidsDir.resolve(name));
  }

  /** The agent's directory in each hierarchy, each once. */
  private java.util.List<Path> agentDirs() {
    java.util.List<Path> dirs = new java.util.ArrayList<>(java.util.List.of(memoryDir, cpuDir));
    for (Path optional : new Path[] {cpuacctDir, pidsDir}) {
      if (optional != null && !dirs.contains(optional)) {
        dirs.add(optional);
      }
    }
    return dirs;
  }

  private static void write(Path file, String value) throws IOException {
    Files.write(file, value.getBytes(StandardCharsets.US_ASCII));
  }
}
