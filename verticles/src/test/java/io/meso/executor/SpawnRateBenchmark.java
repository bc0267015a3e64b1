package io.meso.executor;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.v1.CommandInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.vertx.core.Vertx;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: compares the executor's launch rate of short real processes with a bare
 * ProcessBuilder loop in the same JVM. Run from verticles/ with the test classpath:
 * {@code java -cp <test classpath> io.meso.executor.SpawnRateBenchmark [tasks] [rounds] [maxInFlight]}
 * (maxInFlight 0: launch all tasks at once).
 * Prints tasks/s for: a bare sequential loop, a bare loop on as many threads as the executor's
 * spawn pool, and the executor (launch all, wait for every terminal status), per round.
 */
public final class SpawnRateBenchmark {

  private SpawnRateBenchmark() {}

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    Path dir = Files.createTempDirectory("meso-spawn-bench");
    Vertx vertx = Vertx.vertx();
    MesoCodecs.register(vertx);
    ExecutorOptions options = new ExecutorOptions().setIsolation(Isolation.POSIX);
    String agentId = "bench";
    CountDownLatch[] done = new CountDownLatch[1];
    Semaphore slots = new Semaphore(Math.max(inFlight, 1));
    vertx.eventBus().<TaskStatusChanged>localConsumer(Addresses.executorStatus(agentId), m -> {
      if (TaskStates.isTerminal(m.body().status().getState())) {
        done[0].countDown();
        slots.release();
      }
    }).completion().await(10, TimeUnit.SECONDS);
    vertx.deployVerticle(new ExecutorVerticle(agentId, options)).await(10, TimeUnit.SECONDS);
    FrameworkInfo framework = FrameworkInfo.newBuilder().setId(FrameworkID.newBuilder().setValue("bench")).build();
    File out = dir.resolve("bare-out").toFile();

    for (int round = 0; round < rounds; round++) {
      double sequential = bare(tasks, 1, out);
      long[] cpu0 = cpu();
      double parallel = bare(tasks, options.getSpawnPoolSize(), out);
      long[] cpu1 = cpu();
      double parallelSetsid = bareSetsid(tasks, options.getSpawnPoolSize(), dir.resolve("bare-" + round));
      long[] cpu2 = cpu();
      done[0] = new CountDownLatch(tasks);
      long start = System.nanoTime();
      for (int i = 0; i < tasks; i++) {
        if (inFlight > 0) {
          slots.acquire();
        }
        String id = "r" + round + "-t" + i;
        TaskInfo task = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
            .setCommand(CommandInfo.newBuilder().setValue("true")).build();
        vertx.eventBus().send(Addresses.executor(agentId),
            new LaunchTask(framework, task, dir.resolve(id).toString()), MesoCodecs.LOCAL);
      }
      done[0].await(10, TimeUnit.MINUTES);
      double executor = tasks / ((System.nanoTime() - start) / 1e9);
      long[] cpu3 = cpu();
      System.out.printf("  cpu per task, jvm/children ms: bare %.2f/%.2f, setsid %.2f/%.2f, executor %.2f/%.2f%n",
          (cpu1[0] - cpu0[0]) / 1e6 / tasks, (cpu1[1] - cpu0[1]) / 1e6 / tasks,
          (cpu2[0] - cpu1[0]) / 1e6 / tasks, (cpu2[1] - cpu1[1]) / 1e6 / tasks,
          (cpu3[0] - cpu2[0]) / 1e6 / tasks, (cpu3[1] - cpu2[1]) / 1e6 / tasks);
      String line = String.format("round %d: bare sequential %.0f/s, bare %d threads %.0f/s, same with setsid and "
              + "sandbox %.0f/s, executor %.0f/s (%.0f%% of sequential, %.0f%% of parallel)", round, sequential,
          options.getSpawnPoolSize(), parallel, parallelSetsid, executor, 100 * executor / sequential,
          100 * executor / parallel);
      System.out.println(line);
    }
    if (Boolean.getBoolean("meso.bench.threads")) {
      printThreadCpu();
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** CPU time of live threads, summed by name without trailing digits (diagnostics). */
  private static void printThreadCpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    java.util.Map<String, Long> byName = new java.util.TreeMap<>();
    for (long id : mx.getAllThreadIds()) {
      java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
      long cpu = mx.getThreadCpuTime(id);
      if (info != null && cpu > 0) {
        byName.merge(info.getThreadName().replaceAll("[-0-9]+$", ""), cpu, Long::sum);
      }
    }
    byName.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
        .forEach(e -> System.out.printf("  thread %-40s %6d ms%n", e.getKey(), e.getValue() / 1_000_000));
  }

  /** {JVM cpu ns, reaped children cpu ns}. */
  private static long[] cpu() throws Exception {
    long jvm = ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[13]) + Long.parseLong(f[14]); // cutime + cstime
    return new long[] {jvm, ticks * 10_000_000L};
  }

  /** The executor's spawn without the executor: setsid, per-task sandbox, redirects, small env. */
  private static double bareSetsid(int n, int threads, Path root) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int share = n / threads + (t < n % threads ? 1 : 0);
      int thread = t;
      futures.add(pool.submit(() -> {
        for (int i = 0; i < share; i++) {
          Path sandbox = Files.createDirectories(root.resolve(thread + "-" + i));
          ProcessBuilder builder = new ProcessBuilder("/usr/bin/setsid", "/bin/sh", "-c", "true")
              .directory(sandbox.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(sandbox.resolve("stdout").toFile())
              .redirectError(sandbox.resolve("stderr").toFile());
          builder.environment().clear();
          builder.environment().put("PATH", System.getenv("PATH"));
          builder.environment().put("MESOS_SANDBOX", sandbox.toString());
          builder.start().waitFor();
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static double bare(int n, int threads, File out) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int share = n / threads + (t < n % threads ? 1 : 0);
      futures.add(pool.submit(() -> {
        for (int i = 0; i < share; i++) {
          new ProcessBuilder("/bin/sh", "-c", "true").redirectOutput(out).redirectErrorStream(true).start().waitFor();
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return n / ((System.nanoTime() - start) / 1e9);
  }
}
