package io.meso.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.cli.Meso;
import io.meso.cli.services.ServicesHttp.Exit;
import io.meso.testkit.CliStreams;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meso jobs} and {@code meso job add|run|show|history|delete} against the real
 * /v1/scheduler API of the jobs framework (a master, an agent and the framework in this JVM).
 */
class JobsCliTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static JobsFixture f;

  @TempDir
  Path dir;

  private record Result(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    f = JobsFixture.start("jobs-cli");
  }

  @AfterAll
  static void stop() throws Exception {
    f.close();
  }

  private static Result meso(String... args) {
    String[] withMaster = Stream.concat(Arrays.stream(args), Stream.of("--master", "127.0.0.1:" + f.port()))
        .toArray(String[]::new);
    try (CliStreams streams = new CliStreams()) {
      int exit = Meso.run(withMaster);
      return new Result(exit, streams.out(), streams.err());
    }
  }

  private Path file(String name, JsonObject json) throws Exception {
    Path file = dir.resolve(name + ".json");
    Files.writeString(file, json.encode());
    return file;
  }

  @Test
  void aJobIsAddedListedShownRunAndDeleted() throws Exception {
    JsonObject parent = new JsonObject().put("name", "cli-report").put("command", "echo report")
        .put("cron", "30 9 * * *").put("scheduleTimeZone", "America/New_York");
    Result added = meso("job", "add", file("parent", parent).toString());
    assertThat(added.exit()).as(added.err()).isEqualTo(Exit.OK);
    assertThat(added.out()).contains("job cli-report: added (30 9 * * *)");
    assertThat(meso("job", "add", file("parent", parent.copy().put("retries", 1)).toString()).out())
        .contains("job cli-report: replaced");

    JsonObject child = new JsonObject().put("name", "cli-mail").put("command", "echo mail")
        .put("parents", new io.vertx.core.json.JsonArray().add("cli-report"));
    Result childAdded = meso("job", "add", file("child", child).toString());
    assertThat(childAdded.exit()).as(childAdded.err()).isEqualTo(Exit.OK);
    assertThat(childAdded.out()).contains("job cli-mail: added (after cli-report)");

    Result list = meso("jobs");
    assertThat(list.exit()).isEqualTo(Exit.OK);
    String reportRow = list.out().lines().filter(l -> l.startsWith("cli-report")).findFirst().orElseThrow();
    // the next 09:30 in New York after the fixture's clock (2030-01-07 10:00 UTC = 05:00 EST)
    assertThat(reportRow).contains("30 9 * * *").contains("America/New_York").contains("2030-01-07T09:30-05:00")
        .contains("fresh").contains("idle");
    assertThat(list.out()).contains("after cli-report");

    Result show = meso("job", "show", "cli-report");
    assertThat(show.exit()).isEqualTo(Exit.OK);
    assertThat(show.out()).contains("command:      echo report").contains("runs:         30 9 * * * (America/New_York)")
        .contains("next runs:    2030-01-07T09:30-05:00, 2030-01-08T09:30-05:00").contains("retries:      1");

    Result run = meso("job", "run", "cli-report", "--arguments", "now please");
    assertThat(run.exit()).as(run.err()).isEqualTo(Exit.OK);
    await().atMost(WAIT).until(() -> f.get("/v1/scheduler/job/cli-report").json().getLong("successCount") == 1);
    String task = f.history("cli-report").getJsonObject(0).getString("taskId");
    Result history = meso("job", "history", "cli-report");
    assertThat(history.exit()).isEqualTo(Exit.OK);
    assertThat(history.out().lines().skip(1)).anySatisfy(line -> assertThat(line).contains(task).contains("Success"));
    assertThat(f.stdout(task)).contains("report now please");

    Result deleted = meso("job", "delete", "cli-mail");
    assertThat(deleted.exit()).isEqualTo(Exit.OK);
    assertThat(deleted.out()).contains("job cli-mail: deleted");
    for (String command : new String[] {"show", "run", "history", "delete"}) {
      Result gone = meso("job", command, "cli-mail");
      assertThat(gone.exit()).as(command).isEqualTo(Exit.NOT_FOUND);
      assertThat(gone.err()).as(command).contains("job 'cli-mail' does not exist (meso jobs lists the jobs)");
    }
  }

  @Test
  void anInvalidJobIsRefusedNamingTheFieldAndExitsFour() throws Exception {
    Result bad = meso("job", "add", file("bad", new JsonObject().put("name", "cli-bad").put("command", "true")
        .put("schedule", "R/2030-01-01T00:00:00Z/every-day")).toString());
    assertThat(bad.exit()).isEqualTo(Exit.INVALID);
    assertThat(bad.err()).contains("adding job cli-bad").contains("every-day");
    assertThat(f.get("/v1/scheduler/job/cli-bad").status()).isEqualTo(400);
  }

  @Test
  void runningADisabledJobIsRefusedInsteadOfSilentlyDropped() throws Exception {
    meso("job", "add", file("off", new JsonObject().put("name", "cli-off").put("command", "true")
        .put("cron", "0 0 * * *").put("disabled", true)).toString());
    Result run = meso("job", "run", "cli-off");
    assertThat(run.exit()).isEqualTo(Exit.REFUSED);
    assertThat(run.err()).contains("job cli-off is disabled");
    assertThat(f.history("cli-off")).isEmpty();
  }
}
