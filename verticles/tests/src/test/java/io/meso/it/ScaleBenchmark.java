package io.meso.it;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.agent.ExecutorMode;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Not a test: issue 17's scale run. Three {@code meso master --masters 3} JVMs from the built jar
 * (so the leader's heap holds the master alone); this JVM joins the cluster as {@code agentNodes}
 * lite members hosting {@code agents} simulated agents (no checkpoint: the master is what is
 * measured) and an event-bus framework that launches {@code perAgent} one-hour tasks on every
 * agent, all from the first offer of each agent. Measured, in order:
 * <ol>
 *   <li>the leader's live heap (after a full collection, {@code jcmd GC.run} then
 *       {@code GC.heap_info}) with no agent, with every agent registered, and with every task
 *       running: heap per agent and per task;</li>
 *   <li>launch rate and latency (the ACCEPT that launched the task to its TASK_RUNNING), p50/p99/p999;
 *       the framework holds offers while {@code meso.bench.window} (20,000) launched tasks are not
 *       running yet, as a real framework paces itself;</li>
 *   <li>{@code /state-summary}, {@code /state} and the web UI's first call ({@code GET_STATE} on
 *       {@code /api/v1}) at that size: time and bytes;</li>
 *   <li>failover: {@code kill -9} of the leader, then until another master leads, has every agent
 *       re-registered, and the framework has an offer again.</li>
 * </ol>
 * From {@code verticles/tests/}, after {@code mvn -o -pl verticles/tests -am package -DskipTests}:
 * {@code java -Xmx8g ... -cp target/test-classes:../cli/target/meso.jar io.meso.it.ScaleBenchmark
 * [agents] [perAgent] [masterHeap] [agentNodes]} (BENCHMARKS.md has the exact command);
 * {@code -Dmeso.bench.gateway=true} puts the agents on {@code agentNodes} non-clustered Vert.x
 * instances that reach the masters through their agent gateways ({@link BenchAgentHosts}).
 */
