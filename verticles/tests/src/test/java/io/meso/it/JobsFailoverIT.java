package io.meso.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import io.meso.jobs.runtime.TaskIds;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs framework across repeated master failovers, from the built jar: five
 * {@code meso master --masters 5} and an agent on 127.0.0.1. A job repeating every five seconds
 * ({@code R30/<soon>/PT5S}, {@code missedRunPolicy RUN_ALL}, concurrent, no retries) and a
 * dependent child are posted through a standby (proxied to the leader, as Chronos does). Each run
 * echoes its {@code CHRONOS_JOB_RUN_TIME} (the scheduled instant) to its stdout and appends it to
 * a log outside its sandbox. The leading master is then killed with SIGKILL three times: 300 ms
 * before an instant falls due, at the instant, and 300 ms after it; each time the test waits for
 * another master to lead (a higher fencing token, {@code /v1/scheduler/leader} naming it on every
 * survivor) before the next kill. Then, once the instants up to two past the last kill's have run,
 * at a moment when no run is in flight, counting in the agent's sandboxes and the logs, not in the
 * framework's bookkeeping: the instants ran form the schedule from its first with none left out,
 * each in exactly one sandbox (task ids carry the instant and the attempt; with no retries a
 * second sandbox for an instant would be a repeated launch), the child ran exactly once per parent
 * run, and the history and counts agree with the sandboxes. The test does not wait for the rest
 * of the schedule (that only added time: it is sized for a machine at load 18).
 *
 * <p>Why five masters and no restarts: a killed master's CP member is only removed from Hazelcast's
 * CP subsystem after {@code --master-removal-timeout} ({@value #MASTER_REMOVAL_SECONDS} s here, the
 * least the leader session timeout of 10 s allows; 30 s by default) and a restarted master joins
 * as a plain member (CP members are not promoted automatically), so with three masters the second
 * kill would leave one of three CP members and no majority. Five CP members survive two kills
 * outright; the third kill waits until the CP subsystem has removed the first two killed members
 * (its log says so), leaving three, of which two survive the third kill.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class JobsFailoverIT {

  private static final Logger LOG = LoggerFactory.getLogger(JobsFailoverIT.class);
  static final Duration STARTUP = Duration.ofSeconds(90);
  static final Pattern LEADING = Pattern.compile("leading\\s+fence (\\d+)");
  static final int MASTERS = 5;
  /**
   * Long enough for three kills even on a machine so busy that each failover takes half a minute
   * (16 ran out at load 18 before the third kill could aim); the test counts only up to two
   * instants past the last kill's.
   */
  static final int RUNS = 30;
  static final long PERIOD_MILLIS = 5000;
  /** Where each kill lands relative to the instant it aims at: just before, at, just after. */
  static final long[] KILL_OFFSETS_MILLIS = {-300, 0, 300};
  static final String P = "/v1/scheduler";
  /** Seconds before a killed master leaves the CP subsystem: what the third kill waits for. */
  static final int MASTER_REMOVAL_SECONDS = 10;

  final List<MesoProcess> masters = new ArrayList<>();
  final List<MesoProcess> agents = new ArrayList<>();
  final List<Integer> httpPorts = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    // Agents with SIGTERM (they clean up their tasks' cgroups), masters with SIGKILL (MesoProcess.killAll).
    MesoProcess.killAll(masters);
    MesoProcess.closeAll(agents);
  }

  record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  Reply call(int master, String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts.get(master) + path))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  Reply get(int master, String path) throws Exception {
    return call(master, "GET", path, null);
  }

  /** Index of the live master that printed it leads, with its fence; null while none does. */
  long[] leader() throws Exception {
    long[] found = null;
    for (int i = 0; i < masters.size(); i++) {
      MesoProcess m = masters.get(i);
      if (!m.process.isAlive()) {
        continue;
      }
      Matcher matcher = LEADING.matcher(Files.readString(m.stdout));
      if (matcher.find()) {
        assertThat(found).as("two live masters say they lead").isNull();
        found = new long[] {i, Long.parseLong(matcher.group(1))};
      }
    }
    return found;
  }

  List<Integer> alive() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < masters.size(); i++) {
      if (masters.get(i).isAlive()) {
        out.add(i);
      }
    }
    return out;
  }

  /** Whether a live master's log says the CP subsystem removed the member on {@code clusterPort}. */
  boolean cpMemberRemoved(int clusterPort) throws Exception {
    Pattern removing = Pattern.compile("Removing .*:" + clusterPort + "\\D.*since it is absent");
    for (int i : alive()) {
      MesoProcess m = masters.get(i);
      if (removing.matcher(Files.readString(m.stdout)).find() || removing.matcher(Files.readString(m.stderr)).find()) {
        return true;
      }
    }
    return false;
  }

  /** The instants (epoch ms) in a run log, one line per run, in the order they were written. */
  static List<Long> instants(Path log) throws Exception {
    return Files.readAllLines(log).stream().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.trim())).toList();
  }

  /** One sandbox the agent made for a task of the job: its task id, parsed, and what it printed. */
  record Sandbox(String taskId, TaskIds.Parsed parsed, String stdout) {
    List<Long> printed() {
      return stdout.lines().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.trim())).toList();
    }
  }

  /** The sandboxes of {@code job}'s tasks under the agent's work dir, in every framework's directory. */
  static List<Sandbox> sandboxes(Path workDir, String job) throws Exception {
    List<Sandbox> out = new ArrayList<>();
    Path frameworks = workDir.resolve("frameworks");
    if (!Files.isDirectory(frameworks)) {
      return out;
    }
    try (Stream<Path> fws = Files.list(frameworks)) {
      for (Path fw : fws.toList()) {
        Path tasks = fw.resolve("tasks");
        if (!Files.isDirectory(tasks)) {
          continue;
        }
        try (Stream<Path> ts = Files.list(tasks)) {
          for (Path t : ts.toList()) {
            String id = URLDecoder.decode(t.getFileName().toString().replace("+", "%2B"), StandardCharsets.UTF_8);
            TaskIds.Parsed p = TaskIds.parse(id);
            if (p != null && p.job().equals(job)) {
              Path stdout = t.resolve("stdout");
              out.add(new Sandbox(id, p, Files.exists(stdout) ? Files.readString(stdout) : ""));
            }
          }
        }
      }
    }
    return out;
  }

  /** Whether a sandbox of {@code job} exists for the instant {@code millis}. */
  static boolean launched(Path workDir, String job, long millis) throws Exception {
    return sandboxes(workDir, job).stream().anyMatch(s -> s.parsed().instant().toEpochMilli() == millis);
  }

  /** What one kill measured. */
  record Kill(long offsetMillis, long instant, long servedMillis, long lateMillis, long fence) {}

  /** What the sandboxes, the logs and a standby's API said, read one after the other. */
  record Snapshot(List<Sandbox> parents, List<Sandbox> children, List<Long> parentRuns, List<Long> childRuns,
      JsonObject tick, JsonObject tock, List<JsonObject> history, boolean idle, int parentsAgain) {
    /**
     * Whether no run was in flight while it was read (the sandboxes did not change, every run
     * in them finished and is counted, both jobs idle) and at least {@code due} instants ran.
     */
    boolean settled(int due) {
      int n = parents.size();
      return idle && n >= due && parentsAgain == n && children.size() == n && parentRuns.size() == n
          && childRuns.size() == n && tick.getInteger("successCount") == n && tock.getInteger("successCount") == n
          && history.size() == n;
    }
  }

  Snapshot snapshot(Path workDir, int master, Path parentLog, Path childLog) throws Exception {
    List<Sandbox> parents = sandboxes(workDir, "tick");
    List<Sandbox> children = sandboxes(workDir, "tock");
    List<Long> parentRuns = instants(parentLog);
    List<Long> childRuns = instants(childLog);
    JsonObject tick = get(master, P + "/job/tick").json();
    JsonObject tock = get(master, P + "/job/tock").json();
    Reply stat = get(master, P + "/job/stat/tick");
    assertThat(stat.status()).as(stat.body()).isEqualTo(200);
    List<JsonObject> history = stat.json().getJsonArray("taskStatHistory").stream().map(o -> (JsonObject) o).toList();
    boolean idle = get(master, P + "/jobs/summary").json().getJsonArray("jobs").stream()
        .allMatch(j -> "idle".equals(((JsonObject) j).getString("state")));
    return new Snapshot(parents, children, parentRuns, childRuns, tick, tock, history, idle,
        sandboxes(workDir, "tick").size());
  }

  @Test
  void killingTheLeaderBeforeAtAndAfterAnInstantNeitherRepeatsNorForgetsOne() throws Exception {
    String cluster = "meso-jobs-ha-" + UUID.randomUUID();
    List<Integer> clusterPorts = new ArrayList<>();
    while (clusterPorts.size() < MASTERS) {
      int port = MesoProcess.freePort();
      if (!clusterPorts.contains(port)) {
        clusterPorts.add(port);
      }
    }
    String join = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    // No standby rehearsal (MasterFailoverIT keeps it): four standbys rehearsing at once on two
    // cores held the agent's start back by about ten seconds.
    for (int i = 0; i < MASTERS; i++) {
      masters.add(MesoProcess.start("jobs-ha-master" + i, MesoProcess.SHORT_LIVED, "master",
          "--masters", Integer.toString(MASTERS),
          "--host", "127.0.0.1", "--port", "0", "--cluster-name", cluster,
          "--cluster-port", Integer.toString(clusterPorts.get(i)), "--join", join, "--agent-ping-interval", "0.5",
          "--agent-ping-timeouts", "10", "--allocation-interval", "0.2",
          "--master-removal-timeout", Integer.toString(MASTER_REMOVAL_SECONDS), "--rehearse-agents", "0"));
    }
    for (MesoProcess m : masters) {
      m.awaitOutput("cluster\\s+(127\\.0\\.0\\.1:\\d+)", STARTUP);
      httpPorts.add(Integer.parseInt(m.awaitOutput("master\\s+http://127\\.0\\.0\\.1:(\\d+)", STARTUP)));
    }
    Path workDir = Files.createTempDirectory("meso-jobs-ha-agent");
    agents.add(MesoProcess.start("jobs-ha-agent", MesoProcess.SHORT_LIVED, "agent", "--join", join,
        "--host", "127.0.0.1",
        "--cluster-name", cluster, "--cluster-port", Integer.toString(MesoProcess.freePort()),
        "--port", Integer.toString(MesoProcess.freePort()), "--work-dir", workDir.toString(),
        "--resources", "cpus:4;mem:2048;disk:1024"));
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> leader() != null);
    long[] first = leader();
    int leading = (int) first[0];
    int standby = (leading + 1) % MASTERS;
    String leaderAddress = "127.0.0.1:" + httpPorts.get(leading);
    masters.get(leading).awaitOutput("jobs taken over", STARTUP);
    await().atMost(Duration.ofSeconds(30)).alias("a standby names the leader").pollInterval(Duration.ofMillis(100))
        .until(() -> get(standby, P + "/leader").json().equals(new JsonObject().put("leader", leaderAddress)));

    // Every run echoes its scheduled instant to its sandbox's stdout and to a log no framework keeps.
    Path dir = Path.of("target", "it-logs").toAbsolutePath();
    Files.createDirectories(dir);
    String id = UUID.randomUUID().toString();
    Path parentLog = dir.resolve("jobs-ha-tick-" + id + ".log");
    Path childLog = dir.resolve("jobs-ha-tock-" + id + ".log");
    Files.writeString(parentLog, "");
    Files.writeString(childLog, "");
    // The runs are the agent's default task user's (nobody; no runAsUser), not root's: the logs are theirs to append to.
    for (Path log : List.of(parentLog, childLog)) {
      Files.setPosixFilePermissions(log, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    }
    Instant start = Instant.now().plusSeconds(8).truncatedTo(ChronoUnit.SECONDS);
    List<Long> expected = LongStream.range(0, RUNS).map(i -> start.toEpochMilli() + i * PERIOD_MILLIS).boxed().toList();
    JsonObject tick = new JsonObject().put("name", "tick")
        .put("command", "echo \"$CHRONOS_JOB_RUN_TIME\"; echo \"$CHRONOS_JOB_RUN_TIME\" >> " + parentLog)
        .put("schedule", "R" + RUNS + "/" + start + "/PT5S").put("missedRunPolicy", "RUN_ALL")
        .put("concurrent", true).put("retries", 0).put("cpus", 0.1).put("mem", 16).put("disk", 1);
    JsonObject tock = new JsonObject().put("name", "tock").put("parents", new JsonArray().add("tick"))
        .put("command", "echo \"$CHRONOS_JOB_RUN_TIME\"; echo \"$CHRONOS_JOB_RUN_TIME\" >> " + childLog)
        .put("concurrent", true).put("retries", 0).put("cpus", 0.1).put("mem", 16).put("disk", 1);

    // Through a standby: proxied to the leader (method, headers and body), not redirected.
    Reply added = call(standby, "POST", P + "/iso8601", tick);
    assertThat(added.status()).as(added.body()).isEqualTo(204);
    added = call(standby, "POST", P + "/dependency", tock);
    assertThat(added.status()).as(added.body()).isEqualTo(204);
    assertThat(get(leading, P + "/job/tick").json().getString("schedule")).startsWith("R");

    // A couple of instants run under the first leader.
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
        .until(() -> sandboxes(workDir, "tick").size() >= 2 && instants(childLog).size() >= 1);
    int runsBeforeFirstKill = sandboxes(workDir, "tick").size();

    List<Kill> kills = new ArrayList<>();
    List<Integer> killedClusterPorts = new ArrayList<>();
    long[] current = first;
    long lastAimed = 0;
    for (long offset : KILL_OFFSETS_MILLIS) {
      // Two CP members can be missing of five; a third kill needs the first two removed from the
      // CP subsystem (the group is then three, and two survive).
      if (killedClusterPorts.size() >= 2) {
        for (int port : killedClusterPorts) {
          await().atMost(Duration.ofSeconds(120)).alias("the CP subsystem removes the killed member on " + port)
              .pollInterval(Duration.ofMillis(200)).until(() -> cpMemberRemoved(port));
        }
      }
      // Aim at the next instant far enough ahead to reach it (waiting for a moment of the wall
      // clock, not for something to happen: the test holds wherever the kill actually lands).
      long after = Math.max(lastAimed, System.currentTimeMillis() + 1500 - Math.min(0, offset));
      long aimed = expected.stream().filter(t -> t > after).findFirst().orElseThrow(() -> new AssertionError(
          "the schedule ended before kill " + (kills.size() + 1) + " could aim at an instant; the machine is slower "
              + "than R" + RUNS + " allows"));
      lastAimed = aimed;
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
          .until(() -> System.currentTimeMillis() >= aimed + offset);
      int killed = (int) current[0];
      long killedAt = System.nanoTime();
      masters.get(killed).signal("KILL");
      killedClusterPorts.add(clusterPorts.get(killed));
      assertThat(masters.get(killed).process.waitFor(30, TimeUnit.SECONDS)).as("the killed master exited").isTrue();
      List<Integer> alive = alive();

      // A new leader serves /v1/scheduler: the first 200 from any remaining master.
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
        for (int m : alive) {
          try {
            if (get(m, P + "/jobs").status() == 200) {
              return true;
            }
          } catch (java.io.IOException e) {
            // not answering yet
          }
        }
        return false;
      });
      long servedMillis = (System.nanoTime() - killedAt) / 1_000_000;
      await().atMost(Duration.ofSeconds(60)).alias("a new leader printed it leads")
          .pollInterval(Duration.ofMillis(100)).until(() -> leader() != null);
      long[] next = leader();
      assertThat(next[0]).isNotEqualTo(current[0]);
      assertThat(next[1]).as("the new leader's fencing token").isGreaterThan(current[1]);
      String newLeaderAddress = "127.0.0.1:" + httpPorts.get((int) next[0]);
      for (int m : alive) {
        await().atMost(Duration.ofSeconds(60)).alias("master " + m + " names the new leader")
            .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .until(() -> get(m, P + "/leader").json().equals(new JsonObject().put("leader", newLeaderAddress)));
      }
      // The aimed instant runs (late when it fell due with no leader, as RUN_ALL says).
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
          .until(() -> launched(workDir, "tick", aimed));
      long lateMillis = System.currentTimeMillis() - aimed;
      kills.add(new Kill(offset, aimed, servedMillis, lateMillis, next[1]));
      current = next;
    }
    int newLeader = (int) current[0];
    int newStandby = alive().stream().filter(m -> m != newLeader).findFirst().orElseThrow();

    // The schedule goes on (it is long enough for the kills on a very busy machine); the test
    // counts up to two instants past the last kill's, at a moment when no run is in flight: the
    // sandboxes, the logs, the counts and the history then describe the same runs.
    long cutoff = Math.min(lastAimed + 2 * PERIOD_MILLIS, expected.get(RUNS - 1));
    List<Long> due = expected.stream().filter(t -> t <= cutoff).toList();
    Snapshot snap = await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> snapshot(workDir, newStandby, parentLog, childLog), s -> s.settled(due.size()));
    for (Kill k : kills) {
      LOG.info("JobsFailoverIT: kill -9 of the leader {} ms from instant {}: /v1/scheduler served again after {} ms "
          + "(fence {}); the instant's sandbox seen {} ms after it", k.offsetMillis(), Instant.ofEpochMilli(k.instant()),
          k.servedMillis(), k.fence(), k.lateMillis());
    }
    LOG.info("JobsFailoverIT: {} runs before the first kill; {} kills; {} instants and their children counted "
        + "({} due up to two past the last kill)", runsBeforeFirstKill, kills.size(), snap.parents().size(), due.size());
    assertThat(kills).hasSize(KILL_OFFSETS_MILLIS.length);
    List<Long> ran = expected.subList(0, snap.parents().size());

    // Counted in the sandboxes: exactly one per instant, in schedule order from the first with
    // none left out (first attempt, no retries), each printing its own instant once.
    assertThat(snap.parents().stream().map(s -> s.parsed().instant().toEpochMilli()).sorted().toList())
        .as("instants of tick's sandboxes").isEqualTo(ran);
    for (Sandbox s : snap.parents()) {
      assertThat(s.parsed().attempt()).as(s.taskId()).isZero();
      assertThat(s.printed()).as("what " + s.taskId() + " printed").containsExactly(s.parsed().instant().toEpochMilli());
    }
    assertThat(snap.children()).as("tock's sandboxes (one per tick run)").hasSameSizeAs(ran);
    assertThat(snap.children().stream().flatMap(s -> s.printed().stream()).sorted().toList())
        .as("instants printed by tock's sandboxes").isEqualTo(ran);
    // And in the logs outside the sandboxes.
    assertThat(snap.parentRuns().stream().sorted().toList()).as("instants run by tick").isEqualTo(ran);
    assertThat(snap.childRuns().stream().sorted().toList()).as("instants run by tock (one per tick run)").isEqualTo(ran);

    // The counts and the history kept before the kills survived them: they agree with the sandboxes.
    assertThat(snap.tick().getInteger("successCount")).isEqualTo(ran.size());
    assertThat(snap.tick().getInteger("errorCount")).isZero();
    assertThat(snap.tock().getInteger("successCount")).isEqualTo(ran.size());
    List<JsonObject> history = snap.history();
    assertThat(history.stream().map(h -> h.getString("outcome")).distinct().toList()).as(history.toString())
        .containsExactly("SUCCESS");
    assertThat(history.stream().map(h -> Instant.parse(h.getString("instant")).toEpochMilli()).sorted().toList())
        .as("/job/stat's history: every run, those before the kills included").isEqualTo(ran);
    Map<String, Long> taskIds = history.stream().collect(Collectors.groupingBy(h -> h.getString("taskId"),
        Collectors.counting()));
    assertThat(taskIds.keySet()).as("/job/stat's task ids are the sandboxes'")
        .containsExactlyInAnyOrderElementsOf(snap.parents().stream().map(Sandbox::taskId).toList());

    // Any master answers the real leader, and a standby proxies to it.
    String leaderNow = "127.0.0.1:" + httpPorts.get(newLeader);
    for (int m : alive()) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> get(m, P + "/leader").json().equals(new JsonObject().put("leader", leaderNow)));
    }
    Reply jobs = get(newStandby, P + "/jobs");
    assertThat(jobs.status()).isEqualTo(200);
    assertThat(new JsonArray(jobs.body()).stream().map(j -> ((JsonObject) j).getString("name")).sorted().toList())
        .containsExactly("tick", "tock");
  }
}
