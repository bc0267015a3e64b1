package io.meso.executor;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.codecs.TaskStates;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Not a test: the executor's launch rate of short real processes ({@code /bin/true}) beside a
 * bare ProcessBuilder loop in the same JVM: one thread per spawn-pool thread, each spawning
 * {@code /bin/true} with stdin from /dev/null and output to files and waiting for it (as
 * {@code meso bench}'s raw loop does). One executor per launcher (the launch server, the native
 * helper spawned per launch, the program pipeline), each given all tasks at once and timed until every terminal status, in turn
 * after the bare loop in every round. With the test classpath: {@code java
 * [-Dmeso.bench.isolation=POSIX|CGROUPS|AUTO] [-Dmeso.bench.sessions=true|false]
 * [-Dmeso.bench.checkpoint=true] [-Dmeso.bench.launchers=server,helper,programs] [-Dmeso.bench.threads=true]
 * -cp <classpath> io.meso.executor.SpawnRateBenchmark [tasks] [rounds]}.
 */
public final class SpawnRateBenchmark {

  private SpawnRateBenchmark() {}

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    ExecutorOptions options = new ExecutorOptions()
        .setIsolation(Isolation.valueOf(System.getProperty("meso.bench.isolation", "POSIX")))
        .setSessions(!"false".equals(System.getProperty("meso.bench.sessions")));
    boolean checkpoint = Boolean.getBoolean("meso.bench.checkpoint");
    Path dir = Files.createTempDirectory("meso-spawn-bench");
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    Vertx vertx = Vertx.vertx();
    MesoCodecs.register(vertx);
    CountDownLatch[] done = new CountDownLatch[1];
    AtomicInteger failed = new AtomicInteger();
    // One executor per launcher (meso.bench.launchers: any of server, helper, programs), measured in turn each round.
    List<String> launchers = List.of(System.getProperty("meso.bench.launchers", "server,helper,programs").split(","));
    List<String> agents = new ArrayList<>();
    for (String launcher : launchers) {
      String agentId = "bench-" + launcher + "-" + ProcessHandle.current().pid();
      vertx.eventBus().<TaskStatusChanged>localConsumer(Addresses.executorStatus(agentId), m -> {
        if (TaskStates.isTerminal(m.body().status().getState())) {
          if (!m.body().status().getState().equals(io.meso.v1.TaskState.TASK_FINISHED)) {
            if (failed.incrementAndGet() == 1) {
              System.out.println("first failure: " + m.body().status().getMessage());
            }
          }
          done[0].countDown();
        }
      }).completion().await(10, TimeUnit.SECONDS);
      boolean server = launcher.equals("server");
      boolean helper = server || launcher.equals("helper");
      ExecutorVerticle executor = new ExecutorVerticle(agentId,
          new ExecutorOptions(options).setLaunchHelper(helper).setLaunchServer(server));
      vertx.deployVerticle(executor).await(60, TimeUnit.SECONDS);
      if (executor.launchesWithHelper() != helper || executor.launchesWithServer() != server) {
        throw new IllegalStateException("executor " + launcher + ": launch helper in use = "
            + executor.launchesWithHelper() + ", launch server in use = " + executor.launchesWithServer());
      }
      agents.add(agentId);
    }
    FrameworkInfo framework = FrameworkInfo.newBuilder().setId(FrameworkID.newBuilder().setValue("bench")).build();
    System.out.printf("executor: isolation=%s sessions=%s checkpoint=%s spawn threads=%d, %d tasks per round, "
            + "load %s%n", options.getIsolation(), options.isSessions(), checkpoint, options.getSpawnPoolSize(), tasks,
        Files.readString(Path.of("/proc/loadavg")).trim());

    for (int round = 0; round < rounds; round++) {
      double parallel = bare(tasks, options.getSpawnPoolSize(), dir.resolve("par-" + round));
      StringBuilder line = new StringBuilder(String.format("round %d: bare %d threads %.0f/s", round,
          options.getSpawnPoolSize(), parallel));
      for (int a = 0; a < agents.size(); a++) {
        failed.set(0);
        done[0] = new CountDownLatch(tasks);
        long start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
          String id = launchers.get(a) + "-r" + round + "-t" + i;
          TaskInfo task = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
              .setCommand(CommandInfo.newBuilder().setValue("/bin/true")).build();
          LaunchTask launch = checkpoint
              ? new LaunchTask(framework, task, dir.resolve(id).toString(), dir.resolve("meta").resolve(id).toString())
              : new LaunchTask(framework, task, dir.resolve(id).toString());
          vertx.eventBus().send(Addresses.executor(agents.get(a)), launch, MesoCodecs.LOCAL);
        }
        done[0].await(10, TimeUnit.MINUTES);
        double executor = tasks / ((System.nanoTime() - start) / 1e9);
        line.append(String.format(", %s %.0f/s = %.2f of bare (failed %d)", launchers.get(a), executor,
            executor / parallel, failed.get()));
      }
      System.out.println(line + ", load " + Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0]);
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
    byName.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
        .forEach(e -> System.out.printf("  thread %-40s %6d ms%n", e.getKey(), e.getValue() / 1_000_000));
  }

  private static double bare(int n, int threads, Path outDir) throws Exception {
    Files.createDirectories(outDir);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
          new ProcessBuilder("/bin/true")
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(outDir.resolve(i + ".stdout").toFile())
              .redirectError(outDir.resolve(i + ".stderr").toFile())
              .start().waitFor();
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