public final class ScaleBenchmark {

  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  public static void main(String[] args) throws Exception {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int perAgent = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    String masterHeap = args.length > 2 ? args[2] : "5g";
    int agentNodes = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    // Tasks launched and not yet running that the framework allows before it holds further offers
    // (a real framework paces itself too; unpaced, a million launches in one burst only queue up).
    int window = Integer.getInteger("meso.bench.window", 20_000);
    int tasks = agents * perAgent;
    String cluster = "meso-scale-bench-" + UUID.randomUUID();
    List<MesoProcess> masters = new ArrayList<>();
    List<Integer> http = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      http.add(MesoProcess.freePort());
      ports.add(MesoProcess.freePort());
    }
    String join = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    BenchAgentHosts hosts = new BenchAgentHosts(3);
    Path root = Files.createTempDirectory("meso-scale-bench");
    HttpClient httpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try {
      List<String> masterJvm = new ArrayList<>(List.of("-Xmx" + masterHeap,
          "-XX:-UseSerialGC", "-XX:+UseG1GC", "-Xlog:gc:file=target/it-logs/scale-master{i}-gc.log"));
      for (String flag : System.getProperty("meso.bench.masterJvmFlags", "").split("\\s+")) {
        if (!flag.isBlank()) {
          masterJvm.add(flag);
        }
      }
      for (int i = 0; i < 3; i++) {
        String index = Integer.toString(i);
        List<String> masterArgs = new ArrayList<>(List.of(
            "master", "--masters", "3", "--host", "127.0.0.1", "--port", Integer.toString(http.get(i)),
            "--cluster-name", cluster, "--cluster-port", Integer.toString(ports.get(i)), "--join", join,
            "--agent-ping-interval", "5", "--agent-ping-timeouts", "10", "--allocation-interval", "0.5",
            "--leader-session-timeout", "10"));
        masterArgs.addAll(hosts.masterArgs(i));
        masters.add(MesoProcess.start("scale-master" + i, masterJvm.stream().map(f -> f.replace("{i}", index)).toList(),
            masterArgs.toArray(new String[0])));
      }
      int leader = FailoverBenchmark.awaitLeader(masters, -1, 180_000);
      long leaderPid = masters.get(leader).pid();
      print("leader: master %d (pid %d), masters' heap %s, G1", leader, leaderPid, masterHeap);
      long heapEmpty = liveHeapKb(leaderPid);
      print("leader live heap, no agents: %,d KB", heapEmpty);

      print("agents as %s, on %d Vert.x instances", hosts.mode(), agentNodes);
      hosts.start(cluster, join, agentNodes);
      Vertx vertx = hosts.frameworkNode;
      long t = System.nanoTime();
      List<Future<String>> registered = new ArrayList<>();
      for (int i = 0; i < agents; i++) {
        AgentVerticle agent = new AgentVerticle(hosts.configure(new AgentOptions().setHostname("sim-" + i)
            .setWorkDir(root.resolve("a" + i).toString()).setResources("cpus:" + (perAgent + 1) + ";mem:" + (perAgent * 16 + 64))
            .setExecutorMode(ExecutorMode.SIMULATED).setCheckpoint(false)));
        registered.add(hosts.deploy(i, agent));
      }
      Future.all(registered).await(900, TimeUnit.SECONDS);
      print("%,d agents registered in %.1f s", agents, (System.nanoTime() - t) / 1e9);
      long heapAgents = liveHeapKb(leaderPid);
      print("leader live heap, %,d agents: %,d KB: %.1f KB per agent", agents, heapAgents,
          (heapAgents - heapEmpty) / (double) agents);
      print("registration messages sent: %,d RegisterAgent, %,d ReregisterAgent; through each master's gateway: %d, %d, %d",
          hosts.registrations.get(), hosts.reregistrations.get(), hosts.connectedThrough(0), hosts.connectedThrough(1),
          hosts.connectedThrough(2));
      idleCpu(masters, leader, agents, Integer.getInteger("meso.bench.idleSeconds", 30));

      // Per task: when its offer arrived and when its TASK_RUNNING did (nanoTime), by index agent * perAgent + k.
      AtomicLongArray offered = new AtomicLongArray(tasks);
      AtomicLongArray ran = new AtomicLongArray(tasks);
      AtomicInteger running = new AtomicInteger();
      AtomicInteger ackFailures = new AtomicInteger();
      AtomicInteger otherStates = new AtomicInteger();
      AtomicLong firstOfferAfterKill = new AtomicLong();
      AtomicLong killedAt = new AtomicLong();
      AtomicInteger nextAgent = new AtomicInteger();
      AtomicLong firstAccept = new AtomicLong();
      AtomicLong lastRunning = new AtomicLong();
      java.util.Set<String> used = ConcurrentHashMap.newKeySet();
      String[] firstOther = new String[1];
      EventBusSchedulerClient client = new EventBusSchedulerClient(vertx);
      java.util.concurrent.ConcurrentLinkedQueue<Offer> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
      java.util.Map<String, Long> heldSince = new ConcurrentHashMap<>();
      AtomicInteger launched = new AtomicInteger();
      // Accepts held offers while fewer than `window` launched tasks are not running yet (event-loop confined).
      Runnable launchHeld = () -> {
        Offer offer;
        // Offers held for half the master's offer timeout go back (declined, not filtered): accepting
        // one the master is about to time out would lose its tasks (REASON_INVALID_OFFERS).
        for (java.util.Iterator<Offer> it = held.iterator(); it.hasNext(); ) {
          Offer old = it.next();
          if (System.nanoTime() - heldSince.getOrDefault(old.getId().getValue(), System.nanoTime()) > 30e9) {
            it.remove();
            heldSince.remove(old.getId().getValue());
            used.remove(old.getAgentId().getValue());
            client.decline(List.of(old.getId()), 0);
          }
        }
        while (launched.get() - running.get() < window && (offer = held.poll()) != null) {
          heldSince.remove(offer.getId().getValue());
          long now = System.nanoTime();
          int a = nextAgent.getAndIncrement();
          List<TaskInfo> batch = new ArrayList<>(perAgent);
          for (int k = 0; k < perAgent; k++) {
            offered.set(a * perAgent + k, now);
            batch.add(Launches.task("t-" + a + "-" + k, offer, "simulated", 1, 16).toBuilder()
                .setData(com.google.protobuf.ByteString.copyFrom("3600000", StandardCharsets.UTF_8)).build());
          }
          launched.addAndGet(perAgent);
          firstAccept.compareAndSet(0, now);
          client.accept(List.of(offer.getId()), List.of(Launches.launch(batch.toArray(new TaskInfo[0]))), null);
        }
      };
      client.subscribe(FrameworkInfo.newBuilder().setName("scale-bench").setUser("").setFailoverTimeout(3600).build(),
          event -> {
            if (event.getType() == Event.Type.UPDATE) {
              var status = event.getUpdate().getStatus();
              client.acknowledge(status).onFailure(err -> ackFailures.incrementAndGet());
              int index = index(status.getTaskId().getValue(), perAgent);
              if (status.getState() == TaskState.TASK_RUNNING && index >= 0 && ran.compareAndSet(index, 0, System.nanoTime())) {
                running.incrementAndGet();
                lastRunning.set(System.nanoTime());
                if (!held.isEmpty()) {
                  launchHeld.run();
                }
              } else if (status.getState() != TaskState.TASK_STARTING && status.getState() != TaskState.TASK_RUNNING) {
                if (otherStates.getAndIncrement() == 0) {
                  firstOther[0] = status.getTaskId().getValue() + " " + status.getState() + " " + status.getReason()
                      + ": " + status.getMessage();
                }
              }
            } else if (event.getType() == Event.Type.OFFERS) {
              if (killedAt.get() != 0) {
                firstOfferAfterKill.compareAndSet(0, System.nanoTime());
              }
              for (Offer offer : event.getOffers().getOffersList()) {
                if (killedAt.get() == 0 && used.add(offer.getAgentId().getValue())) {
                  heldSince.put(offer.getId().getValue(), System.nanoTime());
                  held.add(offer);
                } else {
                  client.decline(List.of(offer.getId()), 3600);
                }
              }
              launchHeld.run();
            } else if (event.getType() == Event.Type.RESCIND) {
              // A held offer timed out (the master's offer timeout): its agent's next offer is used instead.
              String offerId = event.getRescind().getOfferId().getValue();
              held.removeIf(o -> {
                boolean gone = o.getId().getValue().equals(offerId);
                if (gone) {
                  used.remove(o.getAgentId().getValue());
                }
                return gone;
              });
            }
          }).await(60, TimeUnit.SECONDS);
      vertx.setPeriodic(5_000, id -> launchHeld.run()); // ages held offers out while no event comes
      t = System.nanoTime();
      int last = 0;
      long lastChange = t;
      while (running.get() < tasks) {
        long now = System.nanoTime();
        if (running.get() != last) {
          last = running.get();
          lastChange = now;
        }
        if (now - lastChange > 120e9 || now - t > 1800e9) {
          throw new IllegalStateException("only " + running.get() + " of " + tasks + " tasks running after "
              + (now - t) / 1_000_000_000 + " s (no progress for " + (now - lastChange) / 1_000_000_000 + " s); "
              + otherStates.get() + " other updates, first: " + firstOther[0] + "; ack failures " + ackFailures.get());
        }
        if ((now - t) / 1_000_000_000 != (now - t - 50_000_000) / 1_000_000_000 && ((now - t) / 1_000_000_000) % 10 == 0) {
          print("  %,d running after %d s", running.get(), (now - t) / 1_000_000_000);
        }
        Thread.sleep(50);
      }
      double launchSeconds = (lastRunning.get() - firstAccept.get()) / 1e9;
      long[] latency = new long[tasks];
      for (int i = 0; i < tasks; i++) {
        latency[i] = ran.get(i) - offered.get(i);
      }
      Arrays.sort(latency);
      print("%,d tasks running %.1f s after the first accept: %,.0f tasks/s; accept-to-RUNNING p50 %.2f s, p99 %.2f s, "
          + "p999 %.2f s, max %.2f s; %d other updates; %d acknowledgements failed", tasks, launchSeconds,
          tasks / launchSeconds, pct(latency, 0.50), pct(latency, 0.99), pct(latency, 0.999),
          latency[tasks - 1] / 1e9, otherStates.get(), ackFailures.get());

      // Steady state: the updates, acknowledgements and events of the launch drain from the queues first.
      long heapTasks = liveHeapKb(leaderPid);
      for (int i = 0; i < 12; i++) {
        Thread.sleep(5_000);
        long again = liveHeapKb(leaderPid);
        boolean settled = Math.abs(again - heapTasks) < heapTasks / 50;
        heapTasks = again;
        if (settled) {
          break;
        }
        print("  leader live heap still moving: %,d KB", again);
      }
      print("leader live heap, %,d tasks running: %,d KB: %.0f bytes per task", tasks, heapTasks,
          (heapTasks - heapAgents) * 1024.0 / tasks);
      String histogram = System.getProperty("meso.bench.histogram");
      if (histogram != null) { // the leader's live objects by class, e.g. to see where a task's bytes go
        Files.writeString(Path.of(histogram), run("jcmd", Long.toString(leaderPid), "GC.class_histogram"));
      }
      for (int i = 0; i < 3; i++) {
        if (i != leader) {
          print("standby master %d live heap: %,d KB", i, liveHeapKb(masters.get(i).pid()));
        }
      }
      String base = "http://127.0.0.1:" + http.get(leader);
      timeGet(httpClient, base + "/state-summary", null);
      if (Boolean.parseBoolean(System.getProperty("meso.bench.fullState", "true"))) {
        // At a million tasks these whole-cluster documents are gigabytes to build: they may take the leader down.
        timeGet(httpClient, base + "/state", null);
        timeGet(httpClient, base + "/api/v1", "{\"type\":\"GET_STATE\"}");
        print("leader live heap after /state and GET_STATE: %,d KB", liveHeapKb(leaderPid));
      }
      timeGet(httpClient, base + "/ui/", null);

      int[] welcomesBefore = hosts.welcomes();
      int throughLeader = hosts.connectedThrough(leader);
      int registrationsBefore = hosts.registrations.get();
      int reregistrationsBefore = hosts.reregistrations.get();
      int otherBefore = otherStates.get();
      long kill = System.nanoTime();
      long killWall = System.currentTimeMillis() + java.util.TimeZone.getDefault().getOffset(System.currentTimeMillis());
      killedAt.set(kill);
      new ProcessBuilder("kill", "-KILL", Long.toString(leaderPid)).inheritIO().start().waitFor();
      int next = FailoverBenchmark.awaitLeader(masters, leader, 300_000);
      double elected = (System.nanoTime() - kill) / 1e9;
      double allAgents = FailoverBenchmark.awaitAllReregistered(masters.get(next), agents, kill, killWall, 600e9);
      while (firstOfferAfterKill.get() == 0 && System.nanoTime() - kill < 600e9) {
        Thread.sleep(20);
      }
      double offer = firstOfferAfterKill.get() == 0 ? -1 : (firstOfferAfterKill.get() - kill) / 1e9;
      print("failover at %,d agents x %,d tasks: new leader (master %d) elected %.2f s, all agents re-registered "
          + "%.2f s, first offer %.2f s after kill -9", agents, tasks, next, elected, allAgents, offer);
      Thread.sleep(5_000);
      print("after the failover (+5 s, %s mode): %d agents were through the killed leader's gateway; %s; %,d "
          + "ReregisterAgent and %,d RegisterAgent sent for %,d agents; %d updates other than STARTING/RUNNING since "
          + "the kill", hosts.mode(), throughLeader, hosts.movesSince(welcomesBefore),
          hosts.reregistrations.get() - reregistrationsBefore, hosts.registrations.get() - registrationsBefore, agents,
          otherStates.get() - otherBefore);
      print("new leader's tasks: %s", BenchAgentHosts.leaderTasks(http.get(next), tasks, 120));
      print("new leader live heap: %,d KB", liveHeapKb(masters.get(next).pid()));
      timeGet(httpClient, "http://127.0.0.1:" + http.get(next) + "/state-summary", null);
      // Does the new leader keep leading? (It once lost its CP session some 10-20 s after the failover.)
      long stable = Long.getLong("meso.bench.stableSeconds", 30);
      int third = -1;
      long stableEnd = System.nanoTime() + stable * 1_000_000_000L;
      while (third < 0 && System.nanoTime() < stableEnd) {
        for (int i = 0; i < masters.size(); i++) {
          if (i != leader && i != next && FailoverBenchmark.LEADING.matcher(Files.readString(masters.get(i).stdout)).find()) {
            third = i;
          }
        }
        Thread.sleep(100);
      }
      print(third < 0 ? "the new leader still leads %.1f s after the kill" : "LEADERSHIP MOVED AGAIN: master %2$d leads "
          + "%1$.1f s after the kill", (System.nanoTime() - kill) / 1e9, third);
    } finally {
      hosts.stopAll(masters, root);
    }
    System.exit(0);
  }

  /**
   * The masters' and this JVM's cpu over {@code seconds} with every agent registered and idle (pings,
   * heartbeats, and in gateway mode the connections' keepalives), from /proc.
   */
  private static void idleCpu(List<MesoProcess> masters, int leader, int agents, int seconds) throws Exception {
    if (seconds <= 0) {
      return;
    }
    double[] before = new double[masters.size() + 1];
    for (int i = 0; i < masters.size(); i++) {
      before[i] = BenchAgentHosts.cpuSeconds(masters.get(i).pid());
    }
    before[masters.size()] = BenchAgentHosts.cpuSeconds(ProcessHandle.current().pid());
    long t = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    double wall = (System.nanoTime() - t) / 1e9;
    StringBuilder line = new StringBuilder();
    for (int i = 0; i <= masters.size(); i++) {
      long pid = i < masters.size() ? masters.get(i).pid() : ProcessHandle.current().pid();
      double used = BenchAgentHosts.cpuSeconds(pid) - before[i];
      line.append(String.format(Locale.ROOT, "%s%s %.2f cpu-s (%.1f %% of a core)", line.length() == 0 ? "" : "; ",
          i == masters.size() ? "benchmark JVM (agents)" : "master " + i + (i == leader ? " (leader)" : ""), used,
          100 * used / wall));
    }
    print("idle cpu over %.1f s with %,d agents registered: %s", wall, agents, line);
  }

  private static int index(String taskId, int perAgent) {
    int dash = taskId.lastIndexOf('-');
    if (!taskId.startsWith("t-") || dash <= 2) {
      return -1;
    }
    return Integer.parseInt(taskId.substring(2, dash)) * perAgent + Integer.parseInt(taskId.substring(dash + 1));
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e9;
  }

  /** The JVM's live heap after a full collection, in KB, read with jcmd. */
  static long liveHeapKb(long pid) throws Exception {
    run("jcmd", Long.toString(pid), "GC.run");
    Matcher m = HEAP_USED.matcher(run("jcmd", Long.toString(pid), "GC.heap_info"));
    if (!m.find()) {
      throw new IllegalStateException("no heap figure from jcmd " + pid);
    }
    return Long.parseLong(m.group(1));
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  private static void timeGet(HttpClient client, String url, String postJson) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(300));
    if (postJson != null) {
      request.header("Content-Type", "application/json").header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(postJson));
    }
    long t = System.nanoTime();
    try {
      HttpResponse<java.io.InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      long first = System.nanoTime();
      long bytes;
      try (var body = response.body()) {
        bytes = body.transferTo(java.io.OutputStream.nullOutputStream());
      }
      print("%s %s: HTTP %d, first byte %.2f s, %,d bytes in %.2f s", postJson == null ? "GET" : "POST " + postJson, url,
          response.statusCode(), (first - t) / 1e9, bytes, (System.nanoTime() - t) / 1e9);
    } catch (Exception e) {
      print("%s: failed after %.1f s: %s", url, (System.nanoTime() - t) / 1e9, e);
    }
  }

  private static void print(String format, Object... args) {
    System.out.printf(Locale.ROOT, "%tT " + format + "%n", prepend(System.currentTimeMillis(), args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
