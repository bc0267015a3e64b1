package io.meso.jobs.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.jobs.schedule.MissedRunPolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobJsonTest {
  private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

  private static Job parse(String json) {
    return JobJson.parse(json, JobDefaults.CHRONOS, NOW);
  }

  @Test
  void minimalScheduledJobRendersWithChronosDefaultsInChronosOrder() {
    Job job = parse("{\"name\":\"a\",\"command\":\"echo hi\",\"schedule\":\"R/2024-01-01T00:00:00Z/P1D\"}");
    String expected = "{\"name\":\"a\",\"command\":\"echo hi\",\"shell\":true,\"executor\":\"\","
        + "\"executorFlags\":\"\",\"taskInfoData\":\"\",\"retries\":2,\"owner\":\"\","
        + "\"ownerName\":\"\",\"description\":\"\",\"successCount\":0,\"errorCount\":0,"
        + "\"lastSuccess\":\"\",\"lastError\":\"\",\"cpus\":0.1,\"disk\":256.0,\"mem\":128.0,"
        + "\"disabled\":false,\"softError\":false,\"dataProcessingJobType\":false,"
        + "\"errorsSinceLastSuccess\":0,\"fetch\":[],\"uris\":[],\"environmentVariables\":[],"
        + "\"arguments\":[],\"highPriority\":false,\"runAsUser\":\"root\",\"concurrent\":false,"
        + "\"maxCompletionTime\":0,\"constraints\":[],"
        + "\"schedule\":\"R/2024-01-01T00:00:00Z/P1D\",\"scheduleTimeZone\":\"\"}";
    assertThat(JobJson.render(job).encode()).isEqualTo(expected);
    assertThat(job.kind()).isEqualTo(Job.Kind.ISO);
  }

  @Test
  void fullJobRoundTrips() {
    JsonObject in = new JsonObject()
        .put("name", "etl.daily-1").put("command", "run.sh").put("shell", false)
        .put("executor", "").put("executorFlags", "").put("taskInfoData", "data")
        .put("retries", 0).put("owner", "ops@example.com").put("ownerName", "Ops")
        .put("description", "d").put("successCount", 3).put("errorCount", 1)
        .put("lastSuccess", "2024-05-01T00:00:00.000Z").put("lastError", "2024-04-01T00:00:00.000Z")
        .put("cpus", 1.5).put("disk", 10.0).put("mem", 512.0).put("disabled", true)
        .put("softError", true).put("dataProcessingJobType", true)
        .put("errorsSinceLastSuccess", 0)
        .put("fetch", new JsonArray().add(new JsonObject().put("uri", "http://x/y.tgz")
            .put("executable", false).put("cache", true).put("extract", true)
            .put("output_file", "y.tgz")))
        .put("uris", new JsonArray())
        .put("environmentVariables", new JsonArray().add(new JsonObject().put("name", "K")
            .put("value", "V")))
        .put("arguments", new JsonArray().add("--day").add("1"))
        .put("highPriority", true).put("runAsUser", "nobody").put("concurrent", true)
        .put("maxCompletionTime", 600)
        .put("container", new JsonObject().put("type", "DOCKER").put("image", "busybox")
            .put("network", "BRIDGE").put("networkInfos", new JsonArray())
            .put("volumes", new JsonArray().add(new JsonObject().put("hostPath", "/h")
                .put("containerPath", "/c").put("mode", "RO")))
            .put("forcePullImage", true).put("parameters", new JsonArray()))
        .put("constraints", new JsonArray().add(new JsonArray().add("rack").add("EQUALS")
            .add("r1")))
        .put("parents", new JsonArray().add("extract").add("load"));
    Job job = JobJson.parse(in, JobDefaults.CHRONOS, NOW);
    assertThat(JobJson.render(job)).isEqualTo(in);
    assertThat(JobJson.parse(JobJson.render(job), JobDefaults.CHRONOS, NOW)).isEqualTo(job);
    assertThat(job.kind()).isEqualTo(Job.Kind.DEPENDENT);
  }

  @Test
  void noScheduleNorParentsRunsOnceNow() {
    Job job = parse("{\"name\":\"once\"}");
    assertThat(job.schedule()).isEqualTo("R1/2024-06-01T12:00:00.000Z/PT24H");
  }

  @Test
  void parentsWinOverScheduleAsInChronos() {
    Job job = parse("{\"name\":\"c\",\"parents\":[\"p\",\"p\"],\"schedule\":\"R/2024-01-01T00:00:00Z/P1D\"}");
    assertThat(job.kind()).isEqualTo(Job.Kind.DEPENDENT);
    assertThat(job.parents()).containsExactly("p");
    assertThat(JobJson.render(job).containsKey("schedule")).isFalse();
  }

  @Test
  void zeroResourcesMeanTheDefaults() {
    Job job = parse("{\"name\":\"a\",\"cpus\":0,\"mem\":0,\"disk\":\"0\"}");
    assertThat(job.cpus()).isEqualTo(0.1);
    assertThat(job.mem()).isEqualTo(128);
    assertThat(job.disk()).isEqualTo(256);
  }

  @Test
  void mesoFieldsRenderOnlyWhenUsed() {
    Job job = parse("{\"name\":\"c\",\"cron\":\"*/5 * * * *\",\"scheduleTimeZone\":"
        + "\"Europe/Berlin\",\"missedRunPolicy\":\"run_all\",\"epsilon\":\"PT30M\",\"async\":true}");
    assertThat(job.kind()).isEqualTo(Job.Kind.CRON);
    assertThat(job.missedRunPolicy()).isEqualTo(MissedRunPolicy.RUN_ALL);
    assertThat(job.epsilon()).isEqualTo(Duration.ofMinutes(30));
    JsonObject out = JobJson.render(job);
    assertThat(out.getString("cron")).isEqualTo("*/5 * * * *");
    assertThat(out.getString("scheduleTimeZone")).isEqualTo("Europe/Berlin");
    assertThat(out.getString("missedRunPolicy")).isEqualTo("RUN_ALL");
    assertThat(out.getString("epsilon")).isEqualTo("PT30M");
    assertThat(out.containsKey("schedule")).isFalse();
    assertThat(out.containsKey("async")).isFalse();
    assertThat(JobJson.parse(out, JobDefaults.CHRONOS, NOW)).isEqualTo(job);
    Job plain = parse("{\"name\":\"a\",\"schedule\":\"R/2024-01-01T00:00:00Z/P1D\"}");
    assertThat(JobJson.render(plain).fieldNames()).doesNotContain("missedRunPolicy", "epsilon",
        "cron");
  }

  @Test
  void listRenderingFillsUrisAndFetchFromEachOther() {
    Job withUris = parse("{\"name\":\"a\",\"uris\":[\"http://x/a\"]}");
    assertThat(JobJson.renderForList(withUris).getJsonArray("fetch")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("uri", "http://x/a").put("executable", false)
            .put("cache", false).put("extract", true)));
    Job withFetch = parse("{\"name\":\"a\",\"fetch\":[{\"uri\":\"http://x/b\"}]}");
    assertThat(JobJson.renderForList(withFetch).getJsonArray("uris"))
        .isEqualTo(new JsonArray().add("http://x/b"));
    assertThat(JobJson.render(withFetch).getJsonArray("uris")).isEmpty();
  }

  @Test
  void containerWithoutImageIsIgnoredAndDefaultsAreFilled() {
    assertThat(parse("{\"name\":\"a\",\"container\":{\"type\":\"DOCKER\"}}").container()).isNull();
    JsonObject c = parse("{\"name\":\"a\",\"container\":{\"image\":\"busybox\"}}").container();
    assertThat(c.encode()).isEqualTo("{\"type\":\"DOCKER\",\"image\":\"busybox\","
        + "\"network\":\"HOST\",\"networkInfos\":[],\"volumes\":[],\"forcePullImage\":false,"
        + "\"parameters\":[]}");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{}|name|name: null is not valid: a job needs a name",
      "{\"name\":\"a b\"}|name|name: 'a b' is not valid",
      "{\"name\":\"a\",\"schedule\":\"R/x/P1D\"}|schedule|schedule: 'R/x/P1D' is not valid: the start must be an ISO 8601 date-time",
      "{\"name\":\"a\",\"schedule\":\"every day\"}|schedule|schedule: 'every day' is not valid: R[n]/[start]/period",
      "{\"name\":\"a\",\"schedule\":\"R/1960-01-01T00:00:00Z/P1D\"}|schedule|not be before 1970",
      "{\"name\":\"a\",\"cron\":\"61 * * * *\"}|cron|cron: '61 * * * *' is not valid: minute field '61'",
      "{\"name\":\"a\",\"cron\":\"* * * * *\",\"schedule\":\"R//P1D\"}|cron|one of schedule, cron and parents",
      "{\"name\":\"a\",\"scheduleTimeZone\":\"Mars/Olympus\"}|scheduleTimeZone|scheduleTimeZone: 'Mars/Olympus' is not valid: a tz database zone ID",
      "{\"name\":\"a\",\"uris\":[\"u\"],\"fetch\":[{\"uri\":\"u\"}]}|uris|either fetch or the deprecated uris",
      "{\"name\":\"a\",\"retries\":-1}|retries|retries: -1 is not valid: a whole number",
      "{\"name\":\"a\",\"retries\":\"two\"}|retries|retries: 'two' is not valid",
      "{\"name\":\"a\",\"cpus\":-1}|cpus|cpus: -1 is not valid: a number >= 0",
      "{\"name\":\"a\",\"shell\":\"yes\"}|shell|shell: 'yes' is not valid: true or false",
      "{\"name\":\"a\",\"arguments\":\"-x\"}|arguments|arguments: '-x' is not valid: a JSON array",
      "{\"name\":\"a\",\"constraints\":[[\"rack\",\"GROUP_BY\",\"1\"]]}|constraints|[attribute, \"EQUALS\"|\"LIKE\"|\"UNLIKE\", value]",
      "{\"name\":\"a\",\"environmentVariables\":[{\"name\":\"K\"}]}|environmentVariables|a non-empty name and a value",
      "{\"name\":\"a\",\"lastSuccess\":\"yesterday\"}|lastSuccess|an ISO 8601 timestamp",
      "{\"name\":\"a\",\"missedRunPolicy\":\"later\"}|missedRunPolicy|one of [RUN_ONCE, RUN_ALL, SKIP]",
      "{\"name\":\"a\",\"epsilon\":\"P1M\"}|epsilon|an ISO 8601 duration",
      "{\"name\":\"a\",\"container\":{\"image\":\"i\",\"network\":\"OVERLAY\"}}|container.network|one of [HOST, BRIDGE, USER]",
      "{\"name\":\"a\",\"parents\":[\"b c\"]}|parents|parents are job names",
      "[1]|body|a JSON object describing a job",
  })
  void badInputIs400NamingFieldValueAndRule(String body, String field, String message) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(JobValidationException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.getMessage()).contains(message);
          assertThat(e.body().getString("status")).isEqualTo("Bad Request");
          assertThat(e.body().getString("message")).isEqualTo(e.getMessage());
          assertThat(JobValidationException.STATUS).isEqualTo(400);
        });
  }

  @Test
  void rewritingTheScheduleKeepsEverythingElse() {
    Job job = parse("{\"name\":\"a\",\"schedule\":\"R2/2024-01-01T00:00:00Z/PT1H\",\"owner\":\"o\"}");
    Job next = job.withSchedule("R1/2024-01-01T01:00:00.000Z/PT1H");
    assertThat(next.schedule()).isEqualTo("R1/2024-01-01T01:00:00.000Z/PT1H");
    assertThat(next.withSchedule(job.schedule())).isEqualTo(job);
    assertThat(job.withDisabled(true).disabled()).isTrue();
    assertThat(List.of(job.parsedSchedule(NOW).zone().getId())).containsExactly("Z");
  }
}
