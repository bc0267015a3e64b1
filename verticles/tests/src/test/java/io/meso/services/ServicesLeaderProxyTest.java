package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.services.ServicesFixture.Response;
import io.meso.services.api.ServicesApi;
import io.meso.services.api.ServicesLeader;
import io.meso.services.runtime.ServicesFramework;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /v2} on a master that does not lead, Marathon's LeaderProxyFilter: every request is
 * forwarded to the leader (the fixture's framework) as it came, body and query included, and its
 * reply comes back with {@code X-Marathon-Leader} and {@code X-Marathon-Via}; the event stream
 * comes through open, event by event; a loop, no leader and an unreachable leader get Marathon's
 * statuses and messages.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServicesLeaderProxyTest {

  static ServicesFixture f;
  /** A standby forwarding to the fixture's server. */
  static HttpServer standby;

  @BeforeAll
  static void start() throws Exception {
    f = ServicesFixture.start("meso-services-proxy");
    standby = standby(() -> "127.0.0.1:" + f.port());
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  /** A server whose /v2 runs no framework and takes the leader's address from {@code leader}. */
  static HttpServer standby(Supplier<String> leader) {
    AtomicInteger port = new AtomicInteger();
    Router router = Router.router(f.vertx);
    ServicesApi.mount(f.vertx, router, new ServicesLeader() {
      @Override
      public ServicesFramework local() {
        return null;
      }

      @Override
      public String leader() {
        return leader.get();
      }

      @Override
      public String self() {
        return "127.0.0.1:" + port.get();
      }
    });
    HttpServer server = f.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().join();
    port.set(server.actualPort());
    return server;
  }

  static Response viaStandby(HttpMethod method, String path, Object body) {
    return f.callAt(standby.actualPort(), method, path, body, Map.of());
  }

  @Test
  void requestsAreForwardedToTheLeaderWithMarathonsHeaders() {
    Response created = viaStandby(HttpMethod.POST, "/v2/apps", new JsonObject().put("id", "/proxy/web")
        .put("cmd", "sleep 600").put("cpus", 0.1).put("mem", 16).put("instances", 1));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().get("Location")).isEqualTo("/v2/apps/proxy/web");
    assertThat(created.headers().get("Marathon-Deployment-Id")).isNotBlank();
    assertThat(created.headers().get("X-Marathon-Leader")).isEqualTo("http://127.0.0.1:" + f.port());
    assertThat(created.headers().get("X-Marathon-Via")).isEqualTo("1.1 127.0.0.1:" + standby.actualPort());

    // The leader's own replies name it too.
    assertThat(f.get("/v2/apps").headers().get("X-Marathon-Leader")).isEqualTo("http://127.0.0.1:" + f.port());
    // Query strings go along; bodies come back whole.
    Response one = viaStandby(HttpMethod.GET, "/v2/apps?id=proxy/web", null);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().getJsonArray("apps")).hasSize(1);
    assertThat(viaStandby(HttpMethod.GET, "/v2/apps?id=nothing-like-it", null).json().getJsonArray("apps")).isEmpty();
    // Errors come back as the leader sent them.
    Response missing = viaStandby(HttpMethod.GET, "/v2/apps/proxy/none", null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getString("message")).isEqualTo("App '/proxy/none' does not exist");
    // An answer without a body (an app too big for the agent waits in the queue) comes back without one.
    assertThat(viaStandby(HttpMethod.POST, "/v2/apps", new JsonObject().put("id", "/proxy/big")
        .put("cmd", "sleep 600").put("cpus", 64).put("mem", 16)).status()).isEqualTo(201);
    Response noDelay = viaStandby(HttpMethod.DELETE, "/v2/queue/proxy/big/delay", null);
    assertThat(noDelay.status()).isEqualTo(204);
    assertThat(noDelay.body()).isEmpty();
    // The leader, as the leader sees itself.
    assertThat(viaStandby(HttpMethod.GET, "/v2/leader", null).json())
        .isEqualTo(new JsonObject().put("leader", "127.0.0.1:" + f.port()));
    assertThat(viaStandby(HttpMethod.GET, "/v2/info", null).json().getString("leader"))
        .isEqualTo("127.0.0.1:" + f.port());
  }

  @Test
  void theEventStreamComesThroughOpenEventByEvent() {
    StringBuffer received = new StringBuffer();
    assertThat(f.openStreamAt(standby.actualPort(), "/v2/events", "text/event-stream", received)).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> received.toString().contains("event: event_stream_attached"));
    String id = viaStandby(HttpMethod.POST, "/v2/apps", new JsonObject().put("id", "/proxy/events")
        .put("cmd", "sleep 600").put("cpus", 0.1).put("mem", 16)).headers().get("Marathon-Deployment-Id");
    await().atMost(Duration.ofSeconds(60)).until(() -> ServicesEventsTest.events(received, "deployment_success")
        .stream().anyMatch(e -> e.getString("id").equals(id)));
    // Without the event-stream type: the leader's 405, forwarded.
    assertThat(f.openStreamAt(standby.actualPort(), "/v2/events", "application/json", new StringBuffer()))
        .isEqualTo(405);
  }

  @Test
  void aLoopNoLeaderAndAnUnreachableLeaderGetMarathonsAnswers() throws Exception {
    Response loop = f.callAt(standby.actualPort(), HttpMethod.GET, "/v2/apps", null,
        Map.of("X-Marathon-Via", "1.1 127.0.0.1:" + standby.actualPort()));
    assertThat(loop.status()).isEqualTo(502);
    assertThat(loop.json()).isEqualTo(new JsonObject().put("message", "Detected proxying loop."));

    HttpServer leaderless = standby(() -> null);
    Response none = f.callAt(leaderless.actualPort(), HttpMethod.GET, "/v2/apps", null, Map.of());
    assertThat(none.status()).isEqualTo(503);
    assertThat(none.json()).isEqualTo(new JsonObject().put("message", "Could not determine the current leader"));

    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    HttpServer toDead = standby(() -> "127.0.0.1:" + closed);
    Response dead = f.callAt(toDead.actualPort(), HttpMethod.GET, "/v2/apps", null, Map.of());
    assertThat(dead.status()).isEqualTo(502);
    assertThat(dead.json()).isEqualTo(new JsonObject().put("message", "Connection to leader refused."));
  }
}
