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
 * redirected to files of its own (as the executor does, minus sandbox, setsid and environment),
 * each thread waiting for its process to exit before spawning the next. Blocking.
 */
public final class RawSpawnBench {

  private static final File DEV_NULL = new File("/dev/null");

  /** {@code count} spawns on {@code threads} threads in {@code nanos}; {@code failures} exited non-zero or failed to start. */
  public record Result(int count, int threads, long nanos, int failures) {

    public double perSecond() {
      return nanos <= 0 ? 0 : count / (nanos / 1e9);
    }
  }

  private RawSpawnBench() {}

  /** Spawns and reaps {@code count} processes on {@code threads} threads; output files go to a temp dir, removed after. */
  public static Result run(int count, int threads) throws IOException, InterruptedException {
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
              Process p = new ProcessBuilder(BenchOptions.PROCESS_COMMAND)
                  .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                  .redirectOutput(dir.resolve(i + ".stdout").toFile())
                  .redirectError(dir.resolve(i + ".stderr").toFile())
                  .start();
              if (p.waitFor() != 0) {
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
}
