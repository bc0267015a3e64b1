package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.executor.Isolation;
import io.meso.security.acl.Acls;
import io.meso.security.authn.Authenticator;
import io.meso.security.authn.Credentials;
import io.meso.security.authn.PasswordHash;
import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
import io.meso.v1.TaskState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own HTTP port behind the same gate as the master's: without or with wrong
 * credentials every endpoint but /health is 401 with the Basic and Bearer challenges, the right
 * ones are served, a foreign Host (DNS rebinding) or Origin is refused even with them, and a
 * SECRET environment variable's value is not in the agent's /state. With ACLs, /state and
 * /monitor/statistics show each principal only the frameworks and tasks it may view.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentHttpAuthTest {

  private static final String SECRET_VALUE = "agent-state-hunter2";

  /** ops sees everything, dev the frameworks but not their tasks, eve (authenticated) nothing. */
  private static final String ACLS = """
      {"view_frameworks": [{"principals": {"values": ["ops", "dev"]}, "users": {"type": "ANY"}}],
       "view_tasks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}]}
      """;

  @TempDir
  Path workDir;

  private Vertx vertx;
  private RecordingMaster master;
  private AgentVerticle agent;
  private AgentHttp http;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    MesoCodecs.register(vertx);
    master = new RecordingMaster(vertx);
    master.autoAck = true;
    master.start().await(10, TimeUnit.SECONDS);
    Credentials credentials = Credentials.parse("test credentials",
        List.of("ops:" + PasswordHash.bcrypt("right-secret".toCharArray(), 4),
            "dev:" + PasswordHash.bcrypt("dev-secret".toCharArray(), 4),
            "eve:" + PasswordHash.bcrypt("eve-secret".toCharArray(), 4)));
    agent = new AgentVerticle(new AgentOptions().setWorkDir(workDir.toString()).setHostname("127.0.0.1").setPort(0)
        .setServeHttp(true).setResources("cpus:2;mem:1024;disk:1024").setIsolation(Isolation.POSIX)
        .setKillGracePeriodMillis(500).setAuthenticator(new Authenticator(credentials, null, 16))
        .setAllowedHosts(List.of("agent.example.org")).setAcls(Acls.parse(ACLS, "test ACLs")));
    vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    agent.registered().await(10, TimeUnit.SECONDS);
    http = new AgentHttp(vertx, agent.agentInfo().getPort());
  }

  private static Map<String, String> basic(String principal, String secret) {
    return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret)
        .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void everyEndpointButHealthNeedsTheRightCredentials() throws Exception {
    List<String> guarded = List.of("/state", "/monitor/statistics", "/metrics/snapshot", "/metrics",
        "/slave(1)/state", "/no-such-endpoint");
    for (String path : guarded) {
      AgentHttp.Answer missing = http.get(path);
      assertThat(missing.status()).as(path).isEqualTo(401);
      assertThat(missing.body()).as(path).startsWith("unauthenticated: no credentials");
      AgentHttp.Answer wrong = http.call(HttpMethod.GET, path, basic("ops", "wrong-secret"));
      assertThat(wrong.status()).as(path).isEqualTo(401);
      assertThat(wrong.body()).as(path).contains("wrong principal or secret").doesNotContain("wrong-secret");
      AgentHttp.Answer stranger = http.call(HttpMethod.GET, path, basic("nobody-known", "right-secret"));
      assertThat(stranger.status()).as(path).isEqualTo(401);
    }
    // Probes stay open.
    assertThat(http.get("/health").status()).isEqualTo(200);
    assertThat(http.get("/slave(1)/health").status()).isEqualTo(200);

    Map<String, String> ops = basic("ops", "right-secret");
    AgentHttp.Answer state = http.call(HttpMethod.GET, "/state", ops);
    assertThat(state.status()).isEqualTo(200);
    assertThat(state.body()).contains(agent.agentId());
    assertThat(http.call(HttpMethod.GET, "/metrics/snapshot", ops).status()).isEqualTo(200);
    assertThat(http.call(HttpMethod.GET, "/monitor/statistics", ops).status()).isEqualTo(200);
    assertThat(http.call(HttpMethod.GET, "/metrics", ops).status()).isEqualTo(200);
    assertThat(http.call(HttpMethod.GET, "/no-such-endpoint", ops).status()).isEqualTo(404);
  }

  @Test
  void aForeignHostOrOriginIsRefusedEvenWithCredentials() throws Exception {
    Map<String, String> ops = basic("ops", "right-secret");
    AgentHttp.Answer rebinding = http.call(HttpMethod.GET, "/state", Map.of("Authorization", ops.get("Authorization"),
        "Host", "evil.example:" + agent.agentInfo().getPort()));
    assertThat(rebinding.status()).isEqualTo(421);
    assertThat(rebinding.body()).contains("evil.example");
    // Even /health: a rebinding page learns nothing from the port.
    assertThat(http.call(HttpMethod.GET, "/health", Map.of("Host", "evil.example")).status()).isEqualTo(421);
    AgentHttp.Answer foreignOrigin = http.call(HttpMethod.GET, "/state", Map.of("Authorization",
        ops.get("Authorization"), "Origin", "http://evil.example"));
    assertThat(foreignOrigin.status()).isEqualTo(403);
    // A name given with --allowed-hosts is served.
    assertThat(http.call(HttpMethod.GET, "/state", Map.of("Authorization", ops.get("Authorization"),
        "Host", "agent.example.org")).status()).isEqualTo(200);
  }

  @Test
  void aSecretEnvironmentValueIsNotInTheAgentsState() throws Exception {
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.run(Tasks.framework(Tasks.FRAMEWORK),
        Tasks.task("with-secret", "sleep 30").toBuilder()
            .setCommand(CommandInfo.newBuilder().setValue("sleep 30").setEnvironment(Environment.newBuilder()
                .addVariables(Environment.Variable.newBuilder().setName("API_TOKEN")
                    .setType(Environment.Variable.Type.SECRET).setValue(SECRET_VALUE))))
            .addAllResources(io.meso.allocator.Resources.parse("cpus:0.5;mem:64").toProto()).build()));
    await().atMost(Duration.ofSeconds(30)).until(() -> master.distinctStatesOf("with-secret")
        .contains(TaskState.TASK_RUNNING));
    Map<String, String> ops = basic("ops", "right-secret");
    String state = http.call(HttpMethod.GET, "/state", ops).body();
    assertThat(state).contains("with-secret").doesNotContain(SECRET_VALUE);
    assertThat(http.call(HttpMethod.GET, "/monitor/statistics", ops).body()).doesNotContain(SECRET_VALUE);
    assertThat(http.call(HttpMethod.GET, "/metrics", ops).body()).doesNotContain(SECRET_VALUE);
  }

  @Test
  void stateAndStatisticsShowEachPrincipalOnlyWhatItsAclsLetItView() throws Exception {
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.run(Tasks.framework(Tasks.FRAMEWORK),
        Tasks.task("watched", "sleep 30").toBuilder()
            .addAllResources(io.meso.allocator.Resources.parse("cpus:0.5;mem:64").toProto()).build()));
    await().atMost(Duration.ofSeconds(30)).until(() -> master.distinctStatesOf("watched")
        .contains(TaskState.TASK_RUNNING));

    // ops may view frameworks and tasks: the task, its sandbox and its usage are shown.
    JsonObject ops = new JsonObject(http.call(HttpMethod.GET, "/state", basic("ops", "right-secret")).body());
    assertThat(ops.getJsonArray("frameworks")).hasSize(1);
    JsonObject framework = ops.getJsonArray("frameworks").getJsonObject(0);
    assertThat(framework.getString("id")).isEqualTo(Tasks.FRAMEWORK);
    assertThat(framework.getJsonArray("executors").encode()).contains("\"watched\"").contains("directory");
    await().atMost(Duration.ofSeconds(30)).until(() -> http.call(HttpMethod.GET, "/monitor/statistics",
        basic("ops", "right-secret")).body().contains("\"watched\""));

    // dev may view frameworks but not tasks: the framework without its executors, no usage.
    AgentHttp.Answer devState = http.call(HttpMethod.GET, "/state", basic("dev", "dev-secret"));
    assertThat(devState.status()).isEqualTo(200);
    JsonArray devFrameworks = new JsonObject(devState.body()).getJsonArray("frameworks");
    assertThat(devFrameworks).hasSize(1);
    assertThat(devFrameworks.getJsonObject(0).getString("id")).isEqualTo(Tasks.FRAMEWORK);
    assertThat(devFrameworks.getJsonObject(0).getJsonArray("executors")).isEmpty();
    assertThat(devState.body()).doesNotContain("watched");
    AgentHttp.Answer devUsage = http.call(HttpMethod.GET, "/monitor/statistics", basic("dev", "dev-secret"));
    assertThat(devUsage.status()).isEqualTo(200);
    assertThat(new JsonArray(devUsage.body())).isEmpty();

    // eve is authenticated but may view nothing: the agent itself, no frameworks, no tasks.
    AgentHttp.Answer eveState = http.call(HttpMethod.GET, "/state", basic("eve", "eve-secret"));
    assertThat(eveState.status()).isEqualTo(200);
    JsonObject eve = new JsonObject(eveState.body());
    assertThat(eve.getString("id")).isEqualTo(agent.agentId());
    assertThat(eve.getJsonArray("frameworks")).isEmpty();
    assertThat(eveState.body()).doesNotContain("watched").doesNotContain(Tasks.FRAMEWORK);
    assertThat(new JsonArray(http.call(HttpMethod.GET, "/monitor/statistics", basic("eve", "eve-secret")).body()))
        .isEmpty();
    // Node-wide counts need authentication only.
    assertThat(http.call(HttpMethod.GET, "/metrics/snapshot", basic("eve", "eve-secret")).status()).isEqualTo(200);
  }
}
