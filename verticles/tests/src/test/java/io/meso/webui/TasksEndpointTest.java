package io.meso.webui;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.agent.AgentOptions;
import io.meso.agent.ExecutorMode;
import io.meso.api.server.ApiServerOptions;
import io.meso.cli.Nodes;
import io.meso.cluster.MesoCluster;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.master.MasterOptions;
import io.meso.scheduler.ClientCredentials;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.security.acl.Acls;
import io.meso.security.authn.Authenticator;
import io.meso.security.authn.Credentials;
import io.meso.security.authn.PasswordHash;
import io.meso.v1.Filters;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mesos's paged {@code GET /tasks} against a real master, agent (simulated executor) and API
 * server with authentication and ACLs: 250 tasks of alice's framework then 50 of bob's, listed
 * newest first by default, oldest first with {@code order=asc}, paged by {@code limit} and
 * {@code offset}, filtered by {@code framework_id}, {@code task_id} (and Meso's
 * {@code task_id_prefix} and {@code state}), each task the same object as in {@code /state}; a bad
 * {@code limit}, {@code offset}, {@code order} or {@code state} is a 400 naming it; a principal
 * that may only view alice's tasks sees only those.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TasksEndpointTest {

  static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:admin-secret".getBytes(StandardCharsets.UTF_8));
  static final String VIEWER = "Basic " + Base64.getEncoder().encodeToString("viewer:viewer-secret".getBytes(StandardCharsets.UTF_8));
  static final String ACLS = """
      {"permissive": true,
       "view_frameworks": [{"principals": {"values": ["viewer"]}, "users": {"values": ["alice"]}},
                           {"principals": {"values": ["viewer"]}, "users": {"type": "NONE"}}],
       "view_tasks": [{"principals": {"values": ["viewer"]}, "users": {"values": ["alice"]}},
                      {"principals": {"values": ["viewer"]}, "users": {"type": "NONE"}}]}""";

  static Vertx vertx;
  static String base;
  static String alice;
  static String bob;

  record Resp(int status, java.net.http.HttpHeaders headers, String body) {
    JsonArray tasks() {
      return new JsonObject(body).getJsonArray("tasks");
    }

    List<String> ids() {
      return tasks().stream().map(t -> ((JsonObject) t).getString("id")).toList();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    Authenticator authenticator = new Authenticator(Credentials.parse("test credentials",
        List.of("admin:" + PasswordHash.bcrypt("admin-secret".toCharArray(), 4),
            "viewer:" + PasswordHash.bcrypt("viewer-secret".toCharArray(), 4))), null, 16);
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100)
            .setAuthenticator(authenticator).setAcls(Acls.parse(ACLS, "test acls")),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0).setAuthenticator(authenticator))
        .await(30, TimeUnit.SECONDS);
    Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-tasks").toString())
        .setExecutorMode(ExecutorMode.SIMULATED).setSimulatedTaskDurationMillis(600_000)
        .setResources("cpus:1000;mem:100000;disk:100").setAuthenticator(authenticator)).await(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + master.port();
    alice = run("alice", "a", 250);
    bob = run("bob", "b", 50);
  }

  /** A framework of {@code user} launching {@code count} tasks prefix000.. in order; its id once all run. */
  static String run(String user, String prefix, int count) throws Exception {
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", Integer.parseInt(base.replaceAll(".*:", "")))
        .withCredentials(ClientCredentials.basic("admin", "admin-secret"));
    FrameworkRecorder framework = new FrameworkRecorder(client);
    String id = client.subscribe(FrameworkInfo.newBuilder().setName(user + "-framework").setUser(user).build(),
        framework::onEvent).await(30, TimeUnit.SECONDS).getValue();
    Offer offer = framework.awaitOffer(0);
    List<TaskInfo> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tasks.add(Launches.task(String.format("%s%03d", prefix, i), offer, "simulated", 1, 1));
    }
    client.accept(List.of(offer.getId()), List.of(Launches.launch(tasks.toArray(TaskInfo[]::new))),
        Filters.newBuilder().setRefuseSeconds(3600).build()).await(30, TimeUnit.SECONDS);
    framework.awaitUpdate(String.format("%s%03d", prefix, count - 1), TaskState.TASK_RUNNING);
    return id;
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static Resp get(String uri, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + uri)).timeout(Duration.ofSeconds(30)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> r = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Resp(r.statusCode(), r.headers(), r.body());
  }

  static List<String> range(String prefix, int from, int toExclusive, boolean descending) {
    List<String> ids = new ArrayList<>(IntStream.range(from, toExclusive).mapToObj(i -> String.format("%s%03d", prefix, i))
        .toList());
    if (descending) {
      java.util.Collections.reverse(ids);
    }
    return ids;
  }

  @Test
  void newestFirstByDefaultOnEveryPath() throws Exception {
    List<String> expected = new ArrayList<>(range("b", 0, 50, true));
    expected.addAll(range("a", 200, 250, true));
    for (String path : List.of("/tasks", "/tasks.json", "/master/tasks", "/master/tasks.json")) {
      Resp r = get(path, ADMIN);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      assertThat(r.ids()).as(path).isEqualTo(expected);
      assertThat(r.headers().firstValue("X-Total-Count")).hasValue("300");
      assertThat(r.headers().firstValue("X-Has-More")).hasValue("true");
    }
  }

  @Test
  void pagesByLimitOffsetAndOrder() throws Exception {
    Resp second = get("/tasks?order=asc&limit=100&offset=100", ADMIN);
    assertThat(second.ids()).isEqualTo(range("a", 100, 200, false));
    Resp last = get("/tasks?order=asc&limit=100&offset=250", ADMIN);
    assertThat(last.ids()).isEqualTo(range("b", 0, 50, false));
    assertThat(last.headers().firstValue("X-Has-More")).hasValue("false");
    Resp deep = get("/tasks?order=desc&limit=30&offset=260", ADMIN);
    assertThat(deep.ids()).isEqualTo(range("a", 10, 40, true));
    Resp past = get("/tasks?offset=1000", ADMIN);
    assertThat(past.status()).isEqualTo(200);
    assertThat(past.ids()).isEmpty();
    assertThat(get("/tasks?limit=0", ADMIN).ids()).isEmpty();
  }

  @Test
  void filtersByFrameworkTaskIdPrefixAndState() throws Exception {
    Resp ofBob = get("/tasks?framework_id=" + bob + "&limit=5&order=asc", ADMIN);
    assertThat(ofBob.ids()).isEqualTo(range("b", 0, 5, false));
    assertThat(ofBob.headers().firstValue("X-Total-Count")).hasValue("50");
    Resp one = get("/tasks?framework_id=" + alice + "&task_id=a042", ADMIN);
    assertThat(one.ids()).containsExactly("a042");
    JsonObject task = one.tasks().getJsonObject(0);
    assertThat(task.getString("framework_id")).isEqualTo(alice);
    assertThat(task.getString("state")).isEqualTo("TASK_RUNNING");
    // The same object as /state's.
    JsonObject state = new JsonObject(get("/state", ADMIN).body());
    JsonObject inState = state.getJsonArray("frameworks").stream().map(f -> (JsonObject) f)
        .filter(f -> f.getString("id").equals(alice)).flatMap(f -> f.getJsonArray("tasks").stream())
        .map(t -> (JsonObject) t).filter(t -> t.getString("id").equals("a042")).findFirst().orElseThrow();
    assertThat(task).isEqualTo(inState);
    assertThat(get("/tasks?framework_id=" + bob + "&task_id=a042", ADMIN).ids()).isEmpty();
    assertThat(get("/tasks?task_id_prefix=a12", ADMIN).ids()).isEqualTo(range("a", 120, 130, true));
    Resp running = get("/tasks?state=TASK_RUNNING&limit=300", ADMIN);
    assertThat(running.ids()).hasSize(300);
    assertThat(running.headers().firstValue("X-Has-More")).hasValue("false");
    assertThat(get("/tasks?state=TASK_FINISHED", ADMIN).ids()).isEmpty();
  }

  @Test
  void badParametersAre400NamingThem() throws Exception {
    record Bad(String query, String... parts) {}
    for (Bad bad : List.of(
        new Bad("limit=-1", "limit", "'-1'", "expected an integer from 0"),
        new Bad("limit=ten", "limit", "'ten'", "expected an integer from 0"),
        new Bad("offset=1.5", "offset", "'1.5'", "expected an integer from 0"),
        new Bad("offset=99999999999", "offset", "'99999999999'", "expected an integer from 0"),
        new Bad("order=up", "order", "'up'", "expected asc or desc"),
        new Bad("state=RUNNING", "state", "'RUNNING'", "TASK_RUNNING"))) {
      Resp r = get("/tasks?" + bad.query(), ADMIN);
      assertThat(r.status()).as(bad.query()).isEqualTo(400);
      assertThat(r.body()).as(bad.query()).contains(bad.parts());
    }
  }

  @Test
  void aclsFilterWhatAPrincipalSees() throws Exception {
    assertThat(get("/tasks", null).status()).isEqualTo(401);
    Resp viewer = get("/tasks?order=asc&limit=300", VIEWER);
    assertThat(viewer.status()).isEqualTo(200);
    assertThat(viewer.ids()).isEqualTo(range("a", 0, 250, false));
    assertThat(viewer.headers().firstValue("X-Total-Count")).as("not counted under ACLs").isEmpty();
    Resp page = get("/tasks?limit=100&offset=100", VIEWER);
    assertThat(page.ids()).isEqualTo(range("a", 50, 150, true));
    assertThat(page.headers().firstValue("X-Has-More")).hasValue("true");
    assertThat(get("/tasks?framework_id=" + bob, VIEWER).ids()).isEmpty();
    assertThat(get("/tasks?framework_id=" + bob + "&task_id=b001", VIEWER).ids()).isEmpty();
    assertThat(get("/tasks?framework_id=" + bob + "&task_id=b001", ADMIN).ids()).containsExactly("b001");
  }
}
