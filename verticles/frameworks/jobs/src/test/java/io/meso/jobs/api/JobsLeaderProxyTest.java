package io.meso.jobs.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A master whose jobs framework is not active proxies {@code /v1/scheduler} to the leader as
 * Chronos does, and when that fails answers with Chronos's body; {@code /leader} is answered
 * here, never proxied. Real HTTP servers on 127.0.0.1, no framework needed: the proxying
 * happens before the API looks for one. (Proxying to a live leader is covered end to end by
 * {@code JobsFailoverIT}.)
 */
class JobsLeaderProxyTest {

  Vertx vertx;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** A standby's API on its own server; {@code leader} says where the leader is. */
  HttpServer standby(AtomicReference<String> leader) throws Exception {
    Router router = Router.router(vertx);
    AtomicReference<String> self = new AtomicReference<>();
    JobsApi.mount(vertx, router, () -> null, leader::get, self::get);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .await(30, TimeUnit.SECONDS);
    self.set("127.0.0.1:" + server.actualPort());
    return server;
  }

  HttpResponse<String> send(HttpServer server, String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aLeaderThatCannotBeReachedGetsChronosProxyError() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    HttpServer standby = standby(new AtomicReference<>("127.0.0.1:" + closed));
    HttpResponse<String> r = send(standby, "POST", "/v1/scheduler/iso8601");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
    assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("status", "Internal Server Error")
        .put("message", "Error proxying request to leader (maybe the leadership just changed?)"));
  }

  @Test
  void leaderIsAnsweredHereNotProxied() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    HttpServer standby = standby(new AtomicReference<>("127.0.0.1:" + closed));
    HttpResponse<String> r = send(standby, "GET", "/v1/scheduler/leader");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("leader", "127.0.0.1:" + closed));
  }

  @Test
  void twoMastersNamingEachOtherDetectTheLoop() throws Exception {
    AtomicReference<String> leaderOfA = new AtomicReference<>();
    AtomicReference<String> leaderOfB = new AtomicReference<>();
    HttpServer a = standby(leaderOfA);
    HttpServer b = standby(leaderOfB);
    leaderOfA.set("127.0.0.1:" + b.actualPort());
    leaderOfB.set("127.0.0.1:" + a.actualPort());
    HttpResponse<String> r = send(a, "GET", "/v1/scheduler/jobs");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("status")).isEqualTo("Bad Gateway");
    assertThat(body.getString("message")).contains("proxying loop");
  }

  @Test
  void withNoOtherLeaderKnownTheApiAnswers503NamingNone() throws Exception {
    HttpServer standby = standby(new AtomicReference<>());
    HttpResponse<String> r = send(standby, "GET", "/v1/scheduler/jobs");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(new JsonObject(r.body()).getString("status")).isEqualTo("Service Unavailable");
  }
}
