package io.meso.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.api.server.ApiServerOptions;
import io.meso.api.server.ApiServerVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Mesos v1 scheduler HTTP API against the real thing: a master, an agent running real
 * processes and the API server in one Vert.x, spoken to in raw HTTP/1.1 (sockets, so framing is
 * checked byte for byte) with JSON written by hand and protobuf encoded by hand with Apache
 * Mesos's field numbers ({@link Pb}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SchedulerHttpApiTest {

  static final Duration WAIT = Duration.ofSeconds(30);
  /** The agent resends an unacknowledged update after this long (then doubling). */
  static final long RETRY_MILLIS = 1000;
  static final String PATH = "/api/v1/scheduler";
  static final String JSON = "application/json";
  static final String PROTOBUF = "application/x-protobuf";
  static final String USER = System.getProperty("user.name");

  static Vertx vertx;
  static int port;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Frameworks to tear down and sockets to close after each test: (framework id, stream id). */
  final List<String[]> frameworks = new ArrayList<>();
  final List<RawStream> streams = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions()
            .setAllocationIntervalMillis(100)
            .setAgentPingIntervalMillis(500)
            .setHeartbeatIntervalMillis(1000)))
        .await(30, TimeUnit.SECONDS);
    Path workDir = Files.createTempDirectory("meso-http-api");
    vertx.deployVerticle(new AgentVerticle(new AgentOptions()
            .setWorkDir(workDir.toString())
            .setResources("cpus:2;mem:1024;disk:1000;cpus(web):1;mem(web):256")
            .setStatusUpdateRetryInitialMillis(RETRY_MILLIS)))
        .await(30, TimeUnit.SECONDS);
    ApiServerVerticle api = new ApiServerVerticle(new ApiServerOptions().setPort(0));
    vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
    port = api.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (String[] f : frameworks) {
      post(PATH, JSON, Map.of(SchedulerHttpApi.STREAM_ID_HEADER, f[1]),
          "{\"framework_id\":{\"value\":\"" + f[0] + "\"},\"type\":\"TEARDOWN\"}");
    }
    for (RawStream s : streams) {
      s.close();
    }
  }

  // ---- helpers -------------------------------------------------------------------------

  static String frameworkInfo(String name, String extra) {
    return "{\"user\":\"" + USER + "\",\"name\":\"" + name + "\"" + extra + "}";
  }

  RawStream subscribeJson(String frameworkInfoJson) throws Exception {
    RawStream s = RawStream.post(port, PATH, headers("Content-Type", JSON, "Accept", JSON),
        ("{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":" + frameworkInfoJson + "}}")
            .getBytes(StandardCharsets.UTF_8));
    streams.add(s);
    return s;
  }

  /** Subscribes and reads SUBSCRIBED; returns {framework id, stream id}. */
  String[] subscribed(RawStream s) throws Exception {
    assertThat(s.status).as("SUBSCRIBE answered %s", s.statusLine).isEqualTo(200);
    JsonObject first = json(s.next(WAIT));
    assertThat(first.getString("type")).isEqualTo("SUBSCRIBED");
    String[] ids = {first.getJsonObject("subscribed").getJsonObject("framework_id").getString("value"),
        s.headers.get("mesos-stream-id")};
    frameworks.add(ids);
    return ids;
  }

  static Map<String, String> headers(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static JsonObject json(byte[] record) {
    assertThat(record).as("the stream ended").isNotSameAs(RawStream.EOF);
    return new JsonObject(new String(record, StandardCharsets.UTF_8));
  }

  /** The next JSON event of the given type, skipping others (heartbeats, offers not asked for). */
  static JsonObject nextJson(RawStream s, String type) throws Exception {
    while (true) {
      JsonObject e = json(s.next(WAIT));
      if (e.getString("type").equals(type)) {
        return e;
      }
    }
  }

  static Pb.Fields nextPb(RawStream s, long type) throws Exception {
    while (true) {
      byte[] r = s.next(WAIT);
      assertThat(r).as("the stream ended").isNotSameAs(RawStream.EOF);
      Pb.Fields e = Pb.Fields.parse(r);
      if (e.varint(1) == type) {
        return e;
      }
    }
  }

  static HttpResponse<String> post(String path, String contentType, Map<String, String> headers, String body)
      throws Exception {
    return post(path, contentType, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  static HttpResponse<String> post(String path, String contentType, Map<String, String> headers, byte[] body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> callJson(String[] ids, String callJson) throws Exception {
    return post(PATH, JSON, Map.of(SchedulerHttpApi.STREAM_ID_HEADER, ids[1]),
        "{\"framework_id\":{\"value\":\"" + ids[0] + "\"}," + callJson.substring(1));
  }

  static HttpResponse<String> callPb(String streamId, Pb call) throws Exception {
    return post(PATH, PROTOBUF, Map.of(SchedulerHttpApi.STREAM_ID_HEADER, streamId), call.bytes());
  }

  static String scalar(String name, double value) {
    return "{\"name\":\"" + name + "\",\"type\":\"SCALAR\",\"scalar\":{\"value\":" + value + "}}";
  }

  // ---- SUBSCRIBE framing ---------------------------------------------------------------

  @Test
  void jsonSubscribeIsAChunkedRecordIoStreamWithSubscribedFirstThenHeartbeats() throws Exception {
    RawStream s = subscribeJson(frameworkInfo("http-framing", ""));
    assertThat(s.statusLine).isEqualTo("HTTP/1.1 200 OK");
    assertThat(s.headers).containsEntry("content-type", JSON).containsEntry("transfer-encoding", "chunked")
        .doesNotContainKey("content-length");
    String streamId = s.headers.get("mesos-stream-id");
    assertThat(UUID.fromString(streamId).toString()).isEqualTo(streamId);

    byte[] first = s.next(WAIT);
    assertThat(s.framing.toString()).startsWith(first.length + "\n");
    JsonObject subscribed = json(first);
    assertThat(subscribed.fieldNames()).containsExactlyInAnyOrder("type", "subscribed");
    assertThat(subscribed.getString("type")).isEqualTo("SUBSCRIBED");
    JsonObject body = subscribed.getJsonObject("subscribed");
    String frameworkId = body.getJsonObject("framework_id").getString("value");
    assertThat(frameworkId).isNotEmpty();
    frameworks.add(new String[] {frameworkId, streamId});
    assertThat(body.getDouble("heartbeat_interval_seconds")).isEqualTo(1.0);
    assertThat(body.getJsonObject("master_info").getString("id")).isNotEmpty();

    // As Mesos, a HEARTBEAT at once: exactly the 20 bytes Mesos sends, framed as "20\n".
    byte[] heartbeat = s.next(WAIT);
    assertThat(new String(heartbeat, StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"HEARTBEAT\"}");
    assertThat(s.framing.toString()).startsWith(first.length + "\n20\n");

    // Heartbeats are answered once written: after more of them than the master's 5 s answer
    // timeout covers, the framework is still subscribed.
    int heartbeats = 1;
    while (heartbeats < 7) {
      if (json(s.next(WAIT)).getString("type").equals("HEARTBEAT")) {
        heartbeats++;
      }
    }
    assertThat(callJson(new String[] {frameworkId, streamId}, "{\"type\":\"REVIVE\"}").statusCode()).isEqualTo(202);
  }

  // ---- the JSON flow -------------------------------------------------------------------

  @Test
  void jsonFrameworkAcceptsAnOfferAcknowledgesEveryUpdateAndReconciles() throws Exception {
    RawStream s = subscribeJson(frameworkInfo("http-json-flow", ""));
    String[] ids = subscribed(s);

    JsonObject offers = nextJson(s, "OFFERS");
    assertThat(offers.fieldNames()).containsExactlyInAnyOrder("type", "offers");
    JsonArray list = offers.getJsonObject("offers").getJsonArray("offers");
    assertThat(list).isNotEmpty();
    JsonObject offer = list.getJsonObject(0);
    assertThat(offer.getJsonObject("framework_id").getString("value")).isEqualTo(ids[0]);
    assertThat(offer.getJsonObject("allocation_info").getString("role")).isEqualTo("*");
    assertThat(offer.getString("hostname")).isNotEmpty();
    for (Object r : offer.getJsonArray("resources")) {
      JsonObject resource = (JsonObject) r;
      // Mesos 1.11 still fills the deprecated role beside allocation_info.
      assertThat(resource.getString("role")).as("role of %s", resource).isEqualTo("*");
      assertThat(resource.getJsonObject("allocation_info").getString("role")).isEqualTo("*");
      assertThat(resource.containsKey("reservations")).isFalse();
    }
    String agentId = offer.getJsonObject("agent_id").getString("value");

    HttpResponse<String> accepted = callJson(ids, "{\"type\":\"ACCEPT\",\"accept\":{\"offer_ids\":[{\"value\":\""
        + offer.getJsonObject("id").getString("value") + "\"}],\"operations\":[{\"type\":\"LAUNCH\",\"launch\":"
        + "{\"task_infos\":[{\"name\":\"json-1\",\"task_id\":{\"value\":\"json-1\"},\"agent_id\":{\"value\":\""
        + agentId + "\"},\"resources\":[" + scalar("cpus", 0.1) + "," + scalar("mem", 32) + "],"
        + "\"command\":{\"shell\":true,\"value\":\"exit 0\"}}]}}]}}");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(accepted.body()).isEmpty();

    List<String> states = new ArrayList<>();
    String state;
    do {
      JsonObject status = nextJson(s, "UPDATE").getJsonObject("update").getJsonObject("status");
      assertThat(status.getJsonObject("task_id").getString("value")).isEqualTo("json-1");
      state = status.getString("state");
      states.add(state);
      // Agent updates carry a Base64 uuid and must be acknowledged.
      byte[] uuid = Base64.getDecoder().decode(status.getString("uuid"));
      assertThat(uuid).hasSize(16);
      HttpResponse<String> ack = callJson(ids, "{\"type\":\"ACKNOWLEDGE\",\"acknowledge\":{\"agent_id\":{\"value\":\""
          + status.getJsonObject("agent_id").getString("value") + "\"},\"task_id\":{\"value\":\"json-1\"},\"uuid\":\""
          + status.getString("uuid") + "\"}}");
      assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
    } while (!state.equals("TASK_FINISHED") && !state.equals("TASK_FAILED") && !state.equals("TASK_ERROR"));
    assertThat(states).contains("TASK_RUNNING").last().isEqualTo("TASK_FINISHED");

    HttpResponse<String> reconcile = callJson(ids, "{\"type\":\"RECONCILE\",\"reconcile\":{\"tasks\":["
        + "{\"task_id\":{\"value\":\"never-was\"}}]}}");
    assertThat(reconcile.statusCode()).as(reconcile.body()).isEqualTo(202);
    JsonObject status;
    do {
      // (a resent update of json-1 may still be on its way)
      status = nextJson(s, "UPDATE").getJsonObject("update").getJsonObject("status");
    } while (!status.getJsonObject("task_id").getString("value").equals("never-was"));
    assertThat(status.getString("state")).isEqualTo("TASK_LOST");
    assertThat(status.getString("reason")).isEqualTo("REASON_RECONCILIATION");
    assertThat(status.getString("source")).isEqualTo("SOURCE_MASTER");
    assertThat(status.containsKey("uuid")).as("reconciliation updates are not acknowledged").isFalse();

    // TEARDOWN: 202, then the stream carries ERROR and ends.
    assertThat(callJson(ids, "{\"type\":\"TEARDOWN\"}").statusCode()).isEqualTo(202);
    assertThat(nextJson(s, "ERROR").getJsonObject("error").getString("message")).contains(ids[0]);
    byte[] end;
    do {
      end = s.next(WAIT);
    } while (end != RawStream.EOF);
    assertThat(callJson(ids, "{\"type\":\"REVIVE\"}").statusCode()).isEqualTo(403);
  }

  @Test
  void anUnacknowledgedUpdateIsResentWithTheSameUuidUntilAcknowledged() throws Exception {
    RawStream s = subscribeJson(frameworkInfo("http-resend", ""));
    String[] ids = subscribed(s);
    JsonObject offer = nextJson(s, "OFFERS").getJsonObject("offers").getJsonArray("offers").getJsonObject(0);
    HttpResponse<String> accepted = callJson(ids, "{\"type\":\"ACCEPT\",\"accept\":{\"offer_ids\":[{\"value\":\""
        + offer.getJsonObject("id").getString("value") + "\"}],\"operations\":[{\"type\":\"LAUNCH\",\"launch\":"
        + "{\"task_infos\":[{\"name\":\"resend\",\"task_id\":{\"value\":\"resend\"},\"agent_id\":"
        + offer.getJsonObject("agent_id").encode() + ",\"resources\":[" + scalar("cpus", 0.1) + ","
        + scalar("mem", 32) + "],\"command\":{\"shell\":true,\"value\":\"exit 0\"}}]}}]}}");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

    JsonObject first = nextJson(s, "UPDATE").getJsonObject("update").getJsonObject("status");
    String uuid = first.getString("uuid");
    assertThat(uuid).isNotEmpty();
    // Not acknowledged: the agent sends the same update again, same uuid.
    JsonObject again = nextJson(s, "UPDATE").getJsonObject("update").getJsonObject("status");
    assertThat(again.getString("uuid")).isEqualTo(uuid);
    assertThat(again.getString("state")).isEqualTo(first.getString("state"));
    // Acknowledged: the next update is a new one, and the run completes.
    String state = first.getString("state");
    JsonObject status = again;
    while (true) {
      HttpResponse<String> ack = callJson(ids, "{\"type\":\"ACKNOWLEDGE\",\"acknowledge\":{\"agent_id\":"
          + status.getJsonObject("agent_id").encode() + ",\"task_id\":{\"value\":\"resend\"},\"uuid\":\""
          + status.getString("uuid") + "\"}}");
      assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
      if (status.getString("state").equals("TASK_FINISHED")) {
        break;
      }
      status = nextJson(s, "UPDATE").getJsonObject("update").getJsonObject("status");
      assertThat(status.getString("state")).isIn(state, "TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED");
    }
  }

  // ---- the protobuf flow, Mesos field numbers, deprecated roles ------------------------

  @Test
  void protobufOldClientWithSingularRolesLaunchesOnReservedAndUnreservedResources() throws Exception {
    // mesos.v1.scheduler.Call: framework_id=1 type=2 subscribe=3; Subscribe.framework_info=1;
    // FrameworkInfo: user=1 name=2 failover_timeout=4 role=6 (the Mesos 1.0 singular role).
    Pb subscribe = Pb.msg().varint(2, 1)
        .msg(3, Pb.msg().msg(1, Pb.msg().string(1, USER).string(2, "http-pb-old-client").dbl(4, 0).string(6, "web")));
    RawStream s = RawStream.post(port, PATH, headers("Content-Type", PROTOBUF, "Accept", PROTOBUF), subscribe.bytes());
    streams.add(s);
    assertThat(s.statusLine).isEqualTo("HTTP/1.1 200 OK");
    assertThat(s.headers).containsEntry("content-type", PROTOBUF).containsEntry("transfer-encoding", "chunked");
    String streamId = s.headers.get("mesos-stream-id");

    // Event: type=1 (SUBSCRIBED=1) subscribed=2 {framework_id=1, heartbeat_interval_seconds=2}.
    Pb.Fields first = Pb.Fields.parse(s.next(WAIT));
    assertThat(first.varint(1)).isEqualTo(1);
    String frameworkId = first.msg(2).id(1);
    assertThat(first.msg(2).dbl(2)).isEqualTo(1.0);
    frameworks.add(new String[] {frameworkId, streamId});

    // OFFERS=2: offers=3 {offers=1 [Offer: id=1 agent_id=3 resources=5 allocation_info=10]};
    // Resource: name=1 type=2 scalar=3{value=1} role=6.
    Pb.Fields offer = nextPb(s, 2).msg(3).msgs(1).get(0);
    assertThat(offer.msg(10).string(1)).isEqualTo("web");
    double reservedCpus = 0;
    double unreservedCpus = 0;
    for (Pb.Fields r : offer.msgs(5)) {
      assertThat(r.has(6)).as("every offered resource carries the deprecated role").isTrue();
      if (r.string(1).equals("cpus")) {
        if (r.string(6).equals("web")) {
          reservedCpus += r.msg(3).dbl(1);
        } else {
          assertThat(r.string(6)).isEqualTo("*");
          unreservedCpus += r.msg(3).dbl(1);
        }
      }
    }
    assertThat(reservedCpus).isEqualTo(1.0);
    assertThat(unreservedCpus).isPositive();

    // Two tasks: one takes every reserved cpu (Resource.role=6 "web"), one every unreserved cpu
    // (role "*"). Read as unreserved, the first would leave too little for the second.
    String agentId = offer.id(3);
    Pb reservedTask = task("pb-reserved", agentId, reservedCpus, "web", 64);
    Pb unreservedTask = task("pb-unreserved", agentId, unreservedCpus, "*", 32);
    // Call.accept=4 {offer_ids=1, operations=2 [Operation type=1 (LAUNCH=1) launch=2 {task_infos=1}]}.
    Pb accept = Pb.msg().id(1, frameworkId).varint(2, 3).msg(4, Pb.msg().id(1, offer.id(1))
        .msg(2, Pb.msg().varint(1, 1).msg(2, Pb.msg().msg(1, reservedTask).msg(1, unreservedTask))));
    HttpResponse<String> accepted = callPb(streamId, accept);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

    // UPDATE=4: update=5 {status=1: task_id=1 state=2 message=4 agent_id=5 uuid=11}; FINISHED=2.
    Map<String, Long> last = new HashMap<>();
    while (!(Long.valueOf(2).equals(last.get("pb-reserved")) && Long.valueOf(2).equals(last.get("pb-unreserved")))) {
      Pb.Fields status = nextPb(s, 4).msg(5).msg(1);
      long state = status.varint(2);
      assertThat(state).as("task %s: %s", status.id(1), status.has(4) ? status.string(4) : "")
          .isIn(6L, 0L, 1L, 2L);
      last.put(status.id(1), state);
      // Call.acknowledge=8 {agent_id=1 task_id=2 uuid=3}; ACKNOWLEDGE=8.
      HttpResponse<String> ack = callPb(streamId, Pb.msg().id(1, frameworkId).varint(2, 8)
          .msg(8, Pb.msg().id(1, status.id(5)).id(2, status.id(1)).bytes(3, status.bytes(11))));
      assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
    }
  }

  /** TaskInfo: name=1 task_id=2 agent_id=3 resources=4 command=7 {shell=6 value=3}. */
  static Pb task(String id, String agentId, double cpus, String role, double mem) {
    return Pb.msg().string(1, id).id(2, id).id(3, agentId)
        .msg(4, Pb.msg().string(1, "cpus").varint(2, 0).msg(3, Pb.msg().dbl(1, cpus)).string(6, role))
        .msg(4, Pb.msg().string(1, "mem").varint(2, 0).msg(3, Pb.msg().dbl(1, mem)).string(6, role))
        .msg(7, Pb.msg().bool(6, true).string(3, "exit 0"));
  }

  // ---- status codes ---------------------------------------------------------------------

  /**
   * The status codes only the HTTP door has (method, media types, the stream id on SUBSCRIBE,
   * malformed JSON). Bad calls every door refuses (unknown types, missing or unknown frameworks,
   * stream ids of others, bad SUBSCRIBEs) are rows of {@code io.meso.doors.SchedulerBadInputTest}.
   */
  @Test
  void statusCodesOnlyTheHttpDoorHas() throws Exception {
    String[] a = subscribed(subscribeJson(frameworkInfo("http-codes-a", "")));
    String revive = "{\"type\":\"REVIVE\"}";

    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + PATH)).GET()
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST");

    for (String type : Arrays.asList(null, "text/plain")) {
      HttpResponse<String> r = post(PATH, type, Map.of(SchedulerHttpApi.STREAM_ID_HEADER, a[1]), revive);
      assertThat(r.statusCode()).isEqualTo(415);
      assertThat(r.body()).contains(JSON, PROTOBUF);
    }

    HttpResponse<String> ok = callJson(a, revive);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
    assertThat(ok.body()).isEmpty();
    assertThat(post("/master" + PATH, JSON, Map.of(SchedulerHttpApi.STREAM_ID_HEADER, a[1]),
        "{\"framework_id\":{\"value\":\"" + a[0] + "\"},\"type\":\"REVIVE\"}").statusCode()).isEqualTo(202);

    HttpResponse<String> malformed = post(PATH, JSON, Map.of(SchedulerHttpApi.STREAM_ID_HEADER, a[1]), "{\"type\":");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("JSON");

    String subscribe = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":" + frameworkInfo("x", "") + "}}";
    HttpResponse<String> withStream = post(PATH, JSON, Map.of(SchedulerHttpApi.STREAM_ID_HEADER, a[1]), subscribe);
    assertThat(withStream.statusCode()).isEqualTo(400);
    assertThat(withStream.body()).contains("Mesos-Stream-Id");
    HttpResponse<String> html = post(PATH, JSON, Map.of("Accept", "text/html"), subscribe);
    assertThat(html.statusCode()).isEqualTo(406);
    assertThat(html.body()).contains(JSON, PROTOBUF);
  }

  @Test
  void hostileBodiesAreRefusedAndTheServerKeepsServing() throws Exception {
    String[] a = subscribed(subscribeJson(frameworkInfo("http-hostile", "")));
    Map<String, String> stream = Map.of(SchedulerHttpApi.STREAM_ID_HEADER, a[1]);

    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
    HttpResponse<String> g = post(PATH, PROTOBUF, stream, garbage);
    assertThat(g.statusCode()).isEqualTo(400);
    assertThat(g.body()).contains(PROTOBUF);

    // REVIVE (type=2 value 5) with revive=15 {roles=1}: whole it is fine, cut short it is not.
    Pb revive = Pb.msg().id(1, a[0]).varint(2, 5).msg(15, Pb.msg().string(1, "*"));
    byte[] whole = revive.bytes();
    assertThat(callPb(a[1], revive).statusCode()).isEqualTo(202);
    HttpResponse<String> truncated = post(PATH, PROTOBUF, stream, Arrays.copyOf(whole, whole.length - 3));
    assertThat(truncated.statusCode()).isEqualTo(400);

    HttpResponse<String> notObject = post(PATH, JSON, stream, "[1,2,3]");
    assertThat(notObject.statusCode()).isEqualTo(400);
    HttpResponse<String> empty = post(PATH, JSON, stream, "");
    assertThat(empty.statusCode()).isEqualTo(400);
    HttpResponse<String> wrongField = callJson(a, "{\"type\":\"REVIVE\",\"revive\":{\"roles\":\"*\"}}");
    assertThat(wrongField.statusCode()).isEqualTo(400);

    // Declared too large: refused before the body is read.
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
          + (SchedulerHttpApi.DEFAULT_BODY_LIMIT_BYTES + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).isEqualTo("HTTP/1.1 413");
    }
    // Too large without a declared length (chunked): refused once the limit is passed.
    byte[] big = new byte[(int) SchedulerHttpApi.DEFAULT_BODY_LIMIT_BYTES + 1024];
    Arrays.fill(big, (byte) ' ');
    HttpResponse<String> oversized = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + PATH))
        .header("Content-Type", JSON).header(SchedulerHttpApi.STREAM_ID_HEADER, a[1])
        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(big)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(oversized.statusCode()).isEqualTo(413);

    // A body cut short by the client going away.
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n"
          + "{\"type\":\"REV").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    assertThat(callJson(a, "{\"type\":\"REVIVE\"}").statusCode()).isEqualTo(202);
  }

  // ---- reconnect / failover ------------------------------------------------------------

  @Test
  void aSecondSubscriptionClosesTheFirstAndAReconnectKeepsTheFrameworkId() throws Exception {
    RawStream first = subscribeJson(frameworkInfo("http-failover", ",\"failover_timeout\":60"));
    String[] ids = subscribed(first);

    RawStream second = subscribeJson(frameworkInfo("http-failover",
        ",\"failover_timeout\":60,\"id\":{\"value\":\"" + ids[0] + "\"}"));
    String[] again = subscribed(second);
    assertThat(again[0]).isEqualTo(ids[0]);
    assertThat(again[1]).isNotEqualTo(ids[1]);
    // The first stream gets an ERROR and ends.
    JsonObject error = nextJson(first, "ERROR");
    assertThat(error.getJsonObject("error").getString("message")).isNotEmpty();
    byte[] end;
    do {
      end = first.next(WAIT);
    } while (end != RawStream.EOF);
    HttpResponse<String> old = callJson(ids, "{\"type\":\"REVIVE\"}");
    assertThat(old.statusCode()).isEqualTo(400);
    assertThat(old.body()).contains(ids[1], ids[0]).doesNotContain(again[1]);
    assertThat(callJson(again, "{\"type\":\"REVIVE\"}").statusCode()).isEqualTo(202);

    // The connection drops: the framework is disconnected, then re-subscribes with its id.
    second.close();
    await().atMost(WAIT).until(() -> callJson(again, "{\"type\":\"REVIVE\"}").statusCode() == 403);
    RawStream third = subscribeJson(frameworkInfo("http-failover",
        ",\"failover_timeout\":60,\"id\":{\"value\":\"" + ids[0] + "\"}"));
    String[] back = subscribed(third);
    assertThat(back[0]).isEqualTo(ids[0]);
    assertThat(callJson(back, "{\"type\":\"REVIVE\"}").statusCode()).isEqualTo(202);
    nextJson(third, "OFFERS");
  }

  // ---- no master, standby --------------------------------------------------------------

  @Test
  void withoutAMasterCallsAre503AndAStandbyRedirectsWith307() throws Exception {
    Vertx lonely = MesoCluster.startLocal(new VertxOptions());
    try {
      ApiServerVerticle alone = new ApiServerVerticle(new ApiServerOptions().setPort(0).setMasterTimeoutMillis(2000));
      lonely.deployVerticle(alone).await(30, TimeUnit.SECONDS);
      ApiServerVerticle standby = new ApiServerVerticle(new ApiServerOptions().setPort(0))
          .setLeaderLookup(() -> Optional.of("http://10.1.2.3:5050/"));
      lonely.deployVerticle(standby).await(30, TimeUnit.SECONDS);

      String subscribe = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":" + frameworkInfo("x", "") + "}}";
      RawStream s = RawStream.post(alone.actualPort(), PATH, headers("Content-Type", JSON, "Accept", JSON),
          subscribe.getBytes(StandardCharsets.UTF_8));
      streams.add(s);
      assertThat(s.status).isEqualTo(503);
      assertThat(s.bodyText()).contains("no master");
      RawStream call = RawStream.post(alone.actualPort(), PATH,
          headers("Content-Type", JSON, SchedulerHttpApi.STREAM_ID_HEADER, UUID.randomUUID().toString()),
          "{\"framework_id\":{\"value\":\"f\"},\"type\":\"REVIVE\"}".getBytes(StandardCharsets.UTF_8));
      streams.add(call);
      assertThat(call.status).isEqualTo(503);

      RawStream redirected = RawStream.post(standby.actualPort(), "/master" + PATH,
          headers("Content-Type", JSON, "Accept", JSON), subscribe.getBytes(StandardCharsets.UTF_8));
      streams.add(redirected);
      assertThat(redirected.status).isEqualTo(307);
      assertThat(redirected.headers).containsEntry("location", "http://10.1.2.3:5050/master" + PATH);
    } finally {
      lonely.close().await(30, TimeUnit.SECONDS);
    }
  }

  // ---- the example framework -----------------------------------------------------------

  @Test
  void theExampleFrameworkRunsItsTasksAndExitsZero() throws Exception {
    Path source = Path.of("..", "..", "examples", "http-framework", "HttpFramework.java").toAbsolutePath().normalize();
    assertThat(source).exists();
    Path log = Files.createTempFile("http-framework", ".log");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        source.toString(), "http://127.0.0.1:" + port, "4")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      boolean exited = process.waitFor(120, TimeUnit.SECONDS);
      String output = Files.readString(log);
      assertThat(exited).as("the example did not exit; output:\n%s", output).isTrue();
      assertThat(process.exitValue()).as("output:\n%s", output).isZero();
      assertThat(output).contains("all 4 tasks finished");
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }
}
