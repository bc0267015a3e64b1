package io.meso.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.api.server.ApiServerOptions;
import io.meso.cli.Nodes;
import io.meso.cluster.MesoCluster;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.master.MasterOptions;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskState;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The task page's usage chart in a real headless chromium against a master and agent: while a
 * task runs, the chart fills with points (cpu use and memory rss, each against its limit) and
 * keeps growing as the page refreshes it; no reload. Saves target/webui-task-usage.png.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TaskUsageBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  Vertx vertx;
  Chromium browser;

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private int points(String series) throws Exception {
    String v = browser.text("(document.querySelector('#task-usage polyline." + series + "') || {dataset: {}}).dataset.points");
    return v.isEmpty() || v.equals("undefined") ? 0 : Integer.parseInt(v);
  }

  @Test
  void theTaskPageChartsItsUsageAsItRuns() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0)).await(30, TimeUnit.SECONDS);
    Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-usage-ui").toString())
        .setResources("cpus:2;mem:1024;disk:100").setUsageIntervalMillis(500)).await(30, TimeUnit.SECONDS);
    String base = "http://127.0.0.1:" + master.port();

    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", master.port());
    FrameworkRecorder framework = new FrameworkRecorder(client);
    String frameworkId = client.subscribe(FrameworkInfo.newBuilder().setName("usage-ui").setUser("").build(),
        framework::onEvent).await(30, TimeUnit.SECONDS).getValue();
    Path stop = io.meso.testkit.TaskVisibleDirs.create("meso-usage-ui-gate").resolve("stop");
    Offer offer = framework.awaitOffer(0);
    client.accept(List.of(offer.getId()), List.of(Launches.launch(Launches.task("charted", offer,
        "while [ ! -e " + stop + " ]; do sleep 0.1; done", 0.5, 64))), null).await(30, TimeUnit.SECONDS);
    framework.awaitUpdate("charted", TaskState.TASK_RUNNING);

    browser = new Chromium(vertx);
    browser.navigate(base + "/ui/#task/" + java.net.URLEncoder.encode(frameworkId + "/charted", "UTF-8"));
    await().atMost(WAIT).until(() -> "live".equals(browser.text("document.getElementById('live').textContent")));
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('task-state').textContent")
        .equals("TASK_RUNNING"));
    browser.eval("window.__notReloaded = true");

    // Points appear and keep coming while the page is open (refreshed every few seconds).
    await().atMost(WAIT).until(() -> points("cpu") >= 2 && points("rss") >= 3);
    int before = points("rss");
    await().atMost(WAIT).until(() -> points("rss") > before);
    assertThat(browser.text("document.querySelectorAll('#task-usage polyline.limit').length")).isEqualTo("2");
    assertThat(browser.text("document.getElementById('task-usage').textContent"))
        .contains("cpu: ", "of 0.5 cpus", "memory rss: ", "of 64 MiB");
    // Every point is drawn inside the chart.
    assertThat(browser.eval("[...document.querySelectorAll('#task-usage polyline')].every(p => p.getAttribute('points')"
        + ".split(' ').every(xy => { const [x, y] = xy.split(',').map(Number); return x >= 0 && x <= 900 && y >= 0 && y <= 260; }))"))
        .isEqualTo(true);
    assertThat(browser.eval("window.__notReloaded === true")).isEqualTo(true);
    browser.screenshot(Path.of("target", "webui-task-usage.png"));

    Files.createFile(stop);
    framework.awaitUpdate("charted", TaskState.TASK_FINISHED);
  }
}
