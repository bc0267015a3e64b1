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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs framework across a master failover, from the built jar: three
 * {@code meso master --masters 3} and an agent on 127.0.0.1. A job repeating every five seconds
 * ({@code R16/<soon>/PT5S}, {@code missedRunPolicy RUN_ALL}, concurrent) and a dependent child
 * are posted through a standby (proxied to the leader, as Chronos does). Each run appends its
 * {@code CHRONOS_JOB_RUN_TIME} (the scheduled instant) to a log outside its sandbox. After a few
 * runs the leading master is killed with SIGKILL 300 ms before an instant falls due; another takes
 * over, runs the instant that fell due meanwhile (late, as RUN_ALL says) and the rest. Then, counting in the logs and not in the framework's bookkeeping:
 * every one of the sixteen instants ran exactly once, the child ran exactly once per parent run
 * (at the parent's instant), and the history and counts kept before the kill survived
 * ({@code successCount} and {@code /job/stat} agree with the log).
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class JobsFailoverIT {

  private static final Logger LOG = LoggerFactory.getLogger(JobsFailoverIT.class);
  static final Duration STARTUP = Duration.ofSeconds(90);
  static final Pattern LEADING = Pattern.compile("leading\\s+fence (\\d+)");
  static final int RUNS = 16;
  static final long PERIOD_MILLIS = 5000;
  static final String P = "/v1/scheduler";

  final List<MesoProcess> masters = new ArrayList<>();
  final List<MesoProcess> agents = new ArrayList<>();
  final List<Integer> httpPorts = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    agents.forEach(MesoProcess::close);
    masters.forEach(MesoProcess::close);
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

  /** The instants (epoch ms) in a run log, one line per run, in the order they were written. */
  static List<Long> instants(Path log) throws Exception {
    return Files.readAllLines(log).stream().filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.trim())).toList();
  }

  @Test
  void killingTheLeaderBetweenRunsNeitherRepeatsNorForgetsAnInstant() throws Exception {
    String cluster = "meso-jobs-ha-" + UUID.randomUUID();
    List<Integer> clusterPorts = new ArrayList<>();
    while (clusterPorts.size() < 3) {
      int port = MesoProcess.freePort();
      if (!clusterPorts.contains(port)) {
        clusterPorts.add(port);
      }
    }
    String join = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    for (int i = 0; i < 3; i++) {
      masters.add(MesoProcess.start("jobs-ha-master" + i, "master", "--masters", "3", "--host", "127.0.0.1",
          "--port", "0", "--cluster-name", cluster, "--cluster-port", Integer.toString(clusterPorts.get(i)),
          "--join", join, "--agent-ping-interval", "0.5", "--agent-ping-timeouts", "10",
          "--allocation-interval", "0.2"));
    }
    for (MesoProcess m : masters) {
      m.awaitOutput("cluster\\s+(127\\.0\\.0\\.1:\\d+)", STARTUP);
      httpPorts.add(Integer.parseInt(m.awaitOutput("master\\s+http://127\\.0\\.0\\.1:(\\d+)", STARTUP)));
    }
    Path workDir = Files.createTempDirectory("meso-jobs-ha-agent");
    agents.add(MesoProcess.start("jobs-ha-agent", "agent", "--join", join, "--host", "127.0.0.1",
        "--cluster-name", cluster, "--cluster-port", Integer.toString(MesoProcess.freePort()),
        "--port", Integer.toString(MesoProcess.freePort()), "--work-dir", workDir.toString(),
        "--resources", "cpus:4;mem:2048;disk:1024"));
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> leader() != null);
    long[] first = leader();
    int leading = (int) first[0];
    int standby = (leading + 1) % 3;
    String leaderAddress = "127.0.0.1:" + httpPorts.get(leading);
    masters.get(leading).awaitOutput("jobs taken over", STARTUP);
    await().atMost(Duration.ofSeconds(30)).alias("a standby names the leader").pollInterval(Duration.ofMillis(100))
        .until(() -> get(standby, P + "/leader").json().equals(new JsonObject().put("leader", leaderAddress)));

    // Every run appends its scheduled instant to a log no framework keeps.
    Path dir = Path.of("target", "it-logs").toAbsolutePath();
    Files.createDirectories(dir);
    String id = UUID.randomUUID().toString();
    Path parentLog = dir.resolve("jobs-ha-tick-" + id + ".log");
    Path childLog = dir.resolve("jobs-ha-tock-" + id + ".log");
    Files.writeString(parentLog, "");
    Files.writeString(childLog, "");
    Instant start = Instant.now().plusSeconds(10).truncatedTo(ChronoUnit.SECONDS);
    List<Long> expected = LongStream.range(0, RUNS).map(i -> start.toEpochMilli() + i * PERIOD_MILLIS).boxed().toList();
    JsonObject tick = new JsonObject().put("name", "tick")
        .put("command", "echo \"$CHRONOS_JOB_RUN_TIME\" >> " + parentLog)
        .put("schedule", "R" + RUNS + "/" + start + "/PT5S").put("missedRunPolicy", "RUN_ALL")
        .put("concurrent", true).put("retries", 0).put("cpus", 0.1).put("mem", 16).put("disk", 1);
    JsonObject tock = new JsonObject().put("name", "tock").put("parents", new JsonArray().add("tick"))
        .put("command", "echo \"$CHRONOS_JOB_RUN_TIME\" >> " + childLog)
        .put("concurrent", true).put("retries", 0).put("cpus", 0.1).put("mem", 16).put("disk", 1);

    // Through a standby: proxied to the leader (method, headers and body), not redirected.
    Reply added = call(standby, "POST", P + "/iso8601", tick);
    assertThat(added.status()).as(added.body()).isEqualTo(204);
    added = call(standby, "POST", P + "/dependency", tock);
    assertThat(added.status()).as(added.body()).isEqualTo(204);
    assertThat(get(leading, P + "/job/tick").json().getString("schedule")).startsWith("R");

    // A few instants run under the first leader, then it dies between two of them.
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
        .until(() -> instants(parentLog).size() >= 3 && instants(childLog).size() >= 2);
    // The kill lands 300 ms before the next instant falls due: that instant is due while no master
    // leads, so the new leader must run it late (RUN_ALL), once. (Waiting for a moment of the wall
    // clock, not for something to happen: the test holds wherever the kill actually lands.)
    List<Long> beforeKill = instants(parentLog);
    long dueInOutage = expected.stream().filter(t -> t > System.currentTimeMillis() + 1000).findFirst().orElseThrow();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
        .until(() -> System.currentTimeMillis() >= dueInOutage - 300);
    long killedAt = System.nanoTime();
    long killedAtMillis = System.currentTimeMillis();
    masters.get(leading).signal("KILL");
    List<Integer> alive = List.of((leading + 1) % 3, (leading + 2) % 3);

    // A new leader serves /v1/scheduler: the first 200 from either remaining master.
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
    long[] second = leader();
    assertThat(second).as("a new leader printed it leads").isNotNull();
    assertThat(second[0]).isNotEqualTo(first[0]);
    assertThat(second[1]).as("the new leader's fencing token").isGreaterThan(first[1]);
    int newLeader = (int) second[0];
    int newStandby = alive.get(0) == newLeader ? alive.get(1) : alive.get(0);
    String newLeaderAddress = "127.0.0.1:" + httpPorts.get(newLeader);

    // The first run of an instant that fell due after the kill (so launched by the new leader).
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
        .until(() -> instants(parentLog).stream().anyMatch(t -> t > killedAtMillis));
    long firstRunMillis = (System.nanoTime() - killedAt) / 1_000_000;
    List<Long> atFirstRun = instants(parentLog);
    long firstRunLateMillis = System.currentTimeMillis() - atFirstRun.stream().filter(t -> t > killedAtMillis)
        .min(Long::compare).orElseThrow();

    // Every instant of the schedule runs, and its child after it; the jobs go idle.
    await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
      JsonObject job = get(newStandby, P + "/job/tick").json();
      JsonObject child = get(newStandby, P + "/job/tock").json();
      return instants(parentLog).size() >= RUNS && instants(childLog).size() >= RUNS
          && job.getInteger("successCount") >= RUNS && child.getInteger("successCount") >= RUNS
          && get(newStandby, P + "/jobs/summary").json().getJsonArray("jobs").stream()
              .allMatch(j -> "idle".equals(((JsonObject) j).getString("state")));
    });
    long doneMillis = (System.nanoTime() - killedAt) / 1_000_000;
    LOG.info("JobsFailoverIT: {} runs before kill -9 of the leader {} ms before instant {}; /v1/scheduler served "
        + "again after {} ms; first run of an instant due after the kill logged at {} ms ({} ms after its instant; "
        + "{} runs logged by then); all {} instants and their children done at {} ms", beforeKill.size(),
        dueInOutage - killedAtMillis, Instant.ofEpochMilli(dueInOutage), servedMillis, firstRunMillis,
        firstRunLateMillis, atFirstRun.size(), RUNS, doneMillis);

    // Each scheduled instant ran exactly once (none twice, none missing), and the child once for each.
    List<Long> parentRuns = instants(parentLog);
    assertThat(parentRuns.stream().sorted().toList()).as("instants run by tick").isEqualTo(expected);
    List<Long> childRuns = instants(childLog);
    assertThat(childRuns.stream().sorted().toList()).as("instants run by tock (one per tick run)").isEqualTo(expected);

    // The counts and the history kept before the kill survived it: they agree with the logs.
    JsonObject job = get(newStandby, P + "/job/tick").json();
    assertThat(job.getInteger("successCount")).isEqualTo(parentRuns.size());
    assertThat(job.getInteger("errorCount")).isZero();
    assertThat(get(newStandby, P + "/job/tock").json().getInteger("successCount")).isEqualTo(childRuns.size());
    Reply stat = get(newStandby, P + "/job/stat/tick");
    assertThat(stat.status()).as(stat.body()).isEqualTo(200);
    List<JsonObject> history = stat.json().getJsonArray("taskStatHistory").stream().map(o -> (JsonObject) o).toList();
    assertThat(history.stream().map(h -> h.getString("outcome")).distinct().toList()).as(stat.body())
        .containsExactly("SUCCESS");
    assertThat(history.stream().map(h -> Instant.parse(h.getString("instant")).toEpochMilli()).sorted().toList())
        .as("/job/stat's history: every run, those before the kill included").isEqualTo(expected);
    Map<String, Long> taskIds = history.stream().collect(Collectors.groupingBy(h -> h.getString("taskId"),
        Collectors.counting()));
    assertThat(taskIds).hasSize(RUNS);

    // Any master answers the real leader, and a standby proxies to it.
    for (int m : alive) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> get(m, P + "/leader").json().equals(new JsonObject().put("leader", newLeaderAddress)));
    }
    Reply jobs = get(newStandby, P + "/jobs");
    assertThat(jobs.status()).isEqualTo(200);
    assertThat(new JsonArray(jobs.body()).stream().map(j -> ((JsonObject) j).getString("name")).sorted().toList())
        .containsExactly("tick", "tock");
  }
}
