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
import io.meso.scheduler.ClientCredentials;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.security.authn.Authenticator;
import io.meso.security.authn.Credentials;
import io.meso.security.authn.PasswordHash;
import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The web UI in a real headless chromium against a master started with a credentials file, as an
 * operator uses it: the page is refused (401 with a Basic challenge: the browser's login prompt)
 * until the operator answers the prompt; then the overview loads, the live event stream (an
 * EventSource, which cannot set headers and relies on the browser sending the credentials it was
 * given) shows a task launched after the page loaded, and the Kill button kills it. A SECRET
 * environment variable's value is in none of the UI's data (its state, its event stream, the
 * page), nor in GET_STATE, GET_TASKS or /state.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AuthenticatedWebUiBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String OPS_SECRET = "ops-browser-secret";
  private static final String SECRET_VALUE = "ui-hunter2-value";

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
  void anOperatorSignsInSeesLiveUpdatesAndKillsATask() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    Authenticator authenticator = new Authenticator(Credentials.parse("test credentials",
        List.of("ops:" + PasswordHash.bcrypt(OPS_SECRET.toCharArray(), 4))), null, 16);
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100)
            .setAuthenticator(authenticator),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0).setAuthenticator(authenticator))
        .await(30, TimeUnit.SECONDS);
    Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-browser").toString())
        .setResources("cpus:2;mem:1024;disk:100").setAuthenticator(authenticator)).await(30, TimeUnit.SECONDS);
    String base = "http://127.0.0.1:" + master.port();

    // Without credentials the page is refused with the challenge that makes a browser prompt.
    HttpResponse<String> bare = get(base + "/ui/", null);
    assertThat(bare.statusCode()).isEqualTo(401);
    assertThat(bare.headers().allValues("WWW-Authenticate")).contains("Basic realm=\"meso\"");

    // The operator cancels the browser's prompt: the browser shows the refusal, not the UI.
    browser = new Chromium(vertx);
    browser.answerLogins(null, null);
    browser.navigate(base + "/");
    await().atMost(WAIT).until(() -> browser.text("document.body ? document.body.innerText : ''")
        .contains("unauthenticated: no credentials"));
    assertThat(browser.authChallenges()).isGreaterThanOrEqualTo(1);
    assertThat(browser.eval("document.getElementById('live') === null")).isEqualTo(true);

    // Signs in at the prompt: the overview loads and the event stream is live.
    int prompts = browser.authChallenges();
    browser.answerLogins("ops", OPS_SECRET);
    browser.navigate(base + "/ui/#overview");
    await().atMost(WAIT).until(() -> "live".equals(browser.text("document.getElementById('live').textContent")));
    assertThat(browser.authChallenges()).isGreaterThan(prompts);
    await().atMost(WAIT).until(() -> browser.text("document.getElementById('resources').textContent").contains("/ 2"));
    assertThat(browser.eval("document.getElementById('login').hidden")).isEqualTo(true);
    browser.eval("window.__notReloaded = true; window.__events = [];"
        + "new EventSource('/ui/events').onmessage = m => window.__events.push(m.data);");

    // A task launched after the page loaded (with a secret in its environment) shows up live.
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", master.port())
        .withCredentials(ClientCredentials.basic("ops", OPS_SECRET));
    FrameworkRecorder framework = new FrameworkRecorder(client);
    String frameworkId = client.subscribe(FrameworkInfo.newBuilder().setName("browser").setUser("")
        .setPrincipal("ops").build(), framework::onEvent).await(30, TimeUnit.SECONDS).getValue();
    Offer offer = framework.awaitOffer(0);
    TaskInfo task = Launches.task("secret-task", offer, "sleep 300", 0.5, 64).toBuilder()
        .setCommand(CommandInfo.newBuilder().setValue("sleep 300").setEnvironment(Environment.newBuilder()
            .addVariables(Environment.Variable.newBuilder().setName("API_TOKEN")
                .setType(Environment.Variable.Type.SECRET).setValue(SECRET_VALUE)))).build();
    client.accept(List.of(offer.getId()), List.of(Launches.launch(task)), null).await(30, TimeUnit.SECONDS);
    browser.eval("location.hash = '#tasks'");
    await().atMost(WAIT).until(() -> browser.text(
        "[...document.querySelectorAll('#tasks-table tr')].filter(r => r.textContent.includes('secret-task'))"
            + ".map(r => r.querySelector('.state').textContent).join()").equals("TASK_RUNNING"));
    await().atMost(WAIT).until(() -> browser.text("window.__events.join('\\n')").contains("secret-task"));

    // No secret in what the UI holds, shows or was sent, nor in the operator API and /state.
    String uiData = browser.text("JSON.stringify([...S.tasks.values()]) + JSON.stringify([...S.frameworks.values()])"
        + " + window.__events.join('\\n') + document.body.innerText");
    assertThat(uiData).contains("secret-task").doesNotContain(SECRET_VALUE).doesNotContain(OPS_SECRET);
    String authorization = "Basic " + Base64.getEncoder().encodeToString(("ops:" + OPS_SECRET)
        .getBytes(StandardCharsets.UTF_8));
    for (String type : List.of("GET_STATE", "GET_TASKS")) {
      HttpResponse<String> answer = post(base + "/api/v1", authorization, "{\"type\":\"" + type + "\"}");
      assertThat(answer.statusCode()).as(type).isEqualTo(200);
      assertThat(answer.body()).as(type).contains("secret-task").doesNotContain(SECRET_VALUE);
    }
    HttpResponse<String> state = get(base + "/state", authorization);
    assertThat(state.statusCode()).isEqualTo(200);
    assertThat(state.body()).contains("secret-task").doesNotContain(SECRET_VALUE);

    // The Kill button on the task's page kills it, and the page shows it killed without a reload.
    browser.eval("location.hash = '#task/' + encodeURIComponent('" + frameworkId + "/secret-task')");
    await().atMost(WAIT).until(() -> "TASK_RUNNING".equals(
        browser.text("document.getElementById('task-state').textContent")));
    await().atMost(WAIT).until(() -> browser.eval(
        "!!document.querySelector('#task-actions button[data-kill]')").equals(true));
    browser.eval("document.querySelector('#task-actions button[data-kill]').click()");
    framework.awaitUpdate("secret-task", TaskState.TASK_KILLED);
    await().atMost(WAIT).until(() -> "TASK_KILLED".equals(
        browser.text("document.getElementById('task-state').textContent")));
    assertThat(browser.eval("window.__notReloaded === true")).isEqualTo(true);
    assertThat(browser.eval("document.getElementById('login').hidden")).isEqualTo(true);
  }

  private static HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url, String authorization, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", authorization).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
