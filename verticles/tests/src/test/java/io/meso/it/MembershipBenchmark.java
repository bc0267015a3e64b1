package io.meso.it;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Not a test: issue 17's membership measurement. How much a Hazelcast lite member (what every Meso
 * agent is today) costs the cluster, at rest and when members come and go.
 *
 * <p>Three {@code meso master --masters 3} JVMs from the built jar (the data and CP members); this
 * JVM joins lite members one Vert.x + Hazelcast instance each, with the clustered consumers an
 * agent holds ({@code meso.agent.<id>}, which replies, and {@code meso.master.elected}: S = 2
 * subscriptions). Member 0 is the probe: it sends the requests a leader would send to an agent
 * (the same clustered path: subscription lookup, then the target's event-bus server). For each
 * cluster size N in {@code sizes} (the cluster grows from one size to the next), measured:
 * <ol>
 *   <li><b>steady state</b>: CPU seconds per second of this JVM (all lite members) and of each
 *       master ({@code /proc/<pid>/stat}) over {@code meso.bench.steadySeconds} with nothing
 *       happening but Hazelcast's own traffic (heartbeats every second, member list every minute);</li>
 *   <li><b>scans</b>: every lite member reads the whole {@code __vertx.subs} at once, as each does
 *       after any member leaves ({@code removeAllForNodes}): the masters' CPU per entry read;</li>
 *   <li><b>a member leaving</b> ({@code meso.bench.churns} times): a random lite member is
 *       {@code terminate()}d (no goodbye, like a crashed host); then the time until every lite member
 *       here has seen it leave (the Hazelcast master decides and tells the others, so the masters have
 *       too), until its 2 entries are gone from {@code __vertx.subs}, and until requests from the
 *       probe to 3 surviving members are answered; the masters' and this JVM's CPU seconds spent
 *       beyond their steady rate;</li>
 *   <li><b>a member joining</b>: time to join, and until the probe's request to its address is
 *       answered; the masters' CPU beyond the steady rate;</li>
 *   <li><b>sustained churn</b>: for each rate in {@code meso.bench.churnRates} (removals + joins per
 *       minute) over {@code meso.bench.churnSeconds}, the probe sends a request every 100 ms to each
 *       of 4 members that stay: p50/p99/max round trip and failures (timeout 5 s).</li>
 * </ol>
 * Lite members run with one Hazelcast operation, generic, event and I/O thread each, one event
 * loop and 32 KB connection buffers, so that hundreds fit in one JVM on a 2-core machine; the
 * masters run as released.
 *
 * <p>From {@code verticles/tests/}, after {@code mvn -B -q -o -pl verticles/tests -am package -DskipTests}:
 * {@code java -Xmx12g -Xss512k -cp target/test-classes:../cli/target/meso.jar io.meso.it.MembershipBenchmark
 * 16,32,64,128,256} (BENCHMARKS.md has the exact command and figures).
 */
public final class MembershipBenchmark {

  private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux
  /** Members 0 (the probe) and 1-4 (ping targets) are never removed. */
  private static final int PROTECTED = 5;

  private final String cluster = "meso-membership-bench-" + UUID.randomUUID();
  private final List<MesoProcess> masters = new ArrayList<>();
  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final AtomicInteger nextId = new AtomicInteger();
  private final Random random = new Random(17);
  private String join;
  /** Per departed member's Hazelcast UUID: how many lite members saw it leave, and when the last one did. */
  private final Map<UUID, AtomicInteger> leftSeen = new ConcurrentHashMap<>();
  private final Map<UUID, AtomicLong> leftSeenLast = new ConcurrentHashMap<>();

  /** One lite member: its Vert.x, its Hazelcast instance, its agent-like address. */
  private record Member(int id, Vertx vertx, HazelcastInstance hz, String address) {}

  public static void main(String[] args) throws Exception {
    for (String[] p : new String[][] {{"hazelcast.operation.thread.count", "1"},
        {"hazelcast.operation.generic.thread.count", "1"}, {"hazelcast.io.thread.count", "1"},
        {"hazelcast.event.thread.count", "1"}, {"hazelcast.clientengine.thread.count", "1"},
        {"hazelcast.clientengine.query.thread.count", "1"}, {"hazelcast.clientengine.blocking.thread.count", "1"},
        {"hazelcast.io.balancer.interval.seconds", "-1"},
        // Hazelcast gives every connection a heap buffer of the socket buffer size each way (128 KB
        // by default): with N lite members in one JVM that is N^2 x 256 KB (12 GB at N = 128).
        {"hazelcast.socket.receive.buffer.size", "32"}, {"hazelcast.socket.send.buffer.size", "32"}}) {
      if (System.getProperty(p[0]) == null) {
        System.setProperty(p[0], p[1]); // Hazelcast reads its properties from system properties too
      }
    }
    int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "16,32,64,128").split(","))
        .mapToInt(Integer::parseInt).toArray();
    MembershipBenchmark bench = new MembershipBenchmark();
    try {
      bench.run(sizes);
    } catch (Throwable t) {
      t.printStackTrace();
    } finally {
      // Masters first (kill -9: their goodbye would only make every lite member churn), then this
      // JVM with its lite members.
      for (MesoProcess m : bench.masters) {
        m.process.destroyForcibly();
      }
      System.exit(0);
    }
  }

  private void run(int[] sizes) throws Exception {
    int steadySeconds = Integer.getInteger("meso.bench.steadySeconds", 10);
    int churns = Integer.getInteger("meso.bench.churns", 5);
    int churnSeconds = Integer.getInteger("meso.bench.churnSeconds", 30);
    int[] rates = Arrays.stream(System.getProperty("meso.bench.churnRates", "0,12,60").split(",")).filter(r -> !r.isBlank())
        .mapToInt(Integer::parseInt).toArray();
    startMasters();
    print("load before: %s", Files.readString(Path.of("/proc/loadavg")).trim());
    for (int n : sizes) {
      long t = System.nanoTime();
      while (members.size() < n) {
        int batch = Math.min(8, n - members.size());
        List<Future<Member>> joining = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          joining.add(startMember());
        }
        for (Future<Member> f : joining) {
          members.add(f.await(300, TimeUnit.SECONDS));
        }
      }
      print("N=%d lite members (+3 masters) up after %.1f s; this JVM: %d threads; __vertx.subs holds %d entries",
          n, (System.nanoTime() - t) / 1e9, threads(), subsSize());
      Thread.sleep(5_000); // the joins' after-effects settle
      System.gc();
      Runtime rt = Runtime.getRuntime();
      print("N=%d: members seen by each lite member %s; this JVM's heap after GC %d MB (%.1f MB per member); "
          + "sockets: this JVM %d, masters %s", n, members.stream().map(m -> m.hz().getCluster().getMembers().size())
          .collect(Collectors.summarizingInt(Integer::intValue)), (rt.totalMemory() - rt.freeMemory()) >> 20,
          (rt.totalMemory() - rt.freeMemory()) / 1048576.0 / n, sockets(ProcessHandle.current().pid()),
          masters.stream().map(m -> Integer.toString(sockets(m.pid()))).collect(Collectors.joining(", ")));
      print("N=%d: masters' live heap %s KB", n, String.join(", ", masterHeaps()));
      steady(n, steadySeconds);
      scans(n);
      churnOnce(n, churns);
      for (int rate : rates) {
        sustained(n, rate, churnSeconds);
      }
    }
  }

  private void startMasters() throws Exception {
    List<Integer> http = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      http.add(MesoProcess.freePort());
      ports.add(MesoProcess.freePort());
    }
    join = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    for (int i = 0; i < 3; i++) {
      masters.add(MesoProcess.start("membership-master" + i, List.of("-Xmx1g"), "master", "--masters", "3",
          "--host", "127.0.0.1", "--port", Integer.toString(http.get(i)), "--cluster-name", cluster,
          "--cluster-port", Integer.toString(ports.get(i)), "--join", join));
    }
    int leader = FailoverBenchmark.awaitLeader(masters, -1, 180_000);
    print("masters up, master %d leads (pids %s)", leader,
        masters.stream().map(m -> Long.toString(m.pid())).collect(Collectors.joining(",")));
  }

  /** A lite member with an agent's two clustered consumers, and a listener counting departures it sees. */
  private Future<Member> startMember() {
    int id = nextId.getAndIncrement();
    String address = Addresses.agent("bench-" + id);
    VertxOptions vertxOptions = new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(4)
        .setInternalBlockingPoolSize(2);
    return MesoCluster.start(ClusterOptions.loopbackForTest().setClusterName(cluster).setLiteMember(true)
        .setJoin(List.of(join.split(","))), vertxOptions).compose(vertx -> {
          HazelcastInstance hz = MesoCluster.hazelcast(vertx);
          hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {}

            @Override
            public void memberRemoved(MembershipEvent e) {
              leftSeen.computeIfAbsent(e.getMember().getUuid(), k -> new AtomicInteger()).incrementAndGet();
              leftSeenLast.computeIfAbsent(e.getMember().getUuid(), k -> new AtomicLong())
                  .accumulateAndGet(System.nanoTime(), Math::max);
            }
          });
          Future<Void> agent = vertx.eventBus().<String>consumer(address, msg -> msg.reply("pong")).completion();
          Future<Void> elected = vertx.eventBus().<String>consumer(Addresses.MASTER_ELECTED, msg -> { }).completion();
          return Future.all(agent, elected).map(v -> new Member(id, vertx, hz, address));
        });
  }

  private void steady(int n, int seconds) throws Exception {
    long[] before = cpuTicks();
    long t = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long[] after = cpuTicks();
    double wall = (System.nanoTime() - t) / 1e9;
    print("RESULT steady N=%d: lite-member JVM %.3f cpu-s/s (%.2f ms/s per member); masters %s cpu-s/s",
        n, cpuSeconds(before, after, 0) / wall, cpuSeconds(before, after, 0) / wall * 1000 / n,
        String.format(Locale.ROOT, "%.3f, %.3f, %.3f", cpuSeconds(before, after, 1) / wall,
            cpuSeconds(before, after, 2) / wall, cpuSeconds(before, after, 3) / wall));
    steadyRate = new double[4];
    for (int i = 0; i < 4; i++) {
      steadyRate[i] = cpuSeconds(before, after, i) / wall;
    }
  }

  private double[] steadyRate = new double[4];

  /** {@code count} times: one member terminated, then one joining; times and CPU beyond the steady rate. */
  private void churnOnce(int n, int count) throws Exception {
    List<Double> seen = new ArrayList<>();
    List<Double> cleaned = new ArrayList<>();
    List<Double> delivered = new ArrayList<>();
    List<Double> leaveMasterCpu = new ArrayList<>();
    List<Double> leaveLiteCpu = new ArrayList<>();
    List<Double> joined = new ArrayList<>();
    List<Double> reachable = new ArrayList<>();
    List<Double> joinMasterCpu = new ArrayList<>();
    List<Double> joinLiteCpu = new ArrayList<>();
    Member probe = members.get(0);
    for (int round = 0; round < count; round++) {
      int subsBefore = subsSize();
      Member victim = members.get(PROTECTED + random.nextInt(members.size() - PROTECTED));
      UUID uuid = victim.hz().getCluster().getLocalMember().getUuid();
      members.remove(victim);
      int survivors = members.size();
      long[] cpu0 = cpuTicks();
      long t0 = System.nanoTime();
      victim.hz().getLifecycleService().terminate();
      long deadline = t0 + 60_000_000_000L;
      while (leftSeen.getOrDefault(uuid, new AtomicInteger()).get() < survivors && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      double seenAt = leftSeen.getOrDefault(uuid, new AtomicInteger()).get() < survivors ? -1
          : (leftSeenLast.get(uuid).get() - t0) / 1e9;
      while (subsSize() > subsBefore - 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      double cleanedAt = subsSize() > subsBefore - 2 ? -1 : (System.nanoTime() - t0) / 1e9;
      // Requests to 3 survivors, each retried until answered (a request sent while subscriptions are
      // being cleaned and re-published may fail or wait).
      double deliveredAt = 0;
      for (int k = 0; k < 3; k++) {
        Member target = members.get(1 + random.nextInt(members.size() - 1));
        while (System.nanoTime() < deadline) {
          try {
            probe.vertx().eventBus().request(target.address(), "ping", new DeliveryOptions().setSendTimeout(2_000))
                .await(3, TimeUnit.SECONDS);
            break;
          } catch (Exception e) {
            Thread.sleep(10);
          }
        }
        deliveredAt = (System.nanoTime() - t0) / 1e9;
      }
      Thread.sleep(3_000); // what each member does after its memberRemoved (re-publishing, cleaning) ends
      long[] cpu1 = cpuTicks();
      double wall = (System.nanoTime() - t0) / 1e9;
      victim.vertx().close(); // its threads (its Hazelcast instance is already gone)
      seen.add(seenAt);
      cleaned.add(cleanedAt);
      delivered.add(deliveredAt);
      leaveLiteCpu.add(cpuSeconds(cpu0, cpu1, 0) - steadyRate[0] * wall);
      leaveMasterCpu.add(masterCpuBeyondSteady(cpu0, cpu1, wall));

      long[] cpu2 = cpuTicks();
      long t1 = System.nanoTime();
      Member fresh = startMember().await(300, TimeUnit.SECONDS);
      double joinedAt = (System.nanoTime() - t1) / 1e9;
      members.add(fresh);
      while (System.nanoTime() - t1 < 60e9) {
        try {
          probe.vertx().eventBus().request(fresh.address(), "ping", new DeliveryOptions().setSendTimeout(2_000))
              .await(3, TimeUnit.SECONDS);
          break;
        } catch (Exception e) {
          Thread.sleep(10);
        }
      }
      double reachableAt = (System.nanoTime() - t1) / 1e9;
      Thread.sleep(3_000);
      long[] cpu3 = cpuTicks();
      double wall2 = (System.nanoTime() - t1) / 1e9;
      joined.add(joinedAt);
      reachable.add(reachableAt);
      joinLiteCpu.add(cpuSeconds(cpu2, cpu3, 0) - steadyRate[0] * wall2);
      joinMasterCpu.add(masterCpuBeyondSteady(cpu2, cpu3, wall2));
      print("  N=%d round %d: leave seen by all %.2f s, subs cleaned %.2f s, delivered %.2f s, masters +%.2f cpu-s, "
          + "lite JVM +%.2f cpu-s; join %.2f s, reachable %.2f s, masters +%.2f cpu-s, lite JVM +%.2f cpu-s", n, round,
          seenAt, cleanedAt, deliveredAt, leaveMasterCpu.get(round), leaveLiteCpu.get(round), joinedAt, reachableAt,
          joinMasterCpu.get(round), joinLiteCpu.get(round));
    }
    print("RESULT churn N=%d (median of %d): leave seen by all %.2f s, subs cleaned %.2f s, delivered %.2f s, "
        + "masters +%.2f cpu-s, lite JVM +%.2f cpu-s; join %.2f s, reachable %.2f s, masters +%.2f cpu-s, "
        + "lite JVM +%.2f cpu-s", n, count, median(seen), median(cleaned), median(delivered), median(leaveMasterCpu),
        median(leaveLiteCpu), median(joined), median(reachable), median(joinMasterCpu), median(joinLiteCpu));
  }

  /** Requests every 100 ms to each of 4 members that stay, while {@code perMinute} members leave and join. */
  private void sustained(int n, int perMinute, int seconds) throws Exception {
    Member probe = members.get(0);
    List<Long> rtt = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger churned = new AtomicInteger();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    Thread churner = new Thread(() -> {
      long every = perMinute == 0 ? Long.MAX_VALUE : 60_000_000_000L / perMinute;
      long next = System.nanoTime() + every;
      try {
        while (perMinute > 0 && System.nanoTime() < end) {
          long wait = next - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          next += every;
          Member victim = members.get(PROTECTED + random.nextInt(members.size() - PROTECTED));
          members.remove(victim);
          victim.hz().getLifecycleService().terminate();
          victim.vertx().close();
          members.add(startMember().await(300, TimeUnit.SECONDS));
          churned.incrementAndGet();
        }
      } catch (Exception e) {
        print("churner stopped: %s", e);
      }
    }, "membership-churner");
    churner.start();
    long[] cpu0 = cpuTicks();
    long t0 = System.nanoTime();
    long tick = t0;
    while (System.nanoTime() < end) {
      for (int k = 1; k < PROTECTED; k++) {
        long sent = System.nanoTime();
        probe.vertx().eventBus().request(members.get(k).address(), "ping", new DeliveryOptions().setSendTimeout(5_000))
            .onComplete(ar -> {
              if (ar.succeeded()) {
                rtt.add(System.nanoTime() - sent);
              } else {
                failed.incrementAndGet();
                rtt.add(5_000_000_000L);
              }
            });
      }
      tick += 100_000_000L;
      long wait = tick - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    churner.join(330_000);
    Thread.sleep(5_500); // the last requests answered or timed out
    long[] cpu1 = cpuTicks();
    double wall = (System.nanoTime() - t0) / 1e9;
    long[] sorted;
    synchronized (rtt) {
      sorted = rtt.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    print("RESULT sustained N=%d churn %d/min (%d done in %d s): %d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms, "
        + "%d failed; lite JVM %.2f cpu-s/s, masters %.2f cpu-s/s together", n, perMinute, churned.get(), seconds,
        sorted.length, pct(sorted, 0.5), pct(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
        failed.get(), cpuSeconds(cpu0, cpu1, 0) / wall,
        (cpuSeconds(cpu0, cpu1, 1) + cpuSeconds(cpu0, cpu1, 2) + cpuSeconds(cpu0, cpu1, 3)) / wall);
  }

  /**
   * What every member's {@code SubsMapHelper.removeAllForNodes} does after any member leaves: a full
   * {@code entrySet()} of {@code __vertx.subs} (every partition, every entry). All lite members at
   * once, 3 times: wall time, and the masters' CPU beyond the steady rate, per scan and per entry.
   */
  private void scans(int n) throws Exception {
    // meso.bench.scanRepeat: each member scans that many times per round (more CPU to measure above the noise)
    int scanRepeat = Integer.getInteger("meso.bench.scanRepeat", 1);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<Double> walls = new ArrayList<>();
      List<Double> cpus = new ArrayList<>();
      int entries = subsSize();
      for (int round = 0; round < 3; round++) {
        long[] before = cpuTicks();
        long t = System.nanoTime();
        List<java.util.concurrent.Future<Integer>> scans = new ArrayList<>();
        for (int r = 0; r < scanRepeat; r++) {
          for (Member m : members) {
            scans.add(pool.submit(() -> m.hz().getMultiMap("__vertx.subs").entrySet().size()));
          }
        }
        for (var f : scans) {
          f.get(120, TimeUnit.SECONDS);
        }
        double wall = (System.nanoTime() - t) / 1e9;
        long[] after = cpuTicks();
        walls.add(wall);
        cpus.add(masterCpuBeyondSteady(before, after, wall));
        Thread.sleep(1_000);
      }
      double cpu = median(cpus);
      print("RESULT scans N=%d: %d members each read all %d entries of __vertx.subs %d time(s) in %.2f s; masters "
          + "+%.3f cpu-s (%.2f us per entry read)", n, members.size(), entries, scanRepeat, median(walls), cpu,
          cpu * 1e6 / ((double) members.size() * entries * scanRepeat));
    } finally {
      pool.shutdownNow();
    }
  }

  private double masterCpuBeyondSteady(long[] before, long[] after, double wall) {
    double sum = 0;
    for (int i = 1; i < 4; i++) {
      sum += cpuSeconds(before, after, i) - steadyRate[i] * wall;
    }
    return sum;
  }

  private List<String> masterHeaps() throws Exception {
    List<String> heaps = new ArrayList<>();
    // The masters run Serial GC: young + old generation after a full collection.
    java.util.regex.Pattern used = java.util.regex.Pattern.compile("(?m)^\\s*(def new|tenured) generation.*used (\\d+)K");
    for (MesoProcess m : masters) {
      String pid = Long.toString(m.pid());
      new ProcessBuilder("jcmd", pid, "GC.run").start().waitFor(120, TimeUnit.SECONDS);
      Process info = new ProcessBuilder("jcmd", pid, "GC.heap_info").redirectErrorStream(true).start();
      String out = new String(info.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      long kb = 0;
      for (java.util.regex.Matcher mm = used.matcher(out); mm.find(); ) {
        kb += Long.parseLong(mm.group(2));
      }
      heaps.add(String.format(Locale.ROOT, "%,d", kb));
    }
    return heaps;
  }

  private int subsSize() {
    return members.get(0).hz().getMultiMap("__vertx.subs").size();
  }

  /** utime + stime in ticks: [0] this JVM, [1..3] the masters. */
  private long[] cpuTicks() throws Exception {
    long[] ticks = new long[4];
    ticks[0] = ticks(ProcessHandle.current().pid());
    for (int i = 0; i < 3; i++) {
      ticks[i + 1] = ticks(masters.get(i).pid());
    }
    return ticks;
  }

  private static long ticks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
  }

  private static double cpuSeconds(long[] before, long[] after, int i) {
    return (after[i] - before[i]) * TICK_NANOS / 1e9;
  }

  /** Open sockets of a process (its TCP connections and listeners), from /proc/<pid>/fd. */
  private static int sockets(long pid) {
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return (int) fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (Exception e) {
          return false; // closed meanwhile
        }
      }).count();
    } catch (Exception e) {
      return -1;
    }
  }

  private static int threads() throws Exception {
    return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Threads:"))
        .map(l -> Integer.parseInt(l.substring(8).trim())).findFirst().orElse(-1);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
  }

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
  }

  private static void print(String format, Object... args) {
    Object[] all = new Object[args.length + 1];
    all[0] = System.currentTimeMillis();
    System.arraycopy(args, 0, all, 1, args.length);
    System.out.printf(Locale.ROOT, "%tT " + format + "%n", all);
  }
}
