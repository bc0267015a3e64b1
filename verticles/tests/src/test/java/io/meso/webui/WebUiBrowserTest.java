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
 * The web UI in a real headless chromium against a master and agent: the page shows a task
 * RUNNING and then FINISHED from pushed events (no reload), and its stdout in the live tail; the
 * services pages say that no services framework answers beside this master.
 * Saves a screenshot of the overview as target/webui-overview.png.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebUiBrowserTest {

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

  @Test
  void taskGoesRunningThenFinishedLiveWithItsStdoutTailed() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0)).await(30, TimeUnit.SECONDS);
    Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-browser").toString())
        .setResources("cpus:2;mem:1024;disk:100")).await(30, TimeUnit.SECONDS);
    String base = "http://127.0.0.1:" + master.port();

    browser = new Chromium(vertx);
    browser.navigate(base + "/ui/#overview");
    await().atMost(WAIT).until(() -> "live".equals(browser.text("document.getElementById('live').textContent")));
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('resources').textContent").contains("/ 2"));
    browser.eval("window.__notReloaded = true");

    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", master.port());
    FrameworkRecorder framework = new FrameworkRecorder(client);
    String frameworkId = client.subscribe(FrameworkInfo.newBuilder().setName("browser").setUser("").build(),
        framework::onEvent).await(30, TimeUnit.SECONDS).getValue();
    Path gate = io.meso.testkit.TaskVisibleDirs.create("meso-browser-gate").resolve("go");
    Offer offer = framework.awaitOffer(0);
    client.accept(List.of(offer.getId()), List.of(Launches.launch(Launches.task("web-task", offer,
        "echo out-from-web-task; while [ ! -e " + gate + " ]; do sleep 0.1; done", 0.5, 64))), null)
        .await(30, TimeUnit.SECONDS);

    // The tasks list shows it RUNNING, pushed by the server (no reload, no state polling).
    browser.eval("location.hash = '#tasks'");
    await().atMost(WAIT).until(() -> browser.text(
        "[...document.querySelectorAll('#tasks-table tr')].filter(r => r.textContent.includes('web-task'))"
            + ".map(r => r.querySelector('.state').textContent).join()").equals("TASK_RUNNING"));

    // Its detail page tails stdout while it runs.
    browser.eval("location.hash = '#task/' + encodeURIComponent('" + frameworkId + "/web-task')");
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('tail-stdout').textContent")
        .contains("out-from-web-task"));
    assertThat(browser.text("document.getElementById('task-state').textContent")).isEqualTo("TASK_RUNNING");

    Files.createFile(gate);
    framework.awaitUpdate("web-task", TaskState.TASK_FINISHED);
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('task-state').textContent")
        .equals("TASK_FINISHED"));
    assertThat(browser.text("document.getElementById('task-statuses').textContent"))
        .contains("TASK_STAGING", "TASK_RUNNING", "TASK_FINISHED");
    assertThat(browser.eval("window.__notReloaded === true")).isEqualTo(true);

    // The frameworks page says why the framework gets no offers now: it holds the agent's rest in
    // offers it has not answered, so the allocator has nothing free to offer it.
    browser.eval("location.hash = '#frameworks'");
    await().atMost(WAIT).until(() -> browser.text(
        "[...document.querySelectorAll('#frameworks-table tr')].filter(r => r.textContent.includes('"
            + frameworkId + "')).map(r => r.textContent).join()").contains("no free resources"));

    // No services framework runs beside this master: its pages say so instead of staying empty.
    browser.eval("location.hash = '#apps'");
    await().atMost(WAIT).until(() -> browser.text("document.querySelector('#view-apps .svc-msg').textContent")
        .equals("error: 404 no services framework answers /v2 on this master"));

    browser.eval("location.hash = '#overview'");
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('counts').textContent")
        .contains("TASK_FINISHED"));
    Path shot = Path.of("target", "webui-overview.png");
    browser.screenshot(shot);
    assertThat(Files.size(shot)).isGreaterThan(1000);
  }
}
