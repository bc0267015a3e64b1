package io.meso.webui;

import io.meso.testkit.OnContext;
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
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 10,000 running tasks (simulated executor): the operator API lists them all and the UI pages,
 * filters and sorts them in a real chromium, one page at a time from the master (the browser
 * never holds more than the visible page). Timings are logged, never asserted.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WebUiTenThousandTasksTest {

  private static final Logger LOG = LoggerFactory.getLogger(WebUiTenThousandTasksTest.class);
  private static final int TASKS = 10_000;
  private static final int PER_ACCEPT = 1_000;
  private static final int KILLED = 5;
  private static final Duration WAIT = Duration.ofSeconds(120);

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
  void tenThousandTasksInTheApiAndTheUi() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0)).await(30, TimeUnit.SECONDS);
    Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-10k").toString())
        .setExecutorMode(ExecutorMode.SIMULATED).setSimulatedTaskDurationMillis(600_000)
        .setResources("cpus:20000;mem:2000000;disk:100")).await(30, TimeUnit.SECONDS);
    int port = master.port();

    browser = new Chromium(vertx);
    browser.navigate("http://127.0.0.1:" + port + "/ui/#tasks");
    await().atMost(WAIT).until(() -> "live".equals(browser.text("document.getElementById('live').textContent")));

    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", port);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("ten-thousand").setUser("").build(), framework::onEvent)
        .await(30, TimeUnit.SECONDS);
    long launchStart = System.nanoTime();
    int launched = 0;
    int seen = 0;
    Filters noRefusal = Filters.newBuilder().setRefuseSeconds(0).build();
    while (launched < TASKS) {
      Offer offer = framework.awaitOffer(seen);
      seen = framework.offers().size();
      List<TaskInfo> tasks = new ArrayList<>();
      for (int i = 0; i < PER_ACCEPT && launched < TASKS; i++, launched++) {
        tasks.add(Launches.task("t" + launched, offer, "simulated", 1, 1));
      }
      client.accept(List.of(offer.getId()), List.of(Launches.launch(tasks.toArray(TaskInfo[]::new))), noRefusal)
          .await(30, TimeUnit.SECONDS);
    }
    framework.awaitUpdate("t" + (TASKS - 1), TaskState.TASK_RUNNING);
    long launchMillis = (System.nanoTime() - launchStart) / 1_000_000;
    // A few tasks end, so that /state has completed tasks beside the active ones.
    for (int i = 0; i < KILLED; i++) {
      client.kill(io.meso.v1.TaskID.newBuilder().setValue("t" + i).build(),
          framework.awaitUpdate("t" + i, TaskState.TASK_RUNNING).getAgentId());
    }
    for (int i = 0; i < KILLED; i++) {
      framework.awaitUpdate("t" + i, TaskState.TASK_KILLED);
    }

    HttpClient http = vertx.createHttpClient();
    long t0 = System.nanoTime();
    String state = io.meso.testkit.OnContext.run(vertx, () -> http.request(new RequestOptions().setMethod(HttpMethod.GET)
        .setHost("127.0.0.1").setPort(port).setURI("/state")).compose(r -> r.send()).compose(r -> r.body()))
        .await(60, TimeUnit.SECONDS).toString();
    long stateMillis = (System.nanoTime() - t0) / 1_000_000;
    // /state is written a page of tasks (5,000) at a time: every task once, none lost at a page's edge.
    JsonObject stateJson = new JsonObject(state);
    JsonObject fw = stateJson.getJsonArray("frameworks").stream().map(JsonObject.class::cast)
        .filter(f -> "ten-thousand".equals(f.getString("name"))).findFirst().orElseThrow();
    java.util.Set<String> active = new java.util.HashSet<>();
    fw.getJsonArray("tasks").forEach(t -> active.add(((JsonObject) t).getString("id")));
    assertThat(fw.getJsonArray("tasks")).hasSize(TASKS - KILLED);
    assertThat(active).hasSize(TASKS - KILLED).contains("t" + KILLED, "t4999", "t5000", "t" + (TASKS - 1))
        .doesNotContain("t0");
    assertThat(fw.getJsonArray("completed_tasks").stream().map(t -> ((JsonObject) t).getString("state")))
        .hasSize(KILLED).containsOnly("TASK_KILLED");
    assertThat(stateJson.getJsonArray("slaves")).hasSize(1);
    String summary = io.meso.testkit.OnContext.run(vertx, () -> http.request(new RequestOptions()
        .setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI("/state-summary"))
        .compose(r -> r.send()).compose(r -> r.body())).await(60, TimeUnit.SECONDS).toString();
    // The v1 operator API's GET_TASKS and GET_STATE are written a page at a time too.
    for (String type : List.of("GET_TASKS", "GET_STATE")) {
      String body = io.meso.testkit.OnContext.run(vertx, () -> http.request(new RequestOptions()
              .setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/api/v1")
              .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json"))
          .compose(r -> r.send(new JsonObject().put("type", type).encode())).compose(r -> r.body()))
          .await(60, TimeUnit.SECONDS).toString();
      JsonObject reply = new JsonObject(body);
      assertThat(reply.getString("type")).isEqualTo(type);
      JsonObject getTasks = type.equals("GET_TASKS") ? reply.getJsonObject("get_tasks")
          : reply.getJsonObject("get_state").getJsonObject("get_tasks");
      java.util.Set<String> ids = new java.util.HashSet<>();
      getTasks.getJsonArray("tasks").forEach(t -> ids.add(((JsonObject) t).getJsonObject("task_id").getString("value")));
      assertThat(getTasks.getJsonArray("tasks")).as(type).hasSize(TASKS - KILLED);
      assertThat(ids).as(type).hasSize(TASKS - KILLED);
      assertThat(getTasks.getJsonArray("completed_tasks")).as(type).hasSize(KILLED);
      if (type.equals("GET_STATE")) {
        assertThat(reply.getJsonObject("get_state").getJsonObject("get_agents").getJsonArray("agents")).hasSize(1);
      }
    }
    JsonObject agentCounts = new JsonObject(summary).getJsonArray("slaves").getJsonObject(0);
    assertThat(agentCounts.getInteger("TASK_RUNNING")).isEqualTo(TASKS - KILLED);
    assertThat(agentCounts.getInteger("TASK_KILLED")).isEqualTo(KILLED);
    long p0 = System.nanoTime();
    String page = io.meso.testkit.OnContext.run(vertx, () -> http.request(new RequestOptions().setMethod(HttpMethod.GET)
        .setHost("127.0.0.1").setPort(port).setURI("/tasks?offset=5000")).compose(r -> r.send()).compose(r -> r.body()))
        .await(60, TimeUnit.SECONDS).toString();
    long pageMillis = (System.nanoTime() - p0) / 1_000_000;
    assertThat(new JsonObject(page).getJsonArray("tasks").getJsonObject(0).getString("id")).isEqualTo("t4999");

    // The page follows the pushed events (refetching its page), without reloading.
    long u0 = System.nanoTime();
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('page').textContent")
        .contains("(" + TASKS + " tasks)"));
    await().atMost(WAIT).until(() -> browser.text(
        "String([...document.querySelectorAll('#tasks-table .state')].every(c => c.textContent === 'TASK_RUNNING'))")
        .equals("true"));
    long uiMillis = (System.nanoTime() - u0) / 1_000_000;
    assertThat(browser.text("String(document.querySelectorAll('#tasks-table tr').length)")).isEqualTo("101");
    assertThat(browser.text("String(S.tasks.size)")).as("only the visible page is kept").isEqualTo("100");

    long r0 = System.nanoTime();
    browser.eval("(() => { const f = document.getElementById('f-text'); f.value = 't9999';"
        + " f.dispatchEvent(new Event('input')); })()");
    // The master filters (by task id prefix) and pages: the page fetched after typing shows the one task.
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('page').textContent")
        .contains("(tasks 1-1)"));
    long filterMillis = (System.nanoTime() - r0) / 1_000_000;
    assertThat(browser.text("[...document.querySelectorAll('#tasks-table tr td:first-child')].map(c => c.textContent).join()"))
        .isEqualTo("t9999");
    // Oldest first (the Started column: the master's launch order) puts t0 on top.
    browser.eval("(() => { const f = document.getElementById('f-text'); f.value = '';"
        + " f.dispatchEvent(new Event('input'));"
        + " document.querySelector('#tasks-table th[data-key=created]').click(); })()");
    await().atMost(WAIT).until(() -> browser.text(
        "(document.querySelector('#tasks-table tr:nth-child(2) td') || {}).textContent || ''").equals("t0"));
    LOG.info("10k tasks: launch to last RUNNING {} ms; GET /state {} ms ({} bytes); GET /tasks?offset=5000 {} ms"
        + " ({} bytes); UI caught up {} ms after; filter+render in page {} ms", launchMillis, stateMillis,
        state.length(), pageMillis, page.length(), uiMillis, filterMillis);
  }
}
