package io.meso.executor;

import io.meso.v1.ResourceStatistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one task's cpu and memory usage, the way Mesos's isolators do: from its cgroups v1
 * (cpuacct.stat in clock ticks, cpu.stat's CFS throttling counters, memory.usage_in_bytes and
 * memory.stat's hierarchical {@code total_*} counters, processes and threads from cgroup.procs
 * and tasks) or, for POSIX isolation, by summing /proc/&lt;pid&gt;/stat (utime, stime and the
 * reaped children's cutime, cstime) and /proc/&lt;pid&gt;/status (VmRSS, RssAnon, RssFile,
 * Threads) over the task's live processes, at most {@link #MAX_PROCESSES} of them. A file that
 * cannot be read leaves its fields unset. Blocking file IO: call off the event loop.
 */
final class UsageReader {

  /** USER_HZ: the unit of cpuacct.stat and /proc/&lt;pid&gt;/stat times (100 on every Linux ABI). */
  static final double TICKS_PER_SECOND = 100.0;
  /** At most this many processes of one POSIX task are read per sample. */
  static final int MAX_PROCESSES = 4096;
  private static final Path PROC = Path.of("/proc");

  private UsageReader() {}

  /** Usage from the task's cgroups. */
  static void fromCgroups(TaskCgroup cgroup, ResourceStatistics.Builder stats) {
    Path cpuacct = cgroup.cpuacct();
    if (cpuacct != null) {
      Map<String, Long> times = keyedLongs(cpuacct.resolve("cpuacct.stat"));
      if (times.containsKey("user")) {
        stats.setCpusUserTimeSecs(times.get("user") / TICKS_PER_SECOND);
      }
      if (times.containsKey("system")) {
        stats.setCpusSystemTimeSecs(times.get("system") / TICKS_PER_SECOND);
      }
    }
    Map<String, Long> cpu = keyedLongs(cgroup.cpu().resolve("cpu.stat"));
    if (cpu.containsKey("nr_periods")) {
      stats.setCpusNrPeriods((int) Math.min(Integer.MAX_VALUE, cpu.get("nr_periods")));
    }
    if (cpu.containsKey("nr_throttled")) {
      stats.setCpusNrThrottled((int) Math.min(Integer.MAX_VALUE, cpu.get("nr_throttled")));
    }
    if (cpu.containsKey("throttled_time")) {
      stats.setCpusThrottledTimeSecs(cpu.get("throttled_time") / 1e9);
    }
    Path memory = cgroup.memory();
    long usage = singleLong(memory.resolve("memory.usage_in_bytes"));
    if (usage >= 0) {
      stats.setMemTotalBytes(usage);
    }
    long limit = singleLong(memory.resolve("memory.limit_in_bytes"));
    if (limit >= 0) {
      stats.setMemLimitBytes(limit);
    }
    Map<String, Long> mem = keyedLongs(memory.resolve("memory.stat"));
    if (mem.containsKey("total_cache")) {
      stats.setMemCacheBytes(mem.get("total_cache")).setMemFileBytes(mem.get("total_cache"));
    }
    if (mem.containsKey("total_rss")) {
      stats.setMemRssBytes(mem.get("total_rss")).setMemAnonBytes(mem.get("total_rss"));
    }
    if (mem.containsKey("total_mapped_file")) {
      stats.setMemMappedFileBytes(mem.get("total_mapped_file"));
    }
    if (mem.containsKey("total_swap")) {
      stats.setMemSwapBytes(mem.get("total_swap"));
    }
    if (mem.containsKey("total_unevictable")) {
      stats.setMemUnevictableBytes(mem.get("total_unevictable"));
    }
    Path members = cpuacct != null ? cpuacct : memory;
    long processes = lines(members.resolve("cgroup.procs"));
    if (processes >= 0) {
      stats.setProcesses((int) processes);
    }
    long threads = lines(members.resolve("tasks"));
    if (threads >= 0) {
      stats.setThreads((int) threads);
    }
  }

  /** Usage summed over the given live processes of a task (POSIX isolation). */
  static void fromProcesses(Collection<Long> pids, ResourceStatistics.Builder stats) {
    long ticksUser = 0;
    long ticksSystem = 0;
    long rss = 0;
    long anon = 0;
    long file = 0;
    long threads = 0;
    int processes = 0;
    for (long pid : pids) {
      if (processes == MAX_PROCESSES) {
        break;
      }
      Path dir = PROC.resolve(Long.toString(pid));
      long[] times = times(dir);
      Map<String, Long> status = status(dir);
      if (times == null || status == null) {
        continue; // exited meanwhile
      }
      processes++;
      ticksUser += times[0] + times[2];
      ticksSystem += times[1] + times[3];
      rss += status.getOrDefault("VmRSS", 0L) * 1024;
      anon += status.getOrDefault("RssAnon", 0L) * 1024;
      file += status.getOrDefault("RssFile", 0L) * 1024;
      threads += status.getOrDefault("Threads", 1L);
    }
    stats.setCpusUserTimeSecs(ticksUser / TICKS_PER_SECOND)
        .setCpusSystemTimeSecs(ticksSystem / TICKS_PER_SECOND)
        .setMemRssBytes(rss)
        .setMemTotalBytes(rss)
        .setMemAnonBytes(anon)
        .setMemFileBytes(file)
        .setProcesses(processes)
        .setThreads((int) Math.min(Integer.MAX_VALUE, threads));
  }

  /** utime, stime, cutime, cstime (fields 14-17 of /proc/&lt;pid&gt;/stat), or null. */
  private static long[] times(Path procEntry) {
    try {
      String text = Files.readString(procEntry.resolve("stat"));
      // After "(comm) ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
      String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ", 16);
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The kB and count lines of /proc/&lt;pid&gt;/status that are read (values in kB or units), or null. */
  private static Map<String, Long> status(Path procEntry) {
    List<String> lines;
    try {
      lines = Files.readAllLines(procEntry.resolve("status"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    Map<String, Long> values = new HashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String key = line.substring(0, colon);
      if (key.equals("VmRSS") || key.equals("RssAnon") || key.equals("RssFile") || key.equals("Threads")) {
        String[] words = line.substring(colon + 1).trim().split("\\s+");
        try {
          values.put(key, Long.parseLong(words[0]));
        } catch (NumberFormatException e) {
          // not a number: left out
        }
      }
    }
    return values;
  }

  /** "key value" lines (cpuacct.stat, cpu.stat, memory.stat); empty when unreadable. */
  static Map<String, Long> keyedLongs(Path file) {
    Map<String, Long> values = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String[] kv = line.trim().split("\\s+");
        if (kv.length == 2) {
          try {
            values.put(kv[0], Long.parseLong(kv[1]));
          } catch (NumberFormatException e) {
            // not a counter: left out
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone or unreadable: nothing
    }
    return values;
  }

  private static long singleLong(Path file) {
    try {
      return Long.parseLong(Files.readString(file).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long lines(Path file) {
    try {
      return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
