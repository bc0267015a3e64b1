package io.meso.executor.isolation.cgroups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reading and writing cgroup files, and the values Meso writes, with the formulas in one place:
 * <ul>
 *   <li>v1 {@code cpu.shares} = 1024 x cpus, at least 2 (the kernel's minimum);</li>
 *   <li>v2 {@code cpu.weight} from those shares as systemd and the kernel's own conversion do:
 *       1 + (shares - 2) x 9999 / 262142, so 1024 shares (1 cpu) is weight 39 and the range
 *       [2, 262144] maps onto [1, 10000];</li>
 *   <li>the CFS quota per period = cpus x period, at least 1 ms (Mesos's minimum), period
 *       100 ms: v1 {@code cpu.cfs_quota_us}, v2 {@code cpu.max} "quota period".</li>
 * </ul>
 * Blocking file IO: call off the event loop.
 */
public final class CgroupFiles {

  /** The CFS period Meso uses (the kernel's default), in microseconds. */
  public static final long CFS_PERIOD_MICROS = 100_000;
  /** The smallest quota Meso writes, in microseconds (Mesos: 1 ms). */
  public static final long MIN_CFS_QUOTA_MICROS = 1_000;

  private CgroupFiles() {}

  public static long cpuShares(double cpus) {
    return Math.max(2, Math.round(1024 * cpus));
  }

  public static long cpuWeight(long shares) {
    long clamped = Math.max(2, Math.min(262_144, shares));
    return 1 + ((clamped - 2) * 9_999) / 262_142;
  }

  public static long cfsQuotaMicros(double cpus) {
    return Math.max(MIN_CFS_QUOTA_MICROS, Math.round(cpus * CFS_PERIOD_MICROS));
  }

  /** v2 {@code cpu.max} for this many cpus: "quota period". */
  public static String cpuMax(double cpus) {
    return cfsQuotaMicros(cpus) + " " + CFS_PERIOD_MICROS;
  }

  /** Writes a value; the exception names the file. */
  public static void write(Path file, String value) throws IOException {
    try {
      Files.write(file, value.getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new IOException("cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
    }
  }

  /** "key value" lines (cpuacct.stat, cpu.stat, memory.stat, memory.events, pids.events); empty when unreadable. */
  public static Map<String, Long> keyed(Path file) {
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

  /** A file holding one number; "max" (v2's unlimited) is {@link Long#MAX_VALUE}; -1 when unreadable. */
  public static long single(Path file) {
    try {
      String text = Files.readString(file).trim();
      return text.equals("max") ? Long.MAX_VALUE : Long.parseLong(text);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Non-blank lines of a file (cgroup.procs, tasks), or -1 when unreadable. */
  public static long lines(Path file) {
    try {
      return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
