package io.meso.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One task's cgroups (v1): memory and cpu always, cpuacct (cpu time) and pids (process count
 * and limit) when those hierarchies are mounted. Blocking file IO: call off the event loop.
 *
 * @param memory the task's directory in the memory hierarchy
 * @param cpu the task's directory in the cpu hierarchy
 * @param cpuacct the task's directory in the cpuacct hierarchy (the cpu one when the two are
 *     mounted together), or null without that hierarchy
 * @param pidsDir the task's directory in the pids hierarchy, or null without it
 */
record TaskCgroup(Path memory, Path cpu, Path cpuacct, Path pidsDir) {

  /** Memory and cpu cgroups only. */
  TaskCgroup(Path memory, Path cpu) {
    this(memory, cpu, null, null);
  }

  /** Every directory of the task's cgroups, each once: what the task joins and what is removed. */
  List<Path> dirs() {
    List<Path> dirs = new ArrayList<>(List.of(memory, cpu));
    for (Path optional : new Path[] {cpuacct, pidsDir}) {
      if (optional != null && !dirs.contains(optional)) {
        dirs.add(optional);
      }
    }
    return dirs;
  }

  /** The pids in any of the cgroups; empty once all are gone. */
  Set<Long> pids() {
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

  /**
   * Whether the kernel's OOM killer acted in this cgroup: memory.oom_control's {@code oom_kill}
   * counter, or, on kernels without it, a non-zero memory.failcnt together with {@code under_oom}.
   */
  boolean memoryLimitReached() {
    try {
      long oomKills = -1;
      boolean underOom = false;
      for (String line : Files.readAllLines(memory.resolve("memory.oom_control"))) {
        String[] kv = line.trim().split("\\s+");
        if (kv.length == 2 && kv[0].equals("oom_kill")) {
          oomKills = Long.parseLong(kv[1]);
        } else if (kv.length == 2 && kv[0].equals("under_oom")) {
          underOom = !kv[1].equals("0");
        }
      }
      if (oomKills >= 0) {
        return oomKills > 0;
      }
      long failcnt = Long.parseLong(Files.readString(memory.resolve("memory.failcnt")).trim());
      return failcnt > 0 && underOom;
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /** The memory limit in bytes, or -1 when it cannot be read. */
  long memoryLimitBytes() {
    try {
      return Long.parseLong(Files.readString(memory.resolve("memory.limit_in_bytes")).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Removes the cgroups; false while a process is still in one (the kernel refuses with EBUSY). */
  boolean remove() {
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
}
