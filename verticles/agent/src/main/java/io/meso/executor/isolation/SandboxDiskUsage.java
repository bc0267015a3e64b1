package io.meso.executor.isolation;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each task's sandbox disk usage, measured as {@code du} would (allocated blocks are not visible
 * to Java, so the sum of regular file sizes, symlinks not followed) and kept for an interval so
 * that frequent usage samples do not walk every sandbox each time (Mesos's disk isolator
 * measures every {@code container_disk_watch_interval}, 15 s). One walk stops after
 * {@link #MAX_ENTRIES} entries and reports what it counted so far. Blocking file IO: call off
 * the event loop; safe from several threads.
 */
public final class SandboxDiskUsage {

  /** Bound on the files and directories one measurement visits. */
  static final int MAX_ENTRIES = 100_000;

  private record Measured(long bytes, long atNanos) {}

  private final long maxAgeNanos;
  private final Map<String, Measured> measured = new ConcurrentHashMap<>();

  public SandboxDiskUsage(long maxAgeMillis) {
    this.maxAgeNanos = maxAgeMillis * 1_000_000;
  }

  /** The sandbox's usage in bytes, measured again when the last measurement is older than the interval. */
  public long bytes(String key, Path sandbox) {
    long now = System.nanoTime();
    Measured last = measured.get(key);
    if (last != null && now - last.atNanos() < maxAgeNanos) {
      return last.bytes();
    }
    long bytes = walk(sandbox);
    measured.put(key, new Measured(bytes, now));
    return bytes;
  }

  /** Forgets the measurement of one task (ended). */
  public void forget(String key) {
    measured.remove(key);
  }

  /** Forgets the measurements of tasks not in {@code keys} (ended). */
  public void retain(Set<String> keys) {
    measured.keySet().retainAll(keys);
  }

  public static long walk(Path root) {
    long[] total = {0};
    int[] entries = {0};
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return ++entries[0] > MAX_ENTRIES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            total[0] += attrs.size();
          }
          return ++entries[0] > MAX_ENTRIES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE; // removed meanwhile, or unreadable: not counted
        }
      });
    } catch (IOException e) {
      // no sandbox (yet): nothing used
    }
    return total[0];
  }
}
