package io.meso.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.api.server.ApiServerOptions;
import io.meso.cli.Nodes;
import io.meso.cluster.MesoCluster;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.master.MasterOptions;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /tasks/<id>/usage} against a real master and agent in one JVM and a real task that
 * burns cpu, then idles: its cpu time grows and then stops growing, its rss is above zero, the
 * series never holds more than the agent keeps, an ended task's samples are still served, and
 * bad input, an unknown task and an agent that is gone are answered with JSON naming them.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TaskUsageHttpTest {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int KEPT = 8;

  Vertx vertx;
  HttpClient http;
  Context ctx;

  record Resp(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  Resp get(String uri) throws Exception {
    return io.meso.testkit.OnContext.run(ctx, () -> http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(uri))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), b.toString())))).await(30, TimeUnit.SECONDS);
  }

  static double cpuTime(JsonObject sample) {
    return sample.getDouble("cpus_user_time_secs") + sample.getDouble("cpus_system_time_secs");
  }

  JsonArray samples(String taskId) throws Exception {
    Resp r = get("/tasks/" + taskId + "/usage");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getInteger("max_samples")).isEqualTo(KEPT);
    JsonArray samples = body.getJsonArray("samples");
    // Bounded: never more than the agent keeps per task.
    assertThat(samples.size()).isLessThanOrEqualTo(KEPT);
    return samples;
  }

  @Test
  void cpuTimeGrowsWhileTheTaskBurnsAndStopsWhenItIdles() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0)).await(30, TimeUnit.SECONDS);
    AgentVerticle agent = new AgentVerticle(new AgentOptions()
        .setWorkDir(Files.createTempDirectory("meso-usage").toString())
        .setResources("cpus:2;mem:1024;disk:100")
        .setUsageIntervalMillis(300)
        .setUsageHistorySamples(KEPT));
    String agentDeployment = vertx.deployVerticle(agent).await(30, TimeUnit.SECONDS);
    http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(master.port()));
    ctx = vertx.getOrCreateContext();

    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", master.port());
    FrameworkRecorder framework = new FrameworkRecorder(client);
    String frameworkId = client.subscribe(FrameworkInfo.newBuilder().setName("usage").setUser("").build(),
        framework::onEvent).await(30, TimeUnit.SECONDS).getValue();
    Path idle = io.meso.testkit.TaskVisibleDirs.create("meso-usage-gate").resolve("idle");
    Offer offer = framework.awaitOffer(0);
    client.accept(List.of(offer.getId()), List.of(Launches.launch(Launches.task("burner", offer,
        "while [ ! -e " + idle + " ]; do :; done; exec sleep 600", 0.5, 64))), null).await(30, TimeUnit.SECONDS);
    framework.awaitUpdate("burner", TaskState.TASK_RUNNING);

    // Burning: cpu time grows from sample to sample; rss is measured; the ring fills up to its bound.
    await().atMost(WAIT).untilAsserted(() -> {
      JsonArray s = samples("burner");
      assertThat(s.size()).isEqualTo(KEPT);
      assertThat(cpuTime(s.getJsonObject(KEPT - 1))).isGreaterThan(cpuTime(s.getJsonObject(0)));
    });
    JsonObject burning = get("/tasks/burner/usage").json();
    assertThat(burning.getString("task_id")).isEqualTo("burner");
    assertThat(burning.getString("framework_id")).isEqualTo(frameworkId);
    assertThat(burning.getString("agent_id")).isEqualTo(agent.agentId());
    assertThat(burning.getString("state")).isEqualTo("TASK_RUNNING");
    JsonObject last = burning.getJsonArray("samples").getJsonObject(burning.getJsonArray("samples").size() - 1);
    assertThat(last.getLong("mem_rss_bytes")).isGreaterThan(0);
    assertThat(last.getDouble("cpus_limit")).isEqualTo(0.5);
    assertThat(last.getLong("mem_limit_bytes")).isEqualTo(64L << 20);
    assertThat(last.getDouble("cpus_used")).isNotNull();
    assertThat(last.getDouble("cpus_utilisation")).isEqualTo(last.getDouble("cpus_used") / 0.5);
    double peak = burning.getJsonArray("samples").stream().map(o -> (JsonObject) o)
        .filter(o -> o.containsKey("cpus_used")).mapToDouble(o -> o.getDouble("cpus_used")).max().orElse(0);
    assertThat(peak).isGreaterThan(0);

    // Idle (the shell became `sleep`): the cpu time stops growing, so the derived use drops to nothing.
    Files.createFile(idle);
    await().atMost(WAIT).untilAsserted(() -> {
      JsonArray s = samples("burner");
      assertThat(s.size()).isEqualTo(KEPT);
      JsonObject a = s.getJsonObject(KEPT - 3);
      JsonObject b = s.getJsonObject(KEPT - 1);
      assertThat(cpuTime(b)).isEqualTo(cpuTime(a));
      assertThat(b.getDouble("cpus_used")).isZero();
    });

    // Only the last minutes when asked; bad input and unknown tasks are named.
    Resp lastMinute = get("/tasks/burner/usage?minutes=1&framework_id=" + frameworkId);
    assertThat(lastMinute.status()).isEqualTo(200);
    assertThat(lastMinute.json().getInteger("minutes")).isEqualTo(1);
    double oneMinuteAgo = System.currentTimeMillis() / 1000.0 - 60;
    lastMinute.json().getJsonArray("samples").forEach(o ->
        assertThat(((JsonObject) o).getDouble("timestamp")).isGreaterThanOrEqualTo(oneMinuteAgo));
    for (String bad : List.of("0", "abc", "-5", "100000")) {
      Resp r = get("/tasks/burner/usage?minutes=" + bad);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.json().getString("error")).contains("minutes", "'" + bad + "'", "1 to 1440");
      assertThat(r.json().getString("task_id")).isEqualTo("burner");
    }
    Resp unknown = get("/tasks/no-such-task/usage");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("task_id")).isEqualTo("no-such-task");
    assertThat(unknown.json().getString("error")).contains("'no-such-task'", "unknown");
    Resp otherFramework = get("/tasks/burner/usage?framework_id=not-" + frameworkId);
    assertThat(otherFramework.status()).isEqualTo(404);

    // Ended: its last samples are still served, with its final state.
    client.kill(TaskID.newBuilder().setValue("burner").build(), AgentID.newBuilder().setValue(agent.agentId()).build())
        .await(30, TimeUnit.SECONDS);
    TaskStatus killed = framework.awaitUpdate("burner", TaskState.TASK_KILLED);
    assertThat(killed.getState()).isEqualTo(TaskState.TASK_KILLED);
    await().atMost(WAIT).until(() -> "TASK_KILLED".equals(get("/tasks/burner/usage").json().getString("state")));
    assertThat(samples("burner").size()).isPositive();

    // The agent is gone before the master noticed: a 503 that names it.
    vertx.undeploy(agentDeployment).await(30, TimeUnit.SECONDS);
    Resp gone = get("/tasks/burner/usage");
    assertThat(gone.status()).as(gone.body()).isEqualTo(503);
    assertThat(gone.json().getString("error")).contains("agent '" + agent.agentId() + "'", "'burner'");
    assertThat(gone.json().getString("task_id")).isEqualTo("burner");
  }
}
