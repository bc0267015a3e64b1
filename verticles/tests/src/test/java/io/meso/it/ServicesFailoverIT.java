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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services framework across a master failover, from the built jar: three
 * {@code meso master --masters 3} and an agent on 127.0.0.1. An app of four instances with an
 * agent-side COMMAND health check (each instance turns healthy about two seconds after it starts)
 * is posted through a standby (forwarded to the leader), then restarted one instance at a time;
 * once the first new instance is healthy the leading master is killed with SIGKILL. Another master
 * takes over: it serves {@code /v2} (also through the remaining standby, forwarded), its framework
 * takes the deployment up where it was and completes it, and no instance that was healthy before
 * the kill was restarted: every task writes its id to a log outside its sandbox when it starts, and
 * each id appears once, four of the old version and four of the new.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ServicesFailoverIT {

  private static final Logger LOG = LoggerFactory.getLogger(ServicesFailoverIT.class);
  static final Duration STARTUP = Duration.ofSeconds(90);
  static final Pattern LEADING = Pattern.compile("leading\\s+fence (\\d+)");
  static final String APP = "/ha/web";

  final List<MesoProcess> masters = new ArrayList<>();
  final List<MesoProcess> agents = new ArrayList<>();
  final List<Integer> httpPorts = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    // Agents with SIGTERM (started with --kill-tasks-on-stop, they kill their tasks and remove their
    // cgroups), masters with SIGKILL (MesoProcess.killAll).
    MesoProcess.killAll(masters);
    MesoProcess.closeAll(agents);
  }

  /** One HTTP answer. */
  record Reply(int status, Map<String, List<String>> headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  Reply call(int master, String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts.get(master) + path))
        .timeout(Duration.ofSeconds(20)).header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.headers().map(), r.body());
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

  /** The app's tasks as a live master serves them, by id. */
  Map<String, JsonObject> tasks(int master) throws Exception {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    Reply r = get(master, "/v2/apps" + APP + "/tasks");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    r.json().getJsonArray("tasks").forEach(t -> out.put(((JsonObject) t).getString("id"), (JsonObject) t));
    return out;
  }

  static boolean healthy(JsonObject task) {
    JsonArray results = task.getJsonArray("healthCheckResults");
    return results != null && !results.isEmpty() && results.getJsonObject(0).getBoolean("alive", false);
  }

  static long count(Map<String, JsonObject> tasks, String version, boolean healthyOnly) {
    return tasks.values().stream().filter(t -> t.getString("version").equals(version) && (!healthyOnly || healthy(t)))
        .count();
  }

  @Test
  void killingTheLeaderMidRestartRestartsNoHealthyInstanceAndTheRestartCompletes() throws Exception {
    String cluster = "meso-services-ha-" + UUID.randomUUID();
    List<Integer> clusterPorts = new ArrayList<>();
    while (clusterPorts.size() < 3) {
      int port = MesoProcess.freePort();
      if (!clusterPorts.contains(port)) {
        clusterPorts.add(port);
      }
    }
    String join = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    // No standby rehearsal (MasterFailoverIT keeps it): two standbys rehearsing on two cores held
    // the agent's start back by about ten seconds.
    for (int i = 0; i < 3; i++) {
      masters.add(MesoProcess.start("services-ha-master" + i, MesoProcess.SHORT_LIVED, "master", "--masters", "3",
          "--host", "127.0.0.1",
          "--port", "0", "--cluster-name", cluster, "--cluster-port", Integer.toString(clusterPorts.get(i)),
          "--join", join, "--agent-ping-interval", "0.5", "--agent-ping-timeouts", "10",
          "--allocation-interval", "0.2", "--rehearse-agents", "0"));
    }
    for (MesoProcess m : masters) {
      m.awaitOutput("cluster\\s+(127\\.0\\.0\\.1:\\d+)", STARTUP);
      httpPorts.add(Integer.parseInt(m.awaitOutput("master\\s+http://127\\.0\\.0\\.1:(\\d+)", STARTUP)));
    }
    Path workDir = Files.createTempDirectory("meso-services-ha-agent");
    agents.add(MesoProcess.start("services-ha-agent", MesoProcess.SHORT_LIVED, "agent", "--join", join,
        "--host", "127.0.0.1",
        "--cluster-name", cluster, "--cluster-port", Integer.toString(MesoProcess.freePort()),
        "--port", Integer.toString(MesoProcess.freePort()), "--work-dir", workDir.toString(),
        "--resources", "cpus:2;mem:1024;disk:100", "--kill-tasks-on-stop"));
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> leader() != null);
    long[] first = leader();
    int leading = (int) first[0];
    int standby = (leading + 1) % 3;
    String leaderAddress = "127.0.0.1:" + httpPorts.get(leading);
    masters.get(leading).awaitOutput("services taken over", STARTUP);

    // Every task appends its id and app version to this file when it starts: a record of every
    // process start that no framework keeps.
    Path starts = Path.of("target", "it-logs", "services-ha-starts-" + UUID.randomUUID() + ".log").toAbsolutePath();
    Files.createDirectories(starts.getParent());
    Files.writeString(starts, "");
    // The tasks run as the agent's default task user (nobody), not root: the log is theirs to append to.
    Files.setPosixFilePermissions(starts, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    JsonObject check = new JsonObject().put("protocol", "COMMAND")
        .put("command", new JsonObject().put("value", "test -f ready")).put("gracePeriodSeconds", 60)
        .put("intervalSeconds", 1).put("timeoutSeconds", 1).put("delaySeconds", 0).put("maxConsecutiveFailures", 3);
    JsonObject app = new JsonObject().put("id", APP)
        .put("cmd", "echo \"$MESOS_TASK_ID $MARATHON_APP_VERSION\" >> " + starts + "; (sleep 2; touch ready) & exec sleep 600")
        .put("cpus", 0.1).put("mem", 16).put("instances", 4).put("healthChecks", new JsonArray().add(check))
        .put("upgradeStrategy", new JsonObject().put("minimumHealthCapacity", 1.0).put("maximumOverCapacity", 0.0));

    // Through a standby: forwarded to the leader, whose address the reply carries.
    Reply created = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> call(standby, "POST", "/v2/apps", app), r -> r.status() != 503);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.header("X-Marathon-Leader")).isEqualTo("http://" + leaderAddress);
    assertThat(created.header("X-Marathon-Via")).isEqualTo("1.1 127.0.0.1:" + httpPorts.get(standby));
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
      JsonObject a = get(leading, "/v2/apps" + APP).json().getJsonObject("app");
      return a.getInteger("tasksHealthy") == 4 && a.getJsonArray("deployments").isEmpty();
    });
    String firstVersion = tasks(leading).values().iterator().next().getString("version");

    Reply restart = call(standby, "POST", "/v2/apps" + APP + "/restart", null);
    assertThat(restart.status()).as(restart.body()).isEqualTo(200);
    String deployment = restart.json().getString("deploymentId");
    String next = restart.json().getString("version");
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
        .until(() -> count(tasks(leading), next, true) >= 1);
    Map<String, JsonObject> atKill = tasks(leading);
    Map<String, JsonObject> healthyAtKill = new LinkedHashMap<>();
    atKill.forEach((id, t) -> {
      if (healthy(t)) {
        healthyAtKill.put(id, t);
      }
    });
    long newHealthyAtKill = count(atKill, next, true);
    long startsAtKill = Files.readAllLines(starts).size();

    long killedAt = System.nanoTime();
    masters.get(leading).signal("KILL");
    List<Integer> alive = List.of((leading + 1) % 3, (leading + 2) % 3);

    // A new leader serves /v2: the first 200 from either remaining master (one forwards to the other).
    Reply served = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
      for (int m : alive) {
        try {
          Reply r = get(m, "/v2/apps" + APP);
          if (r.status() == 200) {
            return r;
          }
        } catch (java.io.IOException e) {
          // not answering yet
        }
      }
      return null;
    }, r -> r != null);
    long servedMillis = (System.nanoTime() - killedAt) / 1_000_000;
    long[] second = leader();
    assertThat(second).as("a new leader printed it leads").isNotNull();
    assertThat(second[0]).isNotEqualTo(first[0]);
    assertThat(second[1]).as("the new leader's fencing token").isGreaterThan(first[1]);
    int newLeader = (int) second[0];
    int newStandby = alive.get(0) == newLeader ? alive.get(1) : alive.get(0);
    String newLeaderAddress = "127.0.0.1:" + httpPorts.get(newLeader);
    assertThat(served.header("X-Marathon-Leader")).isEqualTo("http://" + newLeaderAddress);

    // The deployment goes on: a further new instance turns healthy, or one more starts.
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() ->
        count(tasks(newLeader), next, true) > newHealthyAtKill || Files.readAllLines(starts).size() > startsAtKill);
    long resumedMillis = (System.nanoTime() - killedAt) / 1_000_000;
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
      Map<String, JsonObject> now = tasks(newLeader);
      return get(newLeader, "/v2/deployments").body().equals("[]") && now.size() == 4
          && count(now, next, true) == 4;
    });
    long doneMillis = (System.nanoTime() - killedAt) / 1_000_000;
    LOG.info("ServicesFailoverIT: kill -9 of the leader -> new leader serves /v2 in {} ms; deployment progressing "
        + "again at {} ms; deployment {} done at {} ms", servedMillis, resumedMillis, deployment, doneMillis);

    // Through the remaining standby: forwarded to the new leader; leader and info name it.
    Reply viaStandby = get(newStandby, "/v2/apps" + APP + "/tasks");
    assertThat(viaStandby.status()).isEqualTo(200);
    assertThat(viaStandby.header("X-Marathon-Leader")).isEqualTo("http://" + newLeaderAddress);
    assertThat(viaStandby.header("X-Marathon-Via")).isEqualTo("1.1 127.0.0.1:" + httpPorts.get(newStandby));
    assertThat(get(newStandby, "/v2/leader").json()).isEqualTo(new JsonObject().put("leader", newLeaderAddress));
    JsonObject info = get(newStandby, "/v2/info").json();
    assertThat(info.getString("leader")).isEqualTo(newLeaderAddress);
    assertThat(info.getBoolean("elected")).isTrue();

    // No healthy instance was restarted: the healthy new ones run on, as they were; the old ones
    // left only as the restart replaced them; every task started once; four of each version.
    Map<String, JsonObject> after = tasks(newLeader);
    healthyAtKill.forEach((id, t) -> {
      if (t.getString("version").equals(next)) {
        assertThat(after).as("new-version task %s, healthy before the kill", id).containsKey(id);
        assertThat(after.get(id).getString("startedAt")).isEqualTo(t.getString("startedAt"));
      }
    });
    List<String> startLines = Files.readAllLines(starts);
    Map<String, Long> startsPerTask = startLines.stream().map(l -> l.split(" ")[0])
        .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    assertThat(startsPerTask.values()).as("starts per task: %s", startLines).allMatch(n -> n == 1);
    assertThat(startLines.stream().filter(l -> l.endsWith(" " + firstVersion))).as("old-version starts").hasSize(4);
    assertThat(startLines.stream().filter(l -> l.endsWith(" " + next)).map(l -> l.split(" ")[0]))
        .as("new-version starts: exactly the four that run").containsExactlyInAnyOrderElementsOf(after.keySet());
  }
}
