package io.meso.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.ExecutorMode;
import io.meso.api.server.ApiServerOptions;
import io.meso.cli.Nodes;
import io.meso.cluster.MesoCluster;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.master.MasterOptions;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.Filters;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tasks view pages on the master in a real chromium: 300 tasks of one framework and 20 of
 * another (simulated executor); page 2 shows the right hundred in launch order, newest first and,
 * after a click on Started, oldest first (tasks 101-200); the framework, task id prefix and state
 * filters are answered by the master; a task's page is fetched by its id; the browser keeps only
 * the visible page's tasks; the overview counts come from the master's metrics.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class WebUiTaskPagesBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(90);

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

  private static List<String> ids(String prefix, int from, int toExclusive, boolean descending) {
    List<String> ids = new ArrayList<>(IntStream.range(from, toExclusive)
        .mapToObj(i -> String.format("%s%03d", prefix, i)).toList());
    if (descending) {
      Collections.reverse(ids);
    }
    return ids;
  }

  private String shownIds() throws Exception {
    return browser.text("[...document.querySelectorAll('#tasks-table tr td:first-child')].map(c => c.textContent).join()");
  }

  private void awaitShown(List<String> expected) {
    String want = String.join(",", expected);
    await().atMost(WAIT).until(() -> shownIds().equals(want));
  }

  private String launchAll(Vertx vertx, int port, String name, String prefix, int count) throws Exception {
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", port);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    String id = client.subscribe(FrameworkInfo.newBuilder().setName(name).setUser("").build(), framework::onEvent)
        .await(30, TimeUnit.SECONDS).getValue();
    Offer offer = framework.awaitOffer(0);
    List<TaskInfo> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tasks.add(Launches.task(String.format("%s%03d", prefix, i), offer, "simulated", 0.01, 1));
    }
    client.accept(List.of(offer.getId()), List.of(Launches.launch(tasks.toArray(TaskInfo[]::new))),
        Filters.newBuilder().setRefuseSeconds(3600).build()).await(30, TimeUnit.SECONDS);
    framework.awaitUpdate(String.format("%s%03d", prefix, count - 1), TaskState.TASK_RUNNING);
    return id;
  }

  @Test
  void pagesFiltersAndOpensTasksFromTheMaster() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0)).await(30, TimeUnit.SECONDS);
    Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-pages").toString())
        .setExecutorMode(ExecutorMode.SIMULATED).setSimulatedTaskDurationMillis(600_000)
        .setResources("cpus:100;mem:10000;disk:100")).await(30, TimeUnit.SECONDS);
    int port = master.port();
    String many = launchAll(vertx, port, "many", "t", 300);
    String few = launchAll(vertx, port, "few", "f", 20);

    browser = new Chromium(vertx);
    browser.navigate("http://127.0.0.1:" + port + "/ui/#tasks");
    await().atMost(WAIT).until(() -> "live".equals(browser.text("document.getElementById('live').textContent")));
    List<String> newest = new ArrayList<>(ids("f", 0, 20, true));
    newest.addAll(ids("t", 220, 300, true));
    awaitShown(newest);
    assertThat(browser.text("document.getElementById('page').textContent")).contains("page 1 of 4 (320 tasks)");
    assertThat(browser.eval("document.getElementById('prev').disabled")).isEqualTo(true);

    // Page 2, newest first: t219 down to t120.
    browser.eval("document.getElementById('next').click()");
    awaitShown(ids("t", 120, 220, true));
    assertThat(browser.text("document.getElementById('page').textContent")).contains("page 2 of 4");

    // Oldest first (a click on Started) starts again at page 1; page 2 is the 101st to the 200th task.
    browser.eval("document.querySelector('#tasks-table th[data-key=created]').click()");
    awaitShown(ids("t", 0, 100, false));
    browser.eval("document.getElementById('next').click()");
    awaitShown(ids("t", 100, 200, false));
    browser.eval("document.getElementById('next').click()");
    browser.eval("document.getElementById('next').click()");
    List<String> last = new ArrayList<>(ids("t", 200, 300, false));
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('page').textContent").contains("page 4 of 4"));
    awaitShown(ids("f", 0, 20, false));
    assertThat(browser.eval("document.getElementById('next').disabled")).isEqualTo(true);
    browser.eval("document.getElementById('prev').click()");
    awaitShown(last);
    assertThat(browser.text("String(S.tasks.size)")).as("only the visible page is kept").isEqualTo("100");

    // Filters go to the master: one framework, a task id prefix, a state.
    browser.eval("(() => { const s = document.getElementById('f-framework'); s.value = '" + few + "';"
        + " s.dispatchEvent(new Event('change')); })()");
    awaitShown(ids("f", 0, 20, false));
    assertThat(browser.text("document.getElementById('page').textContent")).contains("(20 tasks)");
    browser.eval("(() => { const s = document.getElementById('f-framework'); s.value = '" + many + "';"
        + " s.dispatchEvent(new Event('change')); const f = document.getElementById('f-text'); f.value = 't12';"
        + " f.dispatchEvent(new Event('input')); })()");
    awaitShown(ids("t", 120, 130, false));
    browser.eval("(() => { const s = document.getElementById('f-state'); s.value = 'TASK_FINISHED';"
        + " s.dispatchEvent(new Event('change')); })()");
    awaitShown(List.of());
    assertThat(browser.text("document.getElementById('page').textContent")).contains("no tasks");
    browser.eval("(() => { const s = document.getElementById('f-state'); s.value = 'TASK_RUNNING';"
        + " s.dispatchEvent(new Event('change')); })()");
    awaitShown(ids("t", 120, 130, false));

    // A task's page is fetched by its id (it is not among the tasks the browser holds).
    browser.eval("location.hash = '#task/' + encodeURIComponent('" + many + "/t007')");
    await().atMost(WAIT).until(() -> browser.text("(document.getElementById('task-state') || {}).textContent || ''")
        .equals("TASK_RUNNING"));
    assertThat(browser.text("document.getElementById('task-title').textContent")).contains("t007");
    assertThat(browser.text("document.getElementById('task-statuses').textContent")).contains("TASK_STAGING", "TASK_RUNNING");
    browser.eval("location.hash = '#task/' + encodeURIComponent('" + many + "/no-such-task')");
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('task-title').textContent")
        .equals("unknown task " + many + "/no-such-task"));

    // The overview counts tasks from the master's metrics.
    browser.eval("location.hash = '#overview'");
    await().atMost(WAIT).until(() -> browser.text("(document.getElementById('count-TASK_RUNNING') || {}).textContent || ''")
        .equals("320"));
    // Agents and frameworks show their active tasks without the browser listing tasks.
    browser.eval("location.hash = '#frameworks'");
    await().atMost(WAIT).until(() -> browser.text(
        "[...document.querySelectorAll('#frameworks-table tr')].filter(r => r.textContent.includes('" + few + "'))"
            + ".map(r => r.children[4].textContent).join()").equals("20"));
    browser.eval("location.hash = '#agents'");
    await().atMost(WAIT).until(() -> browser.text(
        "[...document.querySelectorAll('#agents-table tr')].slice(1).map(r => r.children[5].textContent).join()")
        .equals("320"));
  }
}
