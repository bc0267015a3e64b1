package io.meso.webui;

import io.meso.testkit.OnContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.api.server.ApiServerOptions;
import io.meso.cli.Nodes;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.RecordIO;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.master.MasterOptions;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskState;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator HTTP API against a real master and agent in one JVM: every endpoint, the
 * SUBSCRIBE stream and the UI's event stream, and bad input on purpose (unknown call types,
 * malformed JSON, wrong media types, path traversal on /files).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OperatorHttpTest {

  static Vertx vertx;
  static HttpClient http;
  static io.vertx.core.Context CTX;
  static int port;
  static GrpcSchedulerClient client;
  static FrameworkRecorder framework;
  static String frameworkId;
  static int offersSeen;

  record Resp(int status, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0)).await(30, TimeUnit.SECONDS);
    port = master.port();
    Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-webui").toString())
        .setResources("cpus:2;mem:1024;disk:100")).await(30, TimeUnit.SECONDS);
    http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    CTX = vertx.getOrCreateContext();
    client = new GrpcSchedulerClient(vertx, "127.0.0.1", port);
    framework = new FrameworkRecorder(client);
    frameworkId = client.subscribe(FrameworkInfo.newBuilder().setName("webui-test").setUser("").build(),
        framework::onEvent).await(30, TimeUnit.SECONDS).getValue();
    launch("hello", "echo hello-from-meso; echo oops >&2");
    framework.awaitUpdate("hello", TaskState.TASK_FINISHED);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static synchronized void launch(String taskId, String command) throws Exception {
    Offer offer = framework.awaitOffer(offersSeen);
    offersSeen = framework.offers().size();
    client.accept(List.of(offer.getId()), List.of(Launches.launch(Launches.task(taskId, offer, command, 0.1, 32))), null)
        .await(30, TimeUnit.SECONDS);
  }

  static Resp get(String uri) throws Exception {
    return send(HttpMethod.GET, uri, null, null, null);
  }

  static Resp post(String contentType, String body) throws Exception {
    return send(HttpMethod.POST, "/api/v1", contentType, null, body);
  }

  static Resp send(HttpMethod method, String uri, String contentType, String accept, String body) throws Exception {
    return io.meso.testkit.OnContext.run(CTX, () -> http.request(new RequestOptions().setMethod(method).setURI(uri)).compose(req -> {
      if (contentType != null) {
        req.putHeader("Content-Type", contentType);
      }
      if (accept != null) {
        req.putHeader("Accept", accept);
      }
      return (body == null ? req.send() : req.send(body))
          .compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), resp.headers(), b.toString())));
    })).await(30, TimeUnit.SECONDS);
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- v0 endpoints --------------------------------------------------------------------

  @Test
  void stateIsMesosShaped() throws Exception {
    for (String path : List.of("/state", "/master/state")) {
      Resp r = get(path);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.headers().get("Content-Type")).startsWith("application/json");
      JsonObject state = r.json();
      assertThat(state.getString("leader")).startsWith("master@127.0.0.1:" + port);
      assertThat(state.getJsonArray("slaves")).hasSize(1);
      JsonObject agent = state.getJsonArray("slaves").getJsonObject(0);
      assertThat(agent.getJsonObject("resources").getDouble("cpus")).isEqualTo(2.0);
      JsonObject fw = state.getJsonArray("frameworks").stream().map(o -> (JsonObject) o)
          .filter(f -> f.getString("id").equals(frameworkId)).findFirst().orElseThrow();
      assertThat(fw.getString("name")).isEqualTo("webui-test");
      assertThat(fw.getJsonArray("completed_tasks").stream().map(t -> ((JsonObject) t).getString("id")))
          .contains("hello");
    }
  }

  @Test
  void stateSummaryCountsTasksByState() throws Exception {
    Resp r = get("/state-summary");
    assertThat(r.status()).isEqualTo(200);
    JsonObject agent = r.json().getJsonArray("slaves").getJsonObject(0);
    assertThat(agent.getInteger("TASK_FINISHED")).isGreaterThanOrEqualTo(1);
    assertThat(r.json().getJsonArray("frameworks").getJsonObject(0).containsKey("TASK_RUNNING")).isTrue();
  }

  @Test
  void metricsSnapshotHasMesosNames() throws Exception {
    JsonObject m = get("/metrics/snapshot").json();
    assertThat(m.getDouble("master/cpus_total")).isEqualTo(2.0);
    assertThat(m.getDouble("master/slaves_active")).isEqualTo(1.0);
    assertThat(m.getDouble("master/frameworks_connected")).isGreaterThanOrEqualTo(1.0);
    assertThat(m.getDouble("master/offers_made")).isGreaterThanOrEqualTo(1.0);
    assertThat(m.containsKey("master/tasks_running")).isTrue();
    assertThat(m.getDouble("master/tasks_finished")).isGreaterThanOrEqualTo(1.0);
    assertThat(m.containsKey("allocator/mesos/allocation_run_ms")).isTrue();
  }

  @Test
  void healthRedirectLivezReadyz() throws Exception {
    assertThat(get("/health").status()).isEqualTo(200);
    assertThat(get("/livez").status()).isEqualTo(200);
    Resp ready = get("/readyz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body()).contains("leading");
    Resp redirect = get("/redirect");
    assertThat(redirect.status()).isEqualTo(307);
    assertThat(redirect.headers().get("Location")).isEqualTo("//127.0.0.1:" + port);
  }

  @Test
  void prometheusHasJvmAndMesoMetricsWithoutTaskIds() throws Exception {
    Resp r = get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(r.body()).contains("jvm_memory_used_bytes", "meso_master_tasks{state=\"running\"}",
        "meso_master_agents{state=\"active\"} 1", "meso_master_offers_made_total", "meso_master_status_update_retries_total",
        "meso_master_offers_declined_total", "meso_master_offers_rescinded_total",
        "# TYPE meso_allocator_run_seconds histogram", "meso_allocator_run_seconds_bucket{le=\"+Inf\"}",
        "meso_master_resources{resource=\"cpus\",kind=\"total\"} 2");
    assertThat(r.body()).doesNotContain("hello");
  }

  // ---- v1 operator API -----------------------------------------------------------------

  @Test
  void v1ReadCalls() throws Exception {
    JsonObject state = post("application/json", "{\"type\":\"GET_STATE\"}").json();
    assertThat(state.getString("type")).isEqualTo("GET_STATE");
    assertThat(state.getJsonObject("get_state").getJsonObject("get_agents").getJsonArray("agents")).hasSize(1);

    JsonObject agents = post("application/json", "{\"type\":\"GET_AGENTS\"}").json().getJsonObject("get_agents");
    assertThat(agents.getJsonArray("agents").getJsonObject(0).getJsonObject("agent_info").getString("hostname"))
        .isNotEmpty();

    JsonObject fws = post("application/json", "{\"type\":\"GET_FRAMEWORKS\"}").json().getJsonObject("get_frameworks");
    assertThat(fws.getJsonArray("frameworks").stream()
        .map(f -> ((JsonObject) f).getJsonObject("framework_info").getJsonObject("id").getString("value")))
        .contains(frameworkId);

    JsonObject tasks = post("application/json; charset=utf-8", "{\"type\":\"GET_TASKS\"}").json()
        .getJsonObject("get_tasks");
    assertThat(tasks.getJsonArray("completed_tasks").stream()
        .map(t -> ((JsonObject) t).getJsonObject("task_id").getString("value"))).contains("hello");

    JsonObject roles = post("application/json", "{\"type\":\"GET_ROLES\"}").json().getJsonObject("get_roles");
    assertThat(roles.getJsonArray("roles").stream().map(r -> ((JsonObject) r).getString("name"))).contains("*");

    // Weights and quota set through the operator calls show in GET_ROLES (and so in the Roles page).
    io.vertx.core.eventbus.DeliveryOptions setWeights = new io.vertx.core.eventbus.DeliveryOptions()
        .addHeader(io.meso.codecs.Addresses.ACTION_HEADER, "SetWeights");
    vertx.eventBus().request(io.meso.codecs.Addresses.OPERATOR, io.meso.proto.SetWeightsRequest.newBuilder()
        .addWeights(io.meso.proto.RoleWeight.newBuilder().setRole("analytics").setWeight(3)).build(), setWeights)
        .await(30, java.util.concurrent.TimeUnit.SECONDS);
    vertx.eventBus().request(io.meso.codecs.Addresses.OPERATOR, io.meso.proto.SetQuotaRequest.newBuilder()
        .addQuotas(io.meso.proto.RoleQuota.newBuilder().setRole("analytics")
            .addLimits(io.meso.proto.ResourceQuantity.newBuilder().setName("cpus").setValue(1.5))).build(),
        new io.vertx.core.eventbus.DeliveryOptions().addHeader(io.meso.codecs.Addresses.ACTION_HEADER, "SetQuota"))
        .await(30, java.util.concurrent.TimeUnit.SECONDS);
    JsonObject analytics = post("application/json", "{\"type\":\"GET_ROLES\"}").json().getJsonObject("get_roles")
        .getJsonArray("roles").stream().map(r -> (JsonObject) r).filter(r -> r.getString("name").equals("analytics"))
        .findFirst().orElseThrow();
    assertThat(analytics.getDouble("weight")).isEqualTo(3.0);
    assertThat(analytics.getJsonObject("quota").getJsonObject("limit").getDouble("cpus")).isEqualTo(1.5);

    JsonArray metrics = post("application/json", "{\"type\":\"GET_METRICS\"}").json().getJsonObject("get_metrics")
        .getJsonArray("metrics");
    assertThat(metrics.stream().map(m -> ((JsonObject) m).getString("name"))).contains("master/cpus_used");
  }

  @Test
  void offerSkipsExplainWhyAFrameworkGetsNoOffers() throws Exception {
    GrpcSchedulerClient quiet = new GrpcSchedulerClient(vertx, "127.0.0.1", port);
    try {
      String quietId = quiet.subscribe(FrameworkInfo.newBuilder().setName("webui-quiet").setUser("").build(),
          e -> { }).await(30, TimeUnit.SECONDS).getValue();
      quiet.suppress("*").await(30, TimeUnit.SECONDS);
      // Every allocation run now counts the agent as skipped for it: SUPPRESSED, or NO_FREE_RESOURCES
      // while the other framework of this class holds all of the agent in offers it has not answered.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonObject skips = post("application/json", "{\"type\":\"GET_OFFER_SKIPS\"}").json();
        assertThat(skips.getString("type")).isEqualTo("GET_OFFER_SKIPS");
        JsonObject mine = skips.getJsonObject("get_offer_skips").getJsonArray("frameworks").stream()
            .map(f -> (JsonObject) f)
            .filter(f -> f.getJsonObject("framework_id").getString("value").equals(quietId))
            .findFirst().orElseThrow();
        assertThat(mine.getJsonArray("counts").stream().map(c -> (JsonObject) c)
            .filter(c -> Long.parseLong(String.valueOf(c.getValue("count"))) > 0).map(c -> c.getString("reason")))
            .containsAnyOf("SUPPRESSED", "NO_FREE_RESOURCES");
      });
      quiet.teardown().await(30, TimeUnit.SECONDS);
    } finally {
      quiet.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void v1BadInputIsRefusedWithAClearMessage() throws Exception {
    Resp get = get("/api/v1");
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers().get("Allow")).isEqualTo("POST");

    Resp noType = post(null, "{\"type\":\"GET_STATE\"}");
    assertThat(noType.status()).isEqualTo(415);
    assertThat(noType.body()).contains("application/json");

    Resp textPlain = post("text/plain", "{\"type\":\"GET_STATE\"}");
    assertThat(textPlain.status()).isEqualTo(415);
    assertThat(textPlain.body()).contains("text/plain");

    Resp malformed = post("application/json", "{\"type\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.body()).contains("failed to parse as a JSON");

    Resp notObject = post("application/json", "[1,2]");
    assertThat(notObject.status()).isEqualTo(400);

    Resp empty = post("application/json", "");
    assertThat(empty.status()).isEqualTo(400);

    Resp bogus = post("application/json", "{\"type\":\"BOGUS\"}");
    assertThat(bogus.status()).isEqualTo(400);
    assertThat(bogus.body()).contains("'BOGUS'", "GET_STATE");

    Resp missing = post("application/json", "{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body()).contains("missing");

    Resp accept = send(HttpMethod.POST, "/api/v1", "application/json", "text/html", "{\"type\":\"GET_STATE\"}");
    assertThat(accept.status()).isEqualTo(406);
    assertThat(accept.body()).contains("text/html");

    // Semantic bad input (kill or teardown without an id, of an unknown or ended task or
    // framework) is a row of io.meso.doors.OperatorBadInputTest, run over this door and the others.

    assertThat(get("/state").status()).isEqualTo(200);
  }

  @Test
  void killTaskAndTeardownFramework() throws Exception {
    launch("sleeper", "sleep 120");
    framework.awaitUpdate("sleeper", TaskState.TASK_RUNNING);
    Resp kill = post("application/json", "{\"type\":\"KILL_TASK\",\"kill_task\":{\"task_id\":{\"value\":\"sleeper\"},"
        + "\"framework_id\":{\"value\":\"" + frameworkId + "\"}}}");
    assertThat(kill.status()).isEqualTo(202);
    framework.awaitUpdate("sleeper", TaskState.TASK_KILLED);

    GrpcSchedulerClient other = new GrpcSchedulerClient(vertx, "127.0.0.1", port);
    FrameworkRecorder doomed = new FrameworkRecorder(other);
    String doomedId = other.subscribe(FrameworkInfo.newBuilder().setName("doomed").setUser("").build(), doomed::onEvent)
        .await(30, TimeUnit.SECONDS).getValue();
    Resp teardown = post("application/json", "{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\""
        + doomedId + "\"}}}");
    assertThat(teardown.status()).isEqualTo(200);
    assertThat(get("/state").json().getJsonArray("frameworks").stream().map(f -> ((JsonObject) f).getString("id")))
        .doesNotContain(doomedId).contains(frameworkId);
    Resp again = post("application/json", "{\"type\":\"TEARDOWN\",\"teardown\":{\"framework_id\":{\"value\":\""
        + doomedId + "\"}}}");
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.body()).contains("already removed");
  }

  /** Reads RecordIO records off a chunked body as they arrive. */
  static final class RecordIo {
    final List<JsonObject> records = new CopyOnWriteArrayList<>();
    private final RecordIO.Decoder decoder = new RecordIO.Decoder();

    synchronized void feed(Buffer chunk) {
      decoder.feed(chunk).forEach(record -> records.add(new JsonObject(record)));
    }

    List<String> types() {
      List<String> types = new ArrayList<>();
      records.forEach(r -> types.add(r.getString("type")));
      return types;
    }
  }

  @Test
  void subscribeStreamsTaskAddedAndUpdated() throws Exception {
    RecordIo stream = new RecordIo();
    int[] status = new int[1];
    io.meso.testkit.OnContext.run(CTX, () -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1"))
        .compose(req -> {
          req.putHeader("Content-Type", "application/json");
          return req.send("{\"type\":\"SUBSCRIBE\"}");
        })).onSuccess(resp -> {
      status[0] = resp.statusCode();
      resp.handler(stream::feed);
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> stream.types().contains("SUBSCRIBED"));
    assertThat(status[0]).isEqualTo(200);
    assertThat(stream.records.get(0).getJsonObject("subscribed").getJsonObject("get_state")
        .getJsonObject("get_agents").getJsonArray("agents")).hasSize(1);
    launch("streamed", "echo streamed");
    await().atMost(Duration.ofSeconds(30)).until(() -> stream.records.stream().anyMatch(r ->
        "TASK_UPDATED".equals(r.getString("type"))
            && "TASK_FINISHED".equals(r.getJsonObject("task_updated").getString("state"))
            && "streamed".equals(r.getJsonObject("task_updated").getJsonObject("status")
                .getJsonObject("task_id").getString("value"))));
    assertThat(stream.records.stream().filter(r -> "TASK_ADDED".equals(r.getString("type")))
        .map(r -> r.getJsonObject("task_added").getJsonObject("task").getJsonObject("task_id").getString("value")))
        .contains("streamed");
  }

  @Test
  void serverSentEventsCarryMasterEvents() throws Exception {
    StringBuffer events = new StringBuffer();
    String[] type = new String[1];
    io.meso.testkit.OnContext.run(CTX, () -> http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/ui/events"))
            .compose(req -> req.send()))
        .onSuccess(resp -> {
          type[0] = resp.getHeader("Content-Type");
          resp.handler(b -> events.append(b.toString()));
        });
    await().atMost(Duration.ofSeconds(30)).until(() -> type[0] != null);
    assertThat(type[0]).startsWith("text/event-stream");
    launch("sse", "echo sse");
    await().atMost(Duration.ofSeconds(30)).until(() -> events.indexOf("\"task_id\":{\"value\":\"sse\"}") >= 0
        && events.indexOf("TASK_FINISHED") >= 0);
    assertThat(events.toString()).contains("data: {\"type\":\"TASK_ADDED\"");
  }

  // ---- files ---------------------------------------------------------------------------

  @Test
  void filesBrowseReadDownload() throws Exception {
    Resp browse = get("/files/browse?task_id=hello");
    assertThat(browse.status()).isEqualTo(200);
    assertThat(new JsonArray(browse.body()).stream().map(f -> ((JsonObject) f).getString("path")))
        .contains("stdout", "stderr");

    JsonObject read = get("/files/read?task_id=hello&framework_id=" + q(frameworkId) + "&path=stdout").json();
    assertThat(read.getString("data")).contains("hello-from-meso");
    assertThat(read.getLong("offset")).isZero();

    JsonObject size = get("/files/read?task_id=hello&path=stdout&offset=-1").json();
    assertThat(size.getString("data")).isEmpty();
    assertThat(size.getLong("offset")).isEqualTo("hello-from-meso\n".length());

    JsonObject part = get("/files/read?task_id=hello&path=stdout&offset=6&length=4").json();
    assertThat(part.getString("data")).isEqualTo("from");
    assertThat(part.getLong("offset")).isEqualTo(6);

    Resp download = get("/files/download?task_id=hello&path=stderr");
    assertThat(download.status()).isEqualTo(200);
    assertThat(download.headers().get("Content-Disposition")).contains("stderr");
    assertThat(download.body()).isEqualTo("oops\n");
  }

  @Test
  void filesRefuseTraversalAndBadInput() throws Exception {
    for (String path : List.of("../../../../etc/passwd", "/etc/passwd", "a/../../x", "..", "..\\..\\x")) {
      for (String endpoint : List.of("read", "download", "browse")) {
        Resp r = get("/files/" + endpoint + "?task_id=hello&path=" + q(path));
        assertThat(r.status()).as(endpoint + " " + path).isEqualTo(403);
        assertThat(r.body()).contains(path);
      }
    }
    Resp noTask = get("/files/read?path=stdout");
    assertThat(noTask.status()).isEqualTo(400);
    assertThat(noTask.body()).contains("task_id");

    Resp noPath = get("/files/read?task_id=hello");
    assertThat(noPath.status()).isEqualTo(400);
    assertThat(noPath.body()).contains("path");

    Resp badOffset = get("/files/read?task_id=hello&path=stdout&offset=abc");
    assertThat(badOffset.status()).isEqualTo(400);
    assertThat(badOffset.body()).contains("offset", "abc");

    Resp negativeLength = get("/files/read?task_id=hello&path=stdout&length=-5");
    assertThat(negativeLength.status()).isEqualTo(400);
    assertThat(negativeLength.body()).contains("length", "-5");

    Resp unknownTask = get("/files/read?task_id=ghost&path=stdout");
    assertThat(unknownTask.status()).isEqualTo(404);
    assertThat(unknownTask.body()).contains("ghost");

    Resp missingFile = get("/files/read?task_id=hello&path=no-such-file");
    assertThat(missingFile.status()).isEqualTo(404);

    // A symlink-free but sneaky absolute-on-Windows form and NUL bytes are refused too.
    assertThat(get("/files/read?task_id=hello&path=" + q("C:/x")).status()).isEqualTo(403);
    assertThat(get("/files/read?task_id=hello&path=std%00out").status()).isEqualTo(403);
  }

  // ---- UI ------------------------------------------------------------------------------

  @Test
  void uiIsServedWithoutExternalResources() throws Exception {
    Resp root = get("/");
    assertThat(root.status()).isIn(302, 303, 307);
    Resp index = get("/ui/");
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.body()).contains("<title>Meso</title>").doesNotContain("http://", "https://");
    Resp js = get("/ui/app.js");
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.body()).contains("EventSource").doesNotContain("https://");
  }
}
