package io.meso.executor.isolation.cgroups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One task's cgroups: in v1 a directory of the same name in each hierarchy the agent uses
 * (memory, cpu, and cpuacct and pids when mounted), in v2 a single directory of the unified
 * hierarchy. The task's shell joins every one of {@link #dirs()} before its command runs.
 * Blocking file IO: call off the event loop.
 */
public final class TaskCgroup {

  private final CgroupsHost.Version version;
  private final String name;
  private final Map<Controller, Path> dirs;

  public TaskCgroup(CgroupsHost.Version version, String name, Map<Controller, Path> dirs) {
    this.version = version;
    this.name = name;
    this.dirs = Collections.unmodifiableMap(new EnumMap<>(dirs));
  }

  /** A v1 task cgroup from its directories (null for a hierarchy it is not in); the name is the memory one's. */
  public static TaskCgroup v1(Path memory, Path cpu, Path cpuacct, Path pids) {
    Map<Controller, Path> dirs = new EnumMap<>(Controller.class);
    put(dirs, Controller.MEMORY, memory);
    put(dirs, Controller.CPU, cpu);
    put(dirs, Controller.CPUACCT, cpuacct);
    put(dirs, Controller.PIDS, pids);
    Path any = memory != null ? memory : cpu != null ? cpu : cpuacct != null ? cpuacct : pids;
    return new TaskCgroup(CgroupsHost.Version.V1, any == null ? "" : any.getFileName().toString(), dirs);
  }

  private static void put(Map<Controller, Path> dirs, Controller c, Path dir) {
    if (dir != null) {
      dirs.put(c, dir);
    }
  }

  public CgroupsHost.Version version() {
    return version;
  }

  /** The directory name, the same in every hierarchy ({@code <frameworkId>+<taskId>}). */
  public String name() {
    return name;
  }

  /** The task's directory for this controller (v2: the one directory), or null when the task has none. */
  public Path dir(Controller controller) {
    return dirs.get(controller);
  }

  /** Every directory of the task's cgroups, each once: what the task joins and what is removed. */
  public List<Path> dirs() {
    List<Path> list = new ArrayList<>();
    for (Path dir : dirs.values()) {
      if (!list.contains(dir)) {
        list.add(dir);
      }
    }
    return list;
  }

  /** The pids in any of the cgroups; empty once all are gone. */
  public Set<Long> pids() {
    Set<Long> pids = new HashSet<>();
    for (Path dir : dirs()) {
      try {
        for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
          if (!line.isBlank()) {
            pids.add(Long.parseLong(line.trim()));
          }
        }
      } catch (IOException | NumberFormatException e) {
        // the cgroup is gone: no members
      }
    }
    return pids;
  }

  /** Processes in the cgroup (its cgroup.procs lines), or -1 when it cannot be read. */
  public long processes() {
    return firstReadable("cgroup.procs");
  }

  /** Threads in the cgroup (v1 {@code tasks}, v2 {@code cgroup.threads}), or -1 when it cannot be read. */
  public long threads() {
    return firstReadable(version == CgroupsHost.Version.V1 ? "tasks" : "cgroup.threads");
  }

  private long firstReadable(String file) {
    for (Path dir : dirs()) {
      long lines = CgroupFiles.lines(dir.resolve(file));
      if (lines >= 0) {
        return lines;
      }
    }
    return -1;
  }

  /**
   * v2 only: SIGKILLs every process in the cgroup at once through {@code cgroup.kill} (Linux 5.14+),
   * which also catches processes forked meanwhile. False when that is not available (v1, older
   * kernels): the caller signals {@link #pids()} instead.
   */
  public boolean kill() {
    if (version != CgroupsHost.Version.V2 || dirs.isEmpty()) {
      return false;
    }
    Path file = dirs().get(0).resolve("cgroup.kill");
    if (!Files.exists(file)) {
      return false;
    }
    try {
      Files.write(file, "1".getBytes(StandardCharsets.US_ASCII));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * v1: empties the memory cgroup of what is still charged to it once its processes are gone (the
   * page cache of the files the task wrote, its sandbox output above all) by writing
   * {@code memory.force_empty}. A memory cgroup removed with pages still charged to it lives on in
   * the kernel as a dying cgroup until those pages are reclaimed, which on a host running many
   * short tasks means thousands of them (kernel memory, and slower memory accounting for every
   * cgroup); emptied, it goes with its directory. Best effort: a cgroup that still has a process
   * refuses (EBUSY) and the removal fails anyway. v2 has no such file: nothing is done.
   */
  public void releaseMemory() {
    Path memory = version == CgroupsHost.Version.V1 ? dirs.get(Controller.MEMORY) : null;
    if (memory == null) {
      return;
    }
    try {
      Files.write(memory.resolve("memory.force_empty"), "0".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // still has a process (the removal below fails too), or already gone
    }
  }

  /**
   * Removes the cgroups (after {@link #releaseMemory()}); false while a process is still in one
   * (the kernel refuses with EBUSY).
   */
  public boolean remove() {
    releaseMemory();
    boolean gone = true;
    for (Path dir : dirs()) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        gone = false;
      }
    }
    return gone;
  }

  @Override
  public String toString() {
    return dirs().toString();
  }
}
