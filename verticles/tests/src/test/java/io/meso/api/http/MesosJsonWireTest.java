package io.meso.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.agent.AgentOptions;
import io.meso.api.server.ApiServerOptions;
import io.meso.cli.Nodes;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JSON a Mesos client library reads, end to end through a master, an agent with ports and
 * the master's HTTP port: 64-bit integers (port ranges) are JSON numbers, as Mesos writes them,
 * on the scheduler API's event stream and on the operator API.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MesosJsonWireTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String JSON = "application/json";
  static Vertx vertx;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    port = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0)).await(30, TimeUnit.SECONDS).port();
    Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-json-wire").toString())
        .setResources("cpus:1;mem:256;disk:100;ports:[31000-31009]")).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static JsonObject portRanges(JsonArray resources) {
    return resources.stream().map(o -> (JsonObject) o).filter(r -> r.getString("name").equals("ports"))
        .findFirst().orElseThrow(() -> new AssertionError("no ports in " + resources))
        .getJsonObject("ranges").getJsonArray("range").getJsonObject(0);
  }

  @Test
  void offersOnTheHttpSchedulerStreamHaveNumericRanges() throws Exception {
    try (RawStream s = RawStream.post(port, "/api/v1/scheduler", Map.of("Content-Type", JSON, "Accept", JSON),
        "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"\",\"name\":\"json-wire\"}}}"
            .getBytes(StandardCharsets.UTF_8))) {
      assertThat(s.status).as(s.statusLine).isEqualTo(200);
      String offers;
      do {
        byte[] record = s.next(WAIT);
        assertThat(record).as("the stream ended before an OFFERS event").isNotSameAs(RawStream.EOF);
        offers = new String(record, StandardCharsets.UTF_8);
      } while (!offers.startsWith("{\"type\":\"OFFERS\""));

      assertThat(offers).contains("{\"begin\":31000,\"end\":31009}");
      JsonObject range = portRanges(new JsonObject(offers).getJsonObject("offers").getJsonArray("offers")
          .getJsonObject(0).getJsonArray("resources"));
      assertThat(range.getValue("begin")).isInstanceOf(Number.class);
      assertThat(range.getLong("end")).isEqualTo(31009L);
    }
  }

  @Test
  void operatorGetAgentsHasNumericRanges() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/v1")).timeout(WAIT)
        .header("Content-Type", JSON).POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"GET_AGENTS\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject agent = new JsonObject(r.body()).getJsonObject("get_agents").getJsonArray("agents").getJsonObject(0);
    JsonObject range = portRanges(agent.getJsonObject("agent_info").getJsonArray("resources"));
    assertThat(range.getValue("begin")).as(r.body()).isInstanceOf(Number.class);
    assertThat(r.body()).contains("{\"begin\":31000,\"end\":31009}");
  }
}
