package io.meso.it;

import io.meso.testkit.OnContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.proto.AgentSummary;
import io.meso.proto.MarkAgentGoneRequest;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.v1.AgentID;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * From the built jar: an operator marks a running `meso agent` gone over the Mesos operator HTTP
 * API. The agent process stops by itself with exit status 3 and says why; started again on the
 * same work dir it registers under a new id, and the old id stays refused.
 */
@Timeout(value = 200, unit = TimeUnit.SECONDS)
class MarkAgentGoneIT {

  static final Duration STARTUP = Duration.ofSeconds(90);
  MesoProcess master;
  MesoProcess agent;
  Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (master != null) {
      master.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aGoneAgentProcessStopsAndComesBackAsANewAgent() throws Exception {
    String cluster = "meso-gone-it-" + UUID.randomUUID();
    int httpPort = MesoProcess.freePort();
    int masterClusterPort = MesoProcess.freePort();
    Path workDir = Files.createTempDirectory("meso-gone-it");
    String[] agentArgs = {"agent", "--join", "127.0.0.1:" + masterClusterPort, "--host", "127.0.0.1",
        "--cluster-name", cluster, "--cluster-port", Integer.toString(MesoProcess.freePort()),
        "--port", Integer.toString(MesoProcess.freePort()), "--work-dir", workDir.toString(),
        "--resources", "cpus:2;mem:512;disk:100"};
    master = MesoProcess.start("gone-master", "master", "--host", "127.0.0.1", "--port", Integer.toString(httpPort),
        "--cluster-name", cluster, "--cluster-port", Integer.toString(masterClusterPort));
    master.awaitOutput("cluster\\s+(127\\.0\\.0\\.1:\\d+)", STARTUP);
    agent = MesoProcess.start("gone-agent", agentArgs);
    vertx = Vertx.vertx();
    GrpcOperatorClient operator = new GrpcOperatorClient(vertx, "127.0.0.1", httpPort);
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> agents(operator).size() == 1);
    String first = agents(operator).get(0).getAgentInfo().getId().getValue();

    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(httpPort).setKeepAlive(false));
    int status = OnContext.run(vertx, () -> http.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/api/v1").putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer("{\"type\":\"MARK_AGENT_GONE\",\"mark_agent_gone\":{\"agent_id\":"
            + "{\"value\":\"" + first + "\"}}}")))
        .map(resp -> resp.statusCode())).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(status).isEqualTo(200);

    // The agent process ends by itself, exit status 3, saying what happened and what to do.
    assertThat(agent.process.waitFor(60, TimeUnit.SECONDS)).as("the gone agent's process exits").isTrue();
    assertThat(agent.process.exitValue()).isEqualTo(3);
    assertThat(Files.readString(agent.stderr)).contains("marked gone by the operator");
    assertThat(agents(operator)).isEmpty();

    // Restarted on the same work dir it is a new agent; the old id is never admitted again.
    agent = MesoProcess.start("gone-agent-again", agentArgs);
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> agents(operator).size() == 1);
    String second = agents(operator).get(0).getAgentInfo().getId().getValue();
    assertThat(second).isNotEqualTo(first);
    // Marking the old id again is accepted and changes nothing: the new agent stays.
    operator.markAgentGone(MarkAgentGoneRequest.newBuilder().setAgentId(AgentID.newBuilder().setValue(first))
        .build()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(agents(operator)).extracting(a -> a.getAgentInfo().getId().getValue()).containsExactly(second);
    assertThat(agent.process.isAlive()).isTrue();
  }

  static List<AgentSummary> agents(GrpcOperatorClient operator) throws Exception {
    return operator.getState().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).getAgentsList();
  }
}
