package io.meso.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.meso.agent.AgentOptions;
import io.meso.api.server.ApiServerOptions;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * No secret in a log line, with every Meso and Vert.x logger at DEBUG: requests refused for wrong,
 * malformed or scheme-less credentials on the master's HTTP port, its gRPC door and an agent's
 * port, requests with the right credentials that fail for other reasons, and a task launched with
 * a SECRET environment variable (its value is also in neither GET_TASKS, GET_STATE, the master's
 * /state nor the agent's /state). Every log event (message and stack trace) is captured by a
 * logback appender on the root logger.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecretsNotLoggedTest {

  private static final String OPS_SECRET = "ops-right-secret-4711";
  private static final String WRONG_SECRET = "wrong-secret-0815";
  private static final String RAW_TOKEN = "rawtoken-hunter3";
  private static final String ENV_SECRET = "env-secret-value-hunter2";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Map<String, Level> levels = new java.util.HashMap<>();
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(captured);
    captured.stop();
    levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private void capture() {
    for (String name : List.of("io.meso", "io.vertx")) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      levels.put(name, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
    captured.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(captured);
  }

  private static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void refusedAndFailingRequestsAndSecretEnvironmentsLeaveNoSecretInTheLog() throws Exception {
    Authenticator authenticator = new Authenticator(Credentials.parse("test credentials",
        List.of("ops:" + PasswordHash.bcrypt(OPS_SECRET.toCharArray(), 4))), null, 16);
    capture();
    vertx = io.meso.cluster.MesoCluster.startLocal(new VertxOptions());
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100)
            .setAuthenticator(authenticator),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0).setAuthenticator(authenticator))
        .await(30, TimeUnit.SECONDS);
    io.meso.agent.AgentVerticle agent = Nodes.deployAgent(vertx, new AgentOptions()
        .setWorkDir(Files.createTempDirectory("meso-secrets-agent").toString()).setResources("cpus:2;mem:1024;disk:100")
        .setHostname("127.0.0.1").setPort(0).setServeHttp(true)
        .setAuthenticator(authenticator)).await(30, TimeUnit.SECONDS);
    String base = "http://127.0.0.1:" + master.port();
    String agentBase = "http://127.0.0.1:" + agent.agentInfo().getPort();
    String right = basic("ops", OPS_SECRET);

    // Refused: wrong secret, a scheme-less raw token, a malformed bearer, on every kind of path.
    List<String> refusedAuthorizations = List.of(basic("ops", WRONG_SECRET), basic("stranger", WRONG_SECRET),
        RAW_TOKEN, "Bearer " + RAW_TOKEN, "Basic " + RAW_TOKEN);
    for (String authorization : refusedAuthorizations) {
      for (String url : List.of(base + "/state", base + "/api/v1", base + "/v2/apps", base + "/ui/events",
          agentBase + "/state")) {
        HttpResponse<String> answer = send(url, authorization, url.endsWith("/api/v1") ? "{\"type\":\"GET_STATE\"}"
            : null);
        assertThat(answer.statusCode()).as(url).isEqualTo(401);
        assertThat(answer.body()).as(url).doesNotContain(WRONG_SECRET).doesNotContain(RAW_TOKEN);
      }
    }
    GrpcSchedulerClient wrong = new GrpcSchedulerClient(vertx, "127.0.0.1", master.port())
        .withCredentials(ClientCredentials.basic("ops", WRONG_SECRET));
    assertThatThrownBy(() -> wrong.subscribe(FrameworkInfo.newBuilder().setName("wrong").setUser("").build(), e -> {})
        .await(30, TimeUnit.SECONDS)).hasMessageContaining("wrong principal or secret");

    // Right credentials, failing requests: a body that is not JSON, an unknown call, an unknown path.
    assertThat(send(base + "/api/v1", right, "{not json " + ENV_SECRET).statusCode()).isEqualTo(400);
    assertThat(send(base + "/api/v1", right, "{\"type\":\"NO_SUCH_CALL\"}").statusCode()).isBetween(400, 499);
    assertThat(send(base + "/api/v1/scheduler", right, "{\"type\":\"SUBSCRIBE\"}").statusCode()).isBetween(400, 499);
    assertThat(send(base + "/no/such/path", right, null).statusCode()).isEqualTo(404);

    // A task with a SECRET environment variable, launched and listed.
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", master.port())
        .withCredentials(ClientCredentials.basic("ops", OPS_SECRET));
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("secrets").setUser("").setPrincipal("ops").build(),
        framework::onEvent).await(30, TimeUnit.SECONDS);
    Offer offer = framework.awaitOffer(0);
    TaskInfo task = Launches.task("secret-env", offer, "sleep 300", 0.5, 64).toBuilder()
        .setCommand(CommandInfo.newBuilder().setValue("sleep 300").setEnvironment(Environment.newBuilder()
            .addVariables(Environment.Variable.newBuilder().setName("API_TOKEN")
                .setType(Environment.Variable.Type.SECRET).setValue(ENV_SECRET)))).build();
    client.accept(List.of(offer.getId()), List.of(Launches.launch(task)), null).await(30, TimeUnit.SECONDS);
    framework.awaitUpdate("secret-env", TaskState.TASK_RUNNING);
    for (String type : List.of("GET_TASKS", "GET_STATE")) {
      HttpResponse<String> shown = send(base + "/api/v1", right, "{\"type\":\"" + type + "\"}");
      assertThat(shown.statusCode()).isEqualTo(200);
      assertThat(shown.body()).as(type).contains("secret-env").doesNotContain(ENV_SECRET);
    }
    for (String url : List.of(base + "/state", agentBase + "/state")) {
      HttpResponse<String> shown = send(url, right, null);
      assertThat(shown.statusCode()).as(url).isEqualTo(200);
      assertThat(shown.body()).as(url).contains("secret-env").doesNotContain(ENV_SECRET);
    }

    // The log saw all of it (the refusals are there), and no secret, in any encoding.
    await().atMost(WAIT).until(() -> logText().contains("request refused path=/api/v1"));
    String log = logText();
    assertThat(log).contains("request refused path=/state").contains("secret-env");
    List<String> forbidden = new ArrayList<>(List.of(OPS_SECRET, WRONG_SECRET, RAW_TOKEN, ENV_SECRET));
    for (String authorization : refusedAuthorizations) {
      forbidden.add(authorization.substring(authorization.indexOf(' ') + 1));
    }
    forbidden.add(right.substring("Basic ".length()));
    for (String secret : forbidden) {
      assertThat(log).as("the log holds a secret").doesNotContain(secret);
    }
  }

  private String logText() {
    StringBuilder out = new StringBuilder();
    for (ILoggingEvent event : List.copyOf(captured.list)) {
      out.append(event.getLoggerName()).append(' ').append(event.getFormattedMessage()).append('\n');
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        out.append(ThrowableProxyUtil.asString(thrown)).append('\n');
      }
    }
    return out.toString();
  }

  private static HttpResponse<String> send(String url, String authorization, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", authorization);
    if (body != null) {
      request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }
    return HttpClient.newHttpClient().send(request.build(), url.endsWith("/ui/events")
        ? info -> HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8) : HttpResponse.BodyHandlers.ofString());
  }
}
