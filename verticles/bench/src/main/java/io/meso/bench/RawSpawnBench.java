package io.meso.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The raw rate to compare the agent with: {@code threads} threads share {@code count} spawns of
 * {@link BenchOptions#PROCESS_COMMAND}, each with stdin from /dev/null and stdout and stderr
 * redirected to files of its own, each thread waiting for its process to exit before spawning
 * the next. {@link Style#BARE} is the anchor (fork/exec and nothing else);
 * {@link Style#EXECUTOR_LIKE} adds what the executor's spawn adds outside the JVM (a fresh
 * sandbox directory per task, setsid, a cleared environment), to tell the cost of those apart
 * from the cost of Meso's own message path. Blocking.
 */
public final class RawSpawnBench {

  private static final File DEV_NULL = new File("/dev/null");
  private static final String SETSID = java.util.stream.Stream.of("/usr/bin/setsid", "/bin/setsid")
      .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);

  /** What each spawn does. */
  public enum Style {
    /** ProcessBuilder(/bin/true) with redirects: raw fork/exec. */
    BARE,
    /** As the executor spawns: per-task sandbox dir, setsid, environment cleared to PATH. */
    EXECUTOR_LIKE
  }

  /** {@code count} spawns on {@code threads} threads in {@code nanos}; {@code failures} exited non-zero or failed to start. */
  public record Result(int count, int threads, long nanos, int failures) {

    public double perSecond() {
      return nanos <= 0 ? 0 : count / (nanos / 1e9);
    }
  }

  private RawSpawnBench() {}

  /** Spawns and reaps {@code count} processes on {@code threads} threads; output files go to a temp dir, removed after. */
  public static Result run(int count, int threads) throws IOException, InterruptedException {
    return run(count, threads, Style.BARE);
  }

  /** Spawns and reaps {@code count} processes of {@code style} on {@code threads} threads. */
  public static Result run(int count, int threads, Style style) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("meso-bench-raw-");
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "meso-bench-raw");
      t.setDaemon(true);
      return t;
    });
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    try {
      long start = System.nanoTime();
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            try {
              if (spawn(style, dir, i).waitFor() != 0) {
                failures.incrementAndGet();
              }
            } catch (IOException e) {
              failures.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
      return new Result(count, threads, System.nanoTime() - start, failures.get());
    } catch (ExecutionException e) {
      throw new IOException("raw spawn loop failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
      LaunchBench.deleteRecursively(dir);
    }
  }

  private static Process spawn(Style style, Path dir, int i) throws IOException {
    if (style == Style.BARE) {
      return new ProcessBuilder(BenchOptions.PROCESS_COMMAND)
          .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
          .redirectOutput(dir.resolve(i + ".stdout").toFile())
          .redirectError(dir.resolve(i + ".stderr").toFile())
          .start();
    }
    Path sandbox = Files.createDirectories(dir.resolve("frameworks").resolve("bench").resolve("tasks").resolve("t" + i));
    ProcessBuilder builder = SETSID == null ? new ProcessBuilder(BenchOptions.PROCESS_COMMAND)
        : new ProcessBuilder(SETSID, BenchOptions.PROCESS_COMMAND);
    builder.directory(sandbox.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
        .redirectOutput(sandbox.resolve("stdout").toFile())
        .redirectError(sandbox.resolve("stderr").toFile());
    String path = System.getenv("PATH");
    builder.environment().clear();
    builder.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
    builder.environment().put("MESOS_SANDBOX", sandbox.toString());
    return builder.start();
  }
}
