package io.meso.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The web UI's jobs pages in a real headless chromium, against a leading master, an agent and the
 * jobs framework with its /v1/scheduler API on the master's port ({@link JobsOnMaster}): the list
 * shows a job's next run in its own zone (UTC on hover), running it from its page fills its
 * history, the graph page draws both jobs and the edge between them, coloured by last result,
 * and text users wrote (commands, owners, descriptions) is shown as text, never as markup.
 * Saves screenshots of the three pages as target/webui-jobs-{list,detail,graph}.png.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class JobsPagesBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(90);
  /** 09:00 on New York's wall clock, every day from 2030-01-01: never due during the test. */
  private static final String PARENT = "nightly-report";
  private static final String CHILD = "after-report";

  JobsOnMaster cluster;
  Chromium browser;

  @BeforeAll
  void start() throws Exception {
    cluster = JobsOnMaster.start();
    browser = new Chromium(cluster.vertx);
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void listShowsNextRunInTheJobsZoneRunNowFillsHistoryAndTheGraphShowsTheDag() throws Exception {
    assertThat(cluster.post("/v1/scheduler/iso8601", new JsonObject().put("name", PARENT)
        .put("command", "echo report").put("schedule", "R/2030-01-01T09:00:00/P1D")
        .put("scheduleTimeZone", "America/New_York").put("cpus", 0.1).put("mem", 32).put("disk", 10)
        .put("owner", "ops@example.com")).status()).isEqualTo(204);
    assertThat(cluster.post("/v1/scheduler/dependency", new JsonObject().put("name", CHILD)
        .put("command", "echo after").put("parents", new JsonArray().add(PARENT)).put("cpus", 0.1)
        .put("mem", 32).put("disk", 10)).status()).isEqualTo(204);
    // The API's own answer, which the list shows: the next run on New York's wall clock.
    JsonObject summary = new JsonObject(cluster.get("/v1/scheduler/jobs/summary").body()).getJsonArray("jobs")
        .stream().map(JsonObject.class::cast).filter(j -> j.getString("name").equals(PARENT)).findFirst().orElseThrow();
    assertThat(summary.getString("nextRun")).isEqualTo("2030-01-01T09:00-05:00");

    browser.navigate(cluster.base() + "/ui/#jobs");
    String row = "document.querySelector('#jobs-table tr[data-job=\"" + PARENT + "\"] ";
    await().atMost(WAIT).until(() -> browser.text(row + ".job-next').textContent")
        .equals("2030-01-01 09:00:00 EST"));
    assertThat(browser.text(row + ".job-next .zoned').title")).isEqualTo("2030-01-01 14:00:00 UTC");
    assertThat(browser.text(row + ".job-zone').textContent")).isEqualTo("America/New_York");
    assertThat(browser.text(row + ".job-schedule').textContent")).isEqualTo(summary.getString("schedule"));
    assertThat(browser.text(row + ".job-result').textContent")).isEqualTo("fresh");
    assertThat(browser.text(row + ".job-state').textContent")).isEqualTo("idle");
    assertThat(browser.text(row + ".job-counts').textContent")).isEqualTo("0 / 0");
    String childRow = "document.querySelector('#jobs-table tr[data-job=\"" + CHILD + "\"] ";
    assertThat(browser.text(childRow + ".job-schedule').textContent")).isEqualTo("after " + PARENT);
    assertThat(browser.text(childRow + ".job-next').textContent")).isEqualTo("after its parents");
    browser.screenshot(Path.of("target", "webui-jobs-list.png"));

    // The job's page: its next runs in its zone, no history yet; "Run now" runs it.
    browser.eval("document.querySelector('#jobs-table a[href=\"#jobs/job/" + PARENT + "\"]').click()");
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('job-history').textContent")
        .contains("no runs yet"));
    assertThat(browser.text("[...document.querySelectorAll('#job-next li')].map(li => li.textContent).join('|')"))
        .isEqualTo("2030-01-01 09:00:00 EST|2030-01-02 09:00:00 EST|2030-01-03 09:00:00 EST"
            + "|2030-01-04 09:00:00 EST|2030-01-05 09:00:00 EST");
    assertThat(browser.text("document.querySelector('.job-field-owner').textContent")).isEqualTo("ops@example.com");
    browser.eval("document.querySelector('button[data-job-run=\"" + PARENT + "\"]').click()");
    await().atMost(WAIT).until(() -> browser.text(
        "[...document.querySelectorAll('#job-history tr[data-task] .job-outcome')].map(c => c.textContent).join()")
        .equals("SUCCESS"));
    String cells = "[...document.querySelectorAll('#job-history tr[data-task] td')]";
    String start = browser.text(cells + "[0].textContent");
    assertThat(start).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d E[SD]T");
    assertThat(browser.text(cells + "[0].querySelector('.zoned').title")).endsWith(" UTC");
    assertThat(browser.text(cells + "[1].textContent")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d E[SD]T");
    assertThat(browser.text(cells + "[2].textContent")).matches("(\\d+[dhm])*\\d+s");
    assertThat(browser.text(cells + "[3].textContent")).isNotEmpty();
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('job-title').textContent")
        .contains("success"));
    browser.screenshot(Path.of("target", "webui-jobs-detail.png"));

    // The graph: both jobs, the edge from parent to child, the parent above the child and green.
    browser.eval("location.hash = '#jobs/graph'");
    String node = "document.querySelector('#jobs-graph g.job-node[data-job=\"%s\"]')";
    await().atMost(WAIT).until(() -> "success".equals(browser.text(String.format(node, PARENT) + ".dataset.status")));
    assertThat(browser.text(String.format(node, CHILD) + ".querySelector('text').textContent")).isEqualTo(CHILD);
    assertThat(browser.eval("document.querySelectorAll('#jobs-graph path.job-edge[data-from=\"" + PARENT
        + "\"][data-to=\"" + CHILD + "\"]').length")).isEqualTo(1);
    assertThat(browser.text("getComputedStyle(" + String.format(node, PARENT) + ".querySelector('rect')).fill"))
        .isEqualTo("rgb(212, 240, 212)");
    double parentY = Double.parseDouble(browser.text(String.format(node, PARENT) + ".querySelector('rect').getAttribute('y')"));
    double childY = Double.parseDouble(browser.text(String.format(node, CHILD) + ".querySelector('rect').getAttribute('y')"));
    assertThat(childY).isGreaterThan(parentY);
    // The child's colour follows the API's last result for it, whatever its dependent run did by now.
    await().atMost(WAIT).until(() -> cluster.get("/v1/scheduler/graph/csv").body().contains("node," + CHILD + ","
        + browser.text(String.format(node, CHILD) + ".dataset.status") + ","));
    Path shot = Path.of("target", "webui-jobs-graph.png");
    browser.screenshot(shot);
    assertThat(Files.size(shot)).isGreaterThan(1000);
  }

  @Test
  void textUsersWroteIsShownAsTextNotMarkup() throws Exception {
    String name = "html-in-fields";
    String command = "echo '<img src=x onerror=\"window.__xss=1\">' && echo \"<b>not bold</b>\"";
    String owner = "<script>window.__xss=2</script>ops@example.com";
    String description = "<i onmouseover=\"window.__xss=3\">report</i> & \"friends\"";
    assertThat(cluster.post("/v1/scheduler/iso8601", new JsonObject().put("name", name).put("command", command)
        .put("owner", owner).put("description", description).put("schedule", "R/2030-01-01T00:00:00Z/P1D")
        .put("cpus", 0.1).put("mem", 32).put("disk", 10)).status()).isEqualTo(204);

    browser.navigate(cluster.base() + "/ui/#jobs");
    String row = "document.querySelector('#jobs-table tr[data-job=\"" + name + "\"]')";
    await().atMost(WAIT).until(() -> browser.text(row + ".textContent").contains(owner));
    browser.eval("location.hash = '#jobs/job/" + name + "'");
    await().atMost(WAIT).until(() -> command.equals(browser.text(
        "document.querySelector('.job-field-command').textContent")));
    assertThat(browser.text("document.querySelector('.job-field-owner').textContent")).isEqualTo(owner);
    assertThat(browser.text("document.querySelector('.job-field-description').textContent")).isEqualTo(description);
    assertThat(browser.eval("document.querySelectorAll('#view-jobs img, #view-jobs script, #view-jobs b, "
        + "#view-jobs i').length")).isEqualTo(0);
    assertThat(browser.eval("window.__xss === undefined")).isEqualTo(true);
  }
}
