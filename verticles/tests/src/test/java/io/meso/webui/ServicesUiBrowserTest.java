package io.meso.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.ExecutorMode;
import io.meso.api.server.ApiServerOptions;
import io.meso.cli.Nodes;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.services.api.ServicesApi;
import io.meso.services.runtime.ServicesFramework;
import io.meso.testkit.OnContext;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services pages of the web UI in a real headless chromium, against a master, an agent and the
 * services framework wired as {@code meso local} wires them (its /v2 API on the master's port):
 * the apps list with counts and statuses, an app's instances with their agent, ports and health,
 * its last failure, why an app that cannot fit waits, the deployments page and cancelling a
 * deployment from it. Labels and commands carrying HTML must show as text. A second test shows a
 * 1,000-instance app a page at a time, fetched without one request per instance.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ServicesUiBrowserTest {

  private static final Logger LOG = LoggerFactory.getLogger(ServicesUiBrowserTest.class);
  private static final Duration WAIT = Duration.ofSeconds(90);
  /** A label value and a command that would run script or add elements if put into the page as HTML. */
  private static final String HTML_LABEL = "<img src=x onerror=\"window.__xss=1\"><b id=\"injected\">bold</b>";
  private static final String HTML_CMD = "sleep 600 # <script>window.__xss=2</script><i id=\"injected-cmd\">i</i>";

  record Response(int status, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  Vertx vertx;
  Chromium browser;
  HttpClient http;
  int port;

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** A master, one agent of {@code agent}'s options and the services framework, its /v2 API on the master's port. */
  private void start(AgentOptions agent) throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0)).await(30, TimeUnit.SECONDS);
    Nodes.deployAgent(vertx, agent.setHostname("127.0.0.1")
        .setWorkDir(Files.createTempDirectory("meso-services-ui").toString())).await(30, TimeUnit.SECONDS);
    // Its store: a private fenced registry (a loopback Hazelcast member), as meso local runs it.
    io.meso.ha.LocalRegistry registry = new io.meso.ha.LocalRegistry();
    vertx.deployVerticle(registry).await(60, TimeUnit.SECONDS);
    ServicesFramework services = new ServicesFramework(new EventBusSchedulerClient(vertx), "",
        new io.meso.services.store.ServicesStore(registry.registry(), registry.elected().await(60, TimeUnit.SECONDS)));
    ServicesApi.mount(vertx, master.api().router(),
        io.meso.services.api.ServicesLeader.alone(services, () -> "127.0.0.1:" + master.port()));
    vertx.deployVerticle(services).await(30, TimeUnit.SECONDS);
    port = master.port();
    http = vertx.createHttpClient();
    browser = new Chromium(vertx);
  }

  private static ConditionFactory waiting() {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(200));
  }

  @Test
  void appsInstancesHealthWaitingReasonsAndCancellingADeployment() throws Exception {
    start(new AgentOptions().setResources("cpus:4;mem:4096;disk:1000;ports:[31000-31100]"));
    browser.navigate("http://127.0.0.1:" + port + "/ui/#apps");
    waiting().until(() -> browser.text("document.getElementById('apps-table').textContent").contains("no apps yet"));
    browser.eval("window.__notReloaded = true");

    // An app with two healthy instances, whose label and command carry HTML.
    JsonObject check = new JsonObject().put("protocol", "COMMAND").put("command", new JsonObject().put("value", "true"))
        .put("gracePeriodSeconds", 30).put("intervalSeconds", 1).put("timeoutSeconds", 5).put("delaySeconds", 0);
    JsonObject web = new JsonObject().put("id", "/ui/web").put("cmd", HTML_CMD).put("cpus", 0.1).put("mem", 16)
        .put("instances", 2).put("labels", new JsonObject().put("team", HTML_LABEL))
        .put("healthChecks", new JsonArray().add(check));
    assertThat(call(HttpMethod.POST, "/v2/apps", web).status()).isEqualTo(201);

    // The list learns of it without a reload, and counts its instances.
    String webRow = "document.querySelector('#apps-table tr[data-app=\"/ui/web\"]')";
    waiting().until(() -> browser.text(cells(webRow, ".c-status", ".c-running", ".c-healthy", ".c-staged"))
        .equals("Running|2 / 2|2|0"));
    assertThat(browser.text(webRow + ".textContent")).contains("team=" + HTML_LABEL);
    assertNothingInjected();

    // Its page: both instances with agent, host, port, state and health; its versions.
    browser.eval("location.hash = '#app/ui/web'");
    JsonObject app = call(HttpMethod.GET, "/v2/apps/ui/web", null).json().getJsonObject("app");
    JsonArray tasks = app.getJsonArray("tasks");
    assertThat(tasks).hasSize(2);
    for (Object o : tasks) {
      JsonObject task = (JsonObject) o;
      String row = "document.querySelector('#app-instances tr[data-instance=\"" + task.getString("id") + "\"]')";
      waiting().until(() -> browser.text(cells(row, ".c-host", ".c-agent", ".c-ports", ".c-state", ".c-health")).equals(
          "127.0.0.1|" + task.getString("agentId") + "|" + task.getJsonArray("ports").getInteger(0)
              + "|TASK_RUNNING|healthy"));
    }
    assertThat(tasks.getJsonObject(0).getJsonArray("ports").getInteger(0)).isBetween(31000, 31100);
    assertThat(browser.text("document.getElementById('inst-page').textContent")).contains("(2 instances)");
    assertThat(browser.text("document.getElementById('app-status').textContent")).isEqualTo("Running");
    assertThat(browser.text("document.getElementById('app-versions').textContent"))
        .contains(app.getString("version") + " (current)");
    assertThat(browser.text("document.getElementById('app-cmd').textContent")).isEqualTo(HTML_CMD);
    assertThat(browser.text("document.getElementById('app-summary').textContent")).contains("team=" + HTML_LABEL);
    assertNothingInjected();
    browser.screenshot(Path.of("target", "webui-services-app.png"));

    // An app whose task fails: its page shows the failure, and the launch held back by its backoff.
    JsonObject crash = new JsonObject().put("id", "/ui/crash").put("cmd", "echo going; exit 3").put("cpus", 0.1)
        .put("mem", 16).put("backoffSeconds", 300).put("maxLaunchDelaySeconds", 600);
    assertThat(call(HttpMethod.POST, "/v2/apps", crash).status()).isEqualTo(201);
    browser.eval("location.hash = '#app/ui/crash'");
    waiting().until(() -> browser.text("document.getElementById('app-failure').textContent").contains("TASK_FAILED"));
    String failedTask = call(HttpMethod.GET, "/v2/apps/ui/crash", null).json().getJsonObject("app")
        .getJsonObject("lastTaskFailure").getString("taskId");
    assertThat(browser.text("document.getElementById('app-failure').textContent")).contains(failedTask, "127.0.0.1");
    waiting().until(() -> browser.text("document.getElementById('app-status').textContent").equals("Delayed"));
    assertThat(browser.text("document.getElementById('waiting-because').textContent")).contains("backoff");

    // An app that cannot fit: Waiting in the list, and its page says which resource is missing.
    Response big = call(HttpMethod.POST, "/v2/apps", new JsonObject().put("id", "/ui/big").put("cmd", "sleep 600")
        .put("cpus", 100).put("mem", 16).put("instances", 1));
    assertThat(big.status()).isEqualTo(201);
    String deploymentId = big.headers().get("Marathon-Deployment-Id");
    browser.eval("location.hash = '#apps'");
    String bigRow = "document.querySelector('#apps-table tr[data-app=\"/ui/big\"]')";
    waiting().until(() -> browser.text(cells(bigRow, ".c-status", ".c-running")).equals("Waiting|0 / 1"));
    browser.eval("location.hash = '#app/ui/big'");
    waiting().until(() -> browser.text("document.getElementById('waiting-reasons')?.textContent ?? ''")
        .contains("InsufficientCpus: not enough cpus"));
    assertThat(browser.text("document.getElementById('waiting-because').textContent")).contains("1 instance(s) to launch");
    waiting().until(() -> browser.text("document.getElementById('app-deployments').textContent").contains(deploymentId));
    browser.screenshot(Path.of("target", "webui-services-waiting.png"));

    // The deployments page shows its progress; cancelling it there rolls the new app back (removes it).
    JsonObject deployment = new JsonArray(call(HttpMethod.GET, "/v2/deployments", null).body()).stream()
        .map(d -> (JsonObject) d).filter(d -> d.getString("id").equals(deploymentId)).findFirst().orElseThrow();
    browser.eval("location.hash = '#deployments'");
    String depRow = "document.querySelector('#deployments-table tr[data-deployment=\"" + deploymentId + "\"]')";
    waiting().until(() -> browser.text(depRow + "?.textContent ?? ''").contains("/ui/big"));
    waiting().until(() -> browser.text(depRow + ".querySelector('.c-progress').textContent.trim()").equals(
        "step " + deployment.getInteger("currentStep") + " / " + deployment.getInteger("totalSteps")));
    assertThat(browser.text(depRow + ".querySelector('progress').value")).isEqualTo(
        String.valueOf(deployment.getInteger("currentStep")));
    assertThat(browser.text(depRow + ".querySelector('.c-actions').textContent")).isEqualTo("ScaleApplication /ui/big");
    browser.screenshot(Path.of("target", "webui-services-deployments.png"));

    browser.acceptDialogs();
    browser.eval(depRow + ".querySelector('[data-cancel-deployment]').click()");
    waiting().until(() -> call(HttpMethod.GET, "/v2/apps/ui/big", null).status() == 404);
    assertThat(browser.dialogs()).hasSize(1).allMatch(m -> m.contains("Cancel deployment " + deploymentId));
    waiting().until(() -> browser.text("document.querySelector('#view-deployments .svc-msg').textContent")
        .contains("Deployment " + deploymentId + " cancelled"));
    waiting().until(() -> browser.text("String(" + depRow + " === null)").equals("true"));
    browser.eval("location.hash = '#apps'");
    waiting().until(() -> browser.text("String(" + bigRow + " === null)").equals("true"));
    assertThat(browser.eval("window.__notReloaded === true")).isEqualTo(true);
    assertNothingInjected();

    Path shot = Path.of("target", "webui-services-apps.png");
    browser.screenshot(shot);
    assertThat(Files.size(shot)).isGreaterThan(1000);
  }

  @Test
  void aThousandInstancesArePagedAndFetchedWithoutARequestPerInstance() throws Exception {
    start(new AgentOptions().setExecutorMode(ExecutorMode.SIMULATED).setSimulatedTaskDurationMillis(600_000)
        .setResources("cpus:100;mem:100000;disk:1000"));
    JsonObject many = new JsonObject().put("id", "/ui/many").put("cmd", "sleep 600").put("cpus", 0.01).put("mem", 1)
        .put("instances", 1000).put("portDefinitions", new JsonArray());
    long t0 = System.nanoTime();
    assertThat(call(HttpMethod.POST, "/v2/apps", many).status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
        call(HttpMethod.GET, "/v2/apps/ui/many", null).json().getJsonObject("app").getInteger("tasksRunning") == 1000);
    LOG.info("1000 instances running after {} ms", (System.nanoTime() - t0) / 1_000_000);

    browser.navigate("http://127.0.0.1:" + port + "/ui/#apps");
    waiting().until(() -> browser.eval("performance.setResourceTimingBufferSize(100000) === undefined") != null);
    waiting().until(() -> browser.text(cells("document.querySelector('#apps-table tr[data-app=\"/ui/many\"]')",
        ".c-running", ".c-staged")).equals("1000 / 1000|0"));
    long r0 = System.nanoTime();
    browser.eval("location.hash = '#app/ui/many'");
    waiting().until(() -> browser.text("document.getElementById('inst-page').textContent")
        .contains("page 1 of 10 (1000 instances)"));
    LOG.info("the 1000-instance app's page drawn after {} ms", (System.nanoTime() - r0) / 1_000_000);
    assertThat(browser.text("String(document.querySelectorAll('#app-instances tr[data-instance]').length)"))
        .isEqualTo("100");
    browser.eval("document.getElementById('inst-next').click()");
    assertThat(browser.text("document.getElementById('inst-page').textContent")).contains("page 2 of 10");
    assertThat(browser.text("String(document.querySelectorAll('#app-instances tr[data-instance]').length)"))
        .isEqualTo("100");
    assertThat(browser.text("String([...document.querySelectorAll('#app-instances .c-state')]"
        + ".every(c => c.textContent === 'TASK_RUNNING'))")).isEqualTo("true");

    // Let a few refreshes pass, then list every path the page asked for: a handful, none per instance.
    String before = browser.text("String(performance.getEntriesByType('resource').length)");
    waiting().until(() -> Integer.parseInt(browser.text("String(performance.getEntriesByType('resource').length)"))
        > Integer.parseInt(before) + 6);
    Object paths = browser.eval("[...new Set(performance.getEntriesByType('resource')"
        + ".map(e => new URL(e.name).pathname).filter(p => p.startsWith('/v2/')))].sort()");
    assertThat(((JsonArray) paths).getList()).as("the /v2 paths the page fetched")
        .isSubsetOf(List.of("/v2/apps", "/v2/apps/ui/many", "/v2/apps/ui/many/versions", "/v2/queue",
            "/v2/deployments", "/v2/events"));
  }

  /** "a|b|c": the text of each cell (by class) of the row {@code row} evaluates to, "" while there is no row. */
  private static String cells(String row, String... classes) {
    StringBuilder js = new StringBuilder("(() => { const r = " + row + "; if (!r) return ''; return [");
    for (String c : classes) {
      js.append("r.querySelector('").append(c).append("').textContent,");
    }
    return js.append("].join('|'); })()").toString();
  }

  /** Nothing user-provided ran as script or became an element. */
  private void assertNothingInjected() throws Exception {
    assertThat(browser.eval("typeof window.__xss")).isEqualTo("undefined");
    assertThat(browser.eval("document.getElementById('injected') === null"
        + " && document.getElementById('injected-cmd') === null && document.querySelector('img') === null"))
        .isEqualTo(true);
  }

  private Response call(HttpMethod method, String path, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
        .putHeader("Accept", "application/json").putHeader("Content-Type", "application/json");
    Buffer payload = body == null ? Buffer.buffer() : Buffer.buffer(body.encode());
    try {
      return OnContext.run(vertx, () -> http.request(options).compose(req -> req.send(payload))
              .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b.toString()))))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }
}
