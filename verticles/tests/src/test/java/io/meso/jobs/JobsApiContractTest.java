package io.meso.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The /v1/scheduler endpoints, one by one, against a real master, agent and jobs framework:
 * Chronos's status codes and bodies, bad input answered 400 naming the field, and runs that
 * really run (counted in the agent's sandboxes). The framework's clock only moves when a test
 * moves it; jobs that must not run are scheduled years ahead, and every test deletes its jobs.
 */
@Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS)
class JobsApiContractTest {

  static final String P = "/v1/scheduler";
  static final Duration WAIT = Duration.ofSeconds(90);
  /** A schedule that never comes due while the tests run. */
  static final String LATER = "R/2031-01-01T00:00:00.000Z/P1D";

  static JobsFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = JobsFixture.start("jobs-api");
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  @AfterEach
  void deleteJobs() {
    for (Object o : f.get(P + "/jobs").array()) {
      f.delete(P + "/job/" + ((JsonObject) o).getString("name"));
    }
  }

  static JsonObject job(String name) {
    return new JsonObject().put("name", name).put("command", "true").put("schedule", LATER)
        .put("cpus", 0.1).put("mem", 32).put("disk", 10);
  }

  private static void assertBadRequest(JobsFixture.Response r, String field) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().getString("status")).isEqualTo("Bad Request");
    assertThat(r.json().getString("message")).startsWith(field + ": ");
  }

  @Test
  void iso8601CreatesAndReplacesAJobThatGetJobReturns() {
    JobsFixture.Response created = f.post(P + "/iso8601", job("alpha").put("owner", "ops@example.com")
        .put("schedule", "R5/2031-01-01T09:30:00+01:00/P1D").put("scheduleTimeZone", "Europe/Berlin"));
    assertThat(created.status()).as(created.toString()).isEqualTo(204);
    assertThat(created.body()).isEmpty();

    JsonObject got = f.get(P + "/job/alpha").json();
    assertThat(got.getString("name")).isEqualTo("alpha");
    assertThat(got.getString("schedule")).isEqualTo("R5/2031-01-01T09:30:00.000+01:00/P1D");
    assertThat(got.getString("scheduleTimeZone")).isEqualTo("Europe/Berlin");
    assertThat(got.getInteger("retries")).isEqualTo(2);
    assertThat(got.getBoolean("shell")).isTrue();
    assertThat(got.getLong("successCount")).isZero();
    assertThat(got.getString("lastSuccess")).isEmpty();
    assertThat(got.containsKey("parents")).isFalse();

    assertThat(f.post(P + "/iso8601", job("alpha").put("command", "echo replaced").put("successCount", 7))
        .status()).isEqualTo(204);
    JsonObject replaced = f.get(P + "/job/alpha").json();
    assertThat(replaced.getString("command")).isEqualTo("echo replaced");
    assertThat(replaced.getLong("successCount")).as("counters come from the body, as in Chronos").isEqualTo(7);
  }

  @Test
  void mesoAdditionsCronAndMissedRunPolicyRoundTrip() {
    assertThat(f.post(P + "/iso8601", new JsonObject().put("name", "nightly").put("command", "true")
        .put("cron", "30 2 * * *").put("scheduleTimeZone", "America/New_York").put("missedRunPolicy", "run_all")
        .put("epsilon", "PT15M")).status()).isEqualTo(204);
    JsonObject got = f.get(P + "/job/nightly").json();
    assertThat(got.getString("cron")).isEqualTo("30 2 * * *");
    assertThat(got.containsKey("schedule")).isFalse();
    assertThat(got.getString("missedRunPolicy")).isEqualTo("RUN_ALL");
    assertThat(got.getString("epsilon")).isEqualTo("PT15M");
    JsonObject stat = f.get(P + "/job/stat/nightly").json();
    assertThat(stat.getJsonArray("nextRuns")).first().asString()
        .as("next runs in the job's zone").isEqualTo("2030-01-08T02:30-05:00");
    JsonObject summary = f.get(P + "/jobs/summary").json().getJsonArray("jobs").getJsonObject(0);
    assertThat(summary.getString("schedule")).isEmpty();
    assertThat(summary.getString("cron")).isEqualTo("30 2 * * *");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "name      | {\"name\":\"bad name!\",\"command\":\"true\"}",
      "name      | {\"command\":\"true\"}",
      "schedule  | {\"name\":\"s\",\"command\":\"true\",\"schedule\":\"every day\"}",
      "schedule  | {\"name\":\"s\",\"command\":\"true\",\"schedule\":\"R/1960-01-01T00:00:00Z/P1D\"}",
      "cron      | {\"name\":\"s\",\"command\":\"true\",\"cron\":\"61 * * * *\"}",
      "cron      | {\"name\":\"s\",\"command\":\"true\",\"cron\":\"* * * * *\",\"schedule\":\"R/2031-01-01T00:00:00Z/P1D\"}",
      "scheduleTimeZone | {\"name\":\"s\",\"command\":\"true\",\"scheduleTimeZone\":\"Mars/Olympus\"}",
      "cpus      | {\"name\":\"s\",\"command\":\"true\",\"cpus\":\"lots\"}",
      "retries   | {\"name\":\"s\",\"command\":\"true\",\"retries\":-1}",
      "missedRunPolicy | {\"name\":\"s\",\"command\":\"true\",\"missedRunPolicy\":\"sometimes\"}",
      "epsilon   | {\"name\":\"s\",\"command\":\"true\",\"epsilon\":\"soon\"}",
      "constraints | {\"name\":\"s\",\"command\":\"true\",\"constraints\":[[\"rack\",\"NEAR\",\"r1\"]]}",
      "uris      | {\"name\":\"s\",\"command\":\"true\",\"uris\":[\"http://x\"],\"fetch\":[{\"uri\":\"http://y\"}]}",
      "parents   | {\"name\":\"s\",\"command\":\"true\",\"parents\":[\"x\"]}",
      "body      | not json",
      "body      | ''",
  })
  void iso8601RefusesBadInputNamingTheField(String field, String body) {
    assertBadRequest(f.post(P + "/iso8601", body), field);
    assertThat(f.get(P + "/jobs").array()).isEmpty();
  }

  @Test
  void dependencyCreatesDependentJobsAndRefusesMissingParentsAndCycles() {
    f.post(P + "/iso8601", job("parent"));
    JobsFixture.Response child = f.post(P + "/dependency", job("child").put("parents", new JsonArray().add("parent"))
        .putNull("schedule"));
    assertThat(child.status()).as(child.toString()).isEqualTo(204);
    JsonObject got = f.get(P + "/job/child").json();
    assertThat(got.getJsonArray("parents")).containsExactly("parent");
    assertThat(got.containsKey("schedule")).isFalse();

    assertBadRequest(f.post(P + "/dependency", job("orphan").putNull("schedule")
        .put("parents", new JsonArray().add("missing"))), "parents");
    assertBadRequest(f.post(P + "/dependency", job("noparents")), "parents");
    JobsFixture.Response cycle = f.post(P + "/dependency", job("parent").putNull("schedule")
        .put("parents", new JsonArray().add("child")));
    assertBadRequest(cycle, "parents");
    assertThat(cycle.json().getString("message")).contains("parent -> child -> parent");
  }

  @Test
  void jobsListsEveryJobWithUrisAndFetchFilledIn() {
    f.post(P + "/iso8601", job("with-uris").put("uris", new JsonArray().add("http://example.com/a.tgz")));
    f.post(P + "/iso8601", job("with-fetch").put("fetch", new JsonArray()
        .add(new JsonObject().put("uri", "http://example.com/b.tgz"))));
    JsonArray jobs = f.get(P + "/jobs").array();
    assertThat(jobs).hasSize(2);
    JsonObject uris = find(jobs, "with-uris");
    assertThat(uris.getJsonArray("fetch").getJsonObject(0).getString("uri")).isEqualTo("http://example.com/a.tgz");
    JsonObject fetch = find(jobs, "with-fetch");
    assertThat(fetch.getJsonArray("uris")).containsExactly("http://example.com/b.tgz");
  }

  private static JsonObject find(JsonArray jobs, String name) {
    return jobs.stream().map(JsonObject.class::cast).filter(j -> j.getString("name").equals(name)).findFirst()
        .orElseThrow();
  }

  @Test
  void searchMatchesNameCommandAndAnyWithLimitAndOffset() {
    f.post(P + "/iso8601", job("report-daily").put("command", "python report.py"));
    f.post(P + "/iso8601", job("report-weekly").put("command", "python weekly.py"));
    f.post(P + "/iso8601", job("cleanup").put("command", "rm -rf /tmp/REPORT"));
    assertThat(names(f.get(P + "/jobs/search?name=REPORT").array())).containsExactly("report-daily", "report-weekly");
    assertThat(names(f.get(P + "/jobs/search?name=report&command=weekly").array())).containsExactly("report-weekly");
    assertThat(names(f.get(P + "/jobs/search?name=nomatch&any=report").array()))
        .containsExactly("report-daily", "report-weekly", "cleanup");
    assertThat(names(f.get(P + "/jobs/search?any=report&limit=1&offset=1").array())).containsExactly("report-weekly");
    assertBadRequest(f.get(P + "/jobs/search?limit=ten"), "limit");
    assertBadRequest(f.get(P + "/jobs/search?offset=-1"), "offset");
  }

  private static List<String> names(JsonArray jobs) {
    return jobs.stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  @Test
  void summaryGivesStatusStateScheduleParentsAndDisabled() {
    f.post(P + "/iso8601", job("sum-parent"));
    f.post(P + "/dependency", job("sum-child").putNull("schedule").put("parents", new JsonArray().add("sum-parent"))
        .put("disabled", true));
    JsonArray jobs = f.get(P + "/jobs/summary").json().getJsonArray("jobs");
    assertThat(jobs).hasSize(2);
    assertThat(jobs.getJsonObject(0)).isEqualTo(new JsonObject().put("name", "sum-parent").put("status", "fresh")
        .put("state", "idle").put("schedule", LATER).put("parents", new JsonArray()).put("disabled", false)
        .put("nextRun", "2031-01-01T00:00Z"));
    assertThat(jobs.getJsonObject(1)).isEqualTo(new JsonObject().put("name", "sum-child").put("status", "fresh")
        .put("state", "idle").put("schedule", "").put("parents", new JsonArray().add("sum-parent"))
        .put("disabled", true).put("nextRun", ""));
  }

  @Test
  void anUnknownJobIs400AsInChronos() {
    for (JobsFixture.Response r : List.of(f.get(P + "/job/nope"), f.put(P + "/job/nope"), f.delete(P + "/job/nope"),
        f.delete(P + "/task/kill/nope"), f.get(P + "/job/stat/nope"))) {
      assertThat(r.status()).as(r.toString()).isEqualTo(400);
      assertThat(r.json()).isEqualTo(new JsonObject().put("status", "Bad Request").put("message", "Job 'nope' not found"));
    }
    JobsFixture.Response success = f.put(P + "/job/success/nope");
    assertThat(success.status()).isEqualTo(200);
    assertThat(success.body()).isEqualTo("marked job nope as successful: false");
  }

  @Test
  void runNowRunsTheJobWithItsArgumentsAndChronosEnvironment() throws Exception {
    f.post(P + "/iso8601", job("hello").put("command", "echo \"$CHRONOS_JOB_NAME attempt=$CHRONOS_JOB_RUN_ATTEMPT "
        + "time=$CHRONOS_JOB_RUN_TIME cpu=$CHRONOS_RESOURCE_CPU\"").put("owner", "ops@example.com"));
    JobsFixture.Response run = f.put(P + "/job/hello?arguments=" + java.net.URLEncoder.encode("and more",
        java.nio.charset.StandardCharsets.UTF_8));
    assertThat(run.status()).as(run.toString()).isEqualTo(204);
    await().atMost(WAIT).until(() -> f.get(P + "/job/hello").json().getLong("successCount") == 1);
    Instant now = f.clock.instant();
    String task = "ct:" + now.toEpochMilli() + ":0:hello";
    assertThat(f.ranTasks("hello")).containsExactly(task);
    assertThat(f.stdout(task)).contains("hello attempt=0 time=" + now.toEpochMilli() + " cpu=0.1 and more\n");
    JsonObject last = f.history("hello").getJsonObject(0);
    assertThat(last.getString("taskId")).isEqualTo(task);
    assertThat(last.getString("status")).isEqualTo("Success");
    assertThat(last.getString("outcome")).isEqualTo("SUCCESS");
    assertThat(last.getString("trigger")).isEqualTo("MANUAL");
    assertThat(last.getString("slaveId")).isNotEmpty();
    assertThat(f.get(P + "/job/hello").json().getString("lastSuccess")).isNotEmpty();
  }

  @Test
  void aScheduledInstantRunsOnceWhenItIsDue() throws Exception {
    Instant start = f.clock.instant();
    Instant due = start.plus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    f.post(P + "/iso8601", job("tick").put("schedule", "R1/" + due + "/PT1H"));
    f.tick(due.minusSeconds(1));
    assertThat(f.history("tick")).isEmpty();
    f.tick(due);
    f.tick(due.plusSeconds(1));
    await().atMost(WAIT).until(() -> f.get(P + "/job/tick").json().getLong("successCount") == 1);
    f.tick(due.plus(Duration.ofHours(2)));
    assertThat(f.ranTasks("tick")).containsExactly("ct:" + due.toEpochMilli() + ":0:tick");
    JsonObject got = f.get(P + "/job/tick").json();
    assertThat(got.getString("schedule")).startsWith("R0/");
    assertThat(got.getBoolean("disabled")).as("an R1 job is disabled after its run").isTrue();
  }

  @Test
  void aFailedRunIsRetriedAfterTheDelayAndRecordedWithItsExitStatus() throws Exception {
    f.post(P + "/iso8601", job("flaky").put("command", "exit 3").put("retries", 1));
    f.put(P + "/job/flaky");
    Instant instant = f.clock.instant();
    await().atMost(WAIT).until(() -> f.history("flaky").size() == 2
        && "FAILURE".equals(f.history("flaky").getJsonObject(1).getString("outcome")));
    assertThat(f.history("flaky").getJsonObject(0).getString("outcome")).isEqualTo("QUEUED");
    f.tick(instant.plus(JobsFixture.RETRY_DELAY));
    await().atMost(WAIT).until(() -> f.get(P + "/job/flaky").json().getLong("errorCount") == 1);
    JsonArray history = f.history("flaky");
    assertThat(history).hasSize(2);
    assertThat(history.getJsonObject(0).getInteger("attempt")).isEqualTo(1);
    assertThat(history.getJsonObject(0).getString("message")).contains("3");
    assertThat(history.getJsonObject(0).getString("status")).isEqualTo("Fail");
    assertThat(f.ranTasks("flaky")).containsExactly("ct:" + instant.toEpochMilli() + ":0:flaky",
        "ct:" + instant.toEpochMilli() + ":1:flaky");
    assertThat(f.get(P + "/jobs/summary").json().getJsonArray("jobs").getJsonObject(0).getString("status"))
        .isEqualTo("failure");
  }

  @Test
  void markingSuccessCountsAndReleasesChildren() throws Exception {
    f.post(P + "/iso8601", job("upstream"));
    f.post(P + "/dependency", job("downstream").putNull("schedule").put("parents", new JsonArray().add("upstream")));
    JobsFixture.Response marked = f.put(P + "/job/success/upstream");
    assertThat(marked.status()).isEqualTo(200);
    assertThat(marked.headers().get("Content-Type")).startsWith("text/plain");
    assertThat(marked.body()).isEqualTo("marked job upstream as successful: true");
    assertThat(f.get(P + "/job/upstream").json().getLong("successCount")).isEqualTo(1);
    await().atMost(WAIT).until(() -> f.get(P + "/job/downstream").json().getLong("successCount") == 1);
    assertThat(f.ranTasks("downstream")).hasSize(1);
    assertThat(f.ranTasks("upstream")).isEmpty();
  }

  @Test
  void aChildRunsAfterItsParentSucceeded() throws Exception {
    f.post(P + "/iso8601", job("extract"));
    f.post(P + "/dependency", job("load").putNull("schedule").put("parents", new JsonArray().add("extract")));
    f.put(P + "/job/extract");
    Instant instant = f.clock.instant();
    await().atMost(WAIT).until(() -> f.get(P + "/job/load").json().getLong("successCount") == 1);
    assertThat(f.ranTasks("load")).as("the child runs at its parent run's instant")
        .containsExactly("ct:" + instant.toEpochMilli() + ":0:load");
    assertThat(f.history("load").getJsonObject(0).getString("trigger")).isEqualTo("DEPENDENCY");
  }

  @Test
  void taskKillKillsARunningJobWhichIsNotRetried() throws Exception {
    f.post(P + "/iso8601", job("sleeper").put("command", "sleep 600").put("retries", 2));
    f.put(P + "/job/sleeper");
    await().atMost(WAIT).until(() -> f.get(P + "/jobs/summary").json().getJsonArray("jobs").getJsonObject(0)
        .getString("state").equals("1 running")
        && !f.history("sleeper").getJsonObject(0).getString("startTime").equals("N/A"));
    JobsFixture.Response kill = f.delete(P + "/task/kill/sleeper");
    assertThat(kill.status()).as(kill.toString()).isEqualTo(204);
    await().atMost(WAIT).until(() -> "KILLED".equals(f.history("sleeper").getJsonObject(0).getString("outcome")));
    assertThat(f.history("sleeper")).hasSize(1);
    assertThat(f.get(P + "/job/sleeper").json().getLong("errorCount")).isZero();
  }

  @Test
  void deleteRemovesTheJobAndKillsItsRun() throws Exception {
    f.post(P + "/iso8601", job("doomed").put("command", "sleep 600"));
    f.put(P + "/job/doomed");
    await().atMost(WAIT).until(() -> f.get(P + "/jobs/summary").json().getJsonArray("jobs").getJsonObject(0)
        .getString("state").equals("1 running"));
    assertThat(f.delete(P + "/job/doomed").status()).isEqualTo(204);
    assertThat(f.get(P + "/job/doomed").status()).isEqualTo(400);
    assertThat(f.get(P + "/jobs").array()).isEmpty();
  }

  @Test
  void graphDotAndCsvDescribeTheDag() {
    f.post(P + "/iso8601", job("g-a"));
    f.post(P + "/dependency", job("g-b").putNull("schedule").put("parents", new JsonArray().add("g-a")));
    JobsFixture.Response dot = f.get(P + "/graph/dot");
    assertThat(dot.status()).isEqualTo(200);
    assertThat(dot.headers().get("Content-Type")).startsWith("text/plain");
    assertThat(dot.body()).isEqualTo("digraph G {\n  1 [ label=\"g-a\" ];\n  2 [ label=\"g-b\" ];\n  1 -> 2;\n}\n");
    JobsFixture.Response csv = f.get(P + "/graph/csv");
    assertThat(csv.body()).isEqualTo("node,g-a,fresh,idle\nnode,g-b,fresh,idle\nlink,g-a,g-b\n");
  }

  @Test
  void statGivesTheHistogramAndStatsTheSlowestJobs() throws Exception {
    f.post(P + "/iso8601", job("measured"));
    f.put(P + "/job/measured");
    await().atMost(WAIT).until(() -> f.get(P + "/job/measured").json().getLong("successCount") == 1);
    JsonObject stat = f.get(P + "/job/stat/measured").json();
    JsonObject histogram = stat.getJsonObject("histogram");
    assertThat(histogram.fieldNames()).containsExactlyInAnyOrder("75thPercentile", "95thPercentile", "98thPercentile",
        "99thPercentile", "median", "mean", "count");
    assertThat(histogram.getInteger("count")).isEqualTo(1);
    JsonObject run = stat.getJsonArray("taskStatHistory").getJsonObject(0);
    assertThat(run.fieldNames()).contains("taskId", "jobName", "slaveId", "startTime", "endTime", "duration", "status");
    assertThat(run.getString("startTime")).matches("\\d\\d/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d");
    JsonArray slowest = f.get(P + "/stats/median").array();
    assertThat(slowest).extracting(o -> ((JsonObject) o).getString("jobNameLabel")).containsExactly("measured");
    assertBadRequest(f.get(P + "/stats/fastest"), "percentile");
  }

  @Test
  void leaderNamesTheMastersAddress() {
    JobsFixture.Response leader = f.get(P + "/leader");
    assertThat(leader.status()).isEqualTo(200);
    assertThat(leader.json()).isEqualTo(new JsonObject().put("leader", "127.0.0.1:" + f.port()));
  }
}
