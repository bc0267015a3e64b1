package io.meso.executor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Finds and signals the processes of a task. A task's main process is the leader of its own
 * session, so its session id (and process group id) equals the leader's pid; every process it
 * starts stays in that session unless it calls setsid itself (only cgroups catch those).
 *
 * <p>Pid reuse: Linux never hands out a pid that is still some process's session or group id,
 * so while any member of session S lives, no new process can get pid S. Hence after the leader
 * S exited, "a live process has pid S" means S was reused and the old session is empty, and
 * otherwise every process in session S is one of ours. Blocking IO (/proc): call off the loop.
 */
final class ProcessTree {

  private static final Path PROC = Path.of("/proc");

  private ProcessTree() {}

  /** Live (not zombie) processes whose session or process group is one of {@code leaders}, by leader. */
  static Map<Long, Set<Long>> members(Collection<Long> leaders) {
    Map<Long, Set<Long>> found = new HashMap<>();
    if (leaders.isEmpty()) {
      return found;
    }
    Set<Long> wanted = Set.copyOf(leaders);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        Stat stat = stat(entry);
        if (stat == null || stat.zombie) {
          continue;
        }
        Long leader = wanted.contains(stat.session) ? Long.valueOf(stat.session)
            : wanted.contains(stat.group) ? Long.valueOf(stat.group) : null;
        if (leader != null) {
          found.computeIfAbsent(leader, k -> new HashSet<>()).add(stat.pid);
        }
      }
    } catch (IOException e) {
      // no /proc: nothing to find
    }
    return found;
  }

  /** Live members of one leader's session or process group, including the leader itself. */
  static Set<Long> members(long leader) {
    return members(Set.of(leader)).getOrDefault(leader, Set.of());
  }

  /** Whether {@code pid} is a live (not zombie) process. */
  static boolean alive(long pid) {
    Stat stat = stat(PROC.resolve(Long.toString(pid)));
    return stat != null && !stat.zombie;
  }

  /**
   * The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or -1 when
   * there is no such live process. A pid plus its start time names one process for good: a
   * reused pid has a later start time.
   */
  static long startTime(long pid) {
    Stat stat = stat(PROC.resolve(Long.toString(pid)));
    return stat == null || stat.zombie ? -1 : stat.startTime;
  }

  /** Whether the process {@code pid} that started at {@code startTime} (see {@link #startTime}) is alive. */
  static boolean alive(long pid, long startTime) {
    long now = startTime(pid);
    return now >= 0 && (startTime < 0 || now == startTime);
  }

  /**
   * Sends SIGTERM ({@code force == false}) or SIGKILL to each pid that still exists, oldest
   * process first. The order matters for SIGKILL: a parent that outlived its killed children for a
   * moment would see them end and carry on (the wrapper would record the shell's status, 0 after a
   * plain {@code wait}, as if the task had finished); parents start before their children, so
   * killing by start time kills every parent before it can see a child die.
   */
  static void signal(Collection<Long> pids, boolean force) {
    long self = ProcessHandle.current().pid();
    for (long pid : oldestFirst(pids)) {
      if (pid <= 1 || pid == self) {
        continue;
      }
      ProcessHandle.of(pid).ifPresent(h -> {
        if (force) {
          h.destroyForcibly();
        } else {
          h.destroy();
        }
      });
    }
  }

  /** {@code pids} by start time, oldest first (those already gone last, in pid order). */
  static java.util.List<Long> oldestFirst(Collection<Long> pids) {
    Map<Long, Long> started = new HashMap<>();
    for (long pid : pids) {
      long t = startTime(pid);
      started.put(pid, t < 0 ? Long.MAX_VALUE : t);
    }
    java.util.List<Long> ordered = new java.util.ArrayList<>(started.keySet());
    ordered.sort(java.util.Comparator.comparingLong((Long pid) -> started.get(pid)).thenComparingLong(pid -> pid));
    return ordered;
  }

  private record Stat(long pid, long group, long session, boolean zombie, long startTime) {}

  /** Parses /proc/<pid>/stat: "pid (comm) state ppid pgrp session ..."; comm may hold spaces and ')'. */
  private static Stat stat(Path procEntry) {
    String text;
    try {
      text = Files.readString(procEntry.resolve("stat"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    int close = text.lastIndexOf(')');
    if (close < 0) {
      return null;
    }
    // After "(comm) ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
    // utime stime cutime cstime priority nice num_threads itrealvalue starttime ...
    String[] f = text.substring(close + 2).split(" ", 21);
    if (f.length < 4) {
      return null;
    }
    try {
      long pid = Long.parseLong(text.substring(0, text.indexOf(' ')));
      long start = f.length > 19 ? Long.parseLong(f[19]) : -1;
      return new Stat(pid, Long.parseLong(f[2]), Long.parseLong(f[3]), f[0].equals("Z") || f[0].equals("X"), start);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
