package io.meso.agent;

import io.meso.testkit.Fifos;
import io.meso.testkit.OnContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.api.server.ApiServerOptions;
import io.meso.cli.Nodes;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master and an agent in one JVM: while the agent's sandbox file IO is stuck (an open of a
 * named pipe, forced on its IO pool), the master's GET_AGENTS and /state show the agent's
 * not_ready_reason, learned from its pongs; once unstuck, the reason goes away.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentNotReadyReportedTest {

  @TempDir
  Path dir;

  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theMasterReportsAnAgentWhoseSandboxIoIsStuck() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAgentPingIntervalMillis(200),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0)).await(30, TimeUnit.SECONDS);
    AgentVerticle agent = Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(dir.resolve("work").toString())
        .setResources("cpus:1;mem:256;disk:10").setSandboxReadTimeoutMillis(300)).await(30, TimeUnit.SECONDS);
    agent.registered().await(30, TimeUnit.SECONDS);
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(master.port()));
    CTX = vertx.getOrCreateContext();
    assertThat(notReadyReason(http)).isNull();

    Path pipe = dir.resolve("pipe");
    Fifos.make(pipe);
    Promise<Object> forced = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> agent.sandboxIo().<Object>submit("'pipe' (forced)", () -> {
      try (FileChannel channel = FileChannel.open(pipe, StandardOpenOption.READ)) {
        return channel.size();
      }
    }).onComplete(forced));
    Throwable timedOut = forced.future().transform(ar -> Future.succeededFuture(ar.cause())).await(20, TimeUnit.SECONDS);
    assertThat(timedOut).isInstanceOf(SandboxFiles.Refusal.class);

    await().atMost(Duration.ofSeconds(20)).until(() -> notReadyReason(http) != null);
    assertThat(notReadyReason(http)).contains("stuck").contains("'pipe' (forced)");
    JsonObject state = get(http, HttpMethod.GET, "/state", null);
    assertThat(state.getJsonArray("slaves").getJsonObject(0).getString("not_ready_reason")).contains("stuck");

    try (FileChannel writer = FileChannel.open(pipe, StandardOpenOption.WRITE)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> notReadyReason(http) == null);
    }
  }

  private static String notReadyReason(HttpClient http) throws Exception {
    JsonObject agents = get(http, HttpMethod.POST, "/api/v1", "{\"type\":\"GET_AGENTS\"}");
    return agents.getJsonObject("get_agents").getJsonArray("agents").getJsonObject(0).getString("not_ready_reason");
  }

  /** The context the test's HTTP calls start on (see OnContext). */
  private static io.vertx.core.Context CTX;

  private static JsonObject get(HttpClient http, HttpMethod method, String uri, String body) throws Exception {
    return io.meso.testkit.OnContext.run(CTX, () -> http.request(new RequestOptions().setMethod(method).setURI(uri)).compose(req -> {
      req.putHeader("Content-Type", "application/json");
      return (body == null ? req.send() : req.send(body)).compose(resp -> resp.body());
    }).map(b -> new JsonObject(b.toString()))).await(30, TimeUnit.SECONDS);
  }
}
