package io.meso.executor.isolation;

import io.meso.v1.ResourceStatistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's usage summed from /proc over its live processes, for tasks without cgroups (and
 * for posix/mem's polling): /proc/&lt;pid&gt;/stat (utime, stime and the reaped children's
 * cutime, cstime) and /proc/&lt;pid&gt;/status (VmRSS, RssAnon, RssFile, Threads), at most
 * {@link #MAX_PROCESSES} processes. Resident sizes count shared pages once per process, so the
 * sum over-counts memory shared between them (a cgroup's count does not). Blocking.
 */
public final class ProcUsage {

  /** USER_HZ: the unit of /proc/&lt;pid&gt;/stat times (100 on every Linux ABI). */
  static final double TICKS_PER_SECOND = 100.0;
  /** At most this many processes of one task are read per sample. */
  public static final int MAX_PROCESSES = 4096;
  private static final Path PROC = Path.of("/proc");

  private ProcUsage() {}

  /** Usage summed over the given live processes of a task. */
  public static void read(Collection<Long> pids, ResourceStatistics.Builder stats) {
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

  /** The resident memory of the given processes, summed (VmRSS), in bytes. */
  public static long rss(Collection<Long> pids) {
    long rss = 0;
    int processes = 0;
    for (long pid : pids) {
      if (processes++ == MAX_PROCESSES) {
        break;
      }
      Map<String, Long> status = status(PROC.resolve(Long.toString(pid)));
      if (status != null) {
        rss += status.getOrDefault("VmRSS", 0L) * 1024;
      }
    }
    return rss;
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
}
