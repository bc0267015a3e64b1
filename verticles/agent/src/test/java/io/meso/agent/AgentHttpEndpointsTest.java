package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.executor.Isolation;
import io.meso.v1.TaskState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The agent's Mesos-shaped /state, /metrics/snapshot, /health and Prometheus /metrics, with a real task. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentHttpEndpointsTest {

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
    agent = new AgentVerticle(new AgentOptions().setWorkDir(workDir.toString()).setHostname("127.0.0.1").setPort(0)
        .setServeHttp(true).setResources("cpus:2;mem:1024;disk:1024;ports:[31000-31009]")
        .setAttributes("rack:r1;level:3").setIsolation(Isolation.POSIX).setKillGracePeriodMillis(500));
    vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    agent.registered().await(10, TimeUnit.SECONDS);
    http = new AgentHttp(vertx, agent.agentInfo().getPort());
  }

  private void run(String taskId, String command) {
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.run(Tasks.framework(Tasks.FRAMEWORK),
        Tasks.task(taskId, command).toBuilder().addAllResources(io.meso.allocator.Resources.parse("cpus:0.5;mem:64")
            .toProto()).build()));
  }

  private void awaitState(String taskId, TaskState state) {
    await().atMost(Duration.ofSeconds(20)).until(() -> master.distinctStatesOf(taskId).contains(state));
  }

  @Test
  void stateListsTheAgentAndItsRunningTask() throws Exception {
    run("web-1", "sleep 30");
    awaitState("web-1", TaskState.TASK_RUNNING);

    JsonObject state = http.json("/state");

    assertThat(state.getString("id")).isEqualTo(agent.agentId());
    assertThat(state.getString("hostname")).isEqualTo("127.0.0.1");
    assertThat(state.getString("pid")).isEqualTo("slave(1)@127.0.0.1:" + agent.agentInfo().getPort());
    assertThat(state.getJsonObject("resources").getDouble("cpus")).isEqualTo(2.0);
    assertThat(state.getJsonObject("resources").getString("ports")).isEqualTo("[31000-31009]");
    assertThat(state.getJsonObject("attributes").getString("rack")).isEqualTo("r1");
    assertThat(state.getJsonObject("attributes").getDouble("level")).isEqualTo(3.0);
    JsonArray frameworks = state.getJsonArray("frameworks");
    assertThat(frameworks).hasSize(1);
    JsonObject executor = frameworks.getJsonObject(0).getJsonArray("executors").getJsonObject(0);
    assertThat(frameworks.getJsonObject(0).getString("id")).isEqualTo(Tasks.FRAMEWORK);
    assertThat(executor.getString("id")).isEqualTo("web-1");
    assertThat(executor.getString("name")).isEqualTo("Command Executor (Task: web-1) (Command: sh -c 'sleep 30')");
    assertThat(executor.getString("directory")).endsWith("/tasks/web-1");
    JsonObject task = executor.getJsonArray("tasks").getJsonObject(0);
    assertThat(task.getString("id")).isEqualTo("web-1");
    assertThat(task.getString("state")).isEqualTo("TASK_RUNNING");
    assertThat(task.getString("slave_id")).isEqualTo(agent.agentId());
    assertThat(task.getJsonObject("resources").getDouble("mem")).isEqualTo(64.0);
    // The same under Mesos's process prefix.
    assertThat(http.json("/slave(1)/state").getString("id")).isEqualTo(agent.agentId());
  }

  @Test
  void metricsSnapshotCountsTasksAndResources() throws Exception {
    run("live", "sleep 30");
    run("done", "true");
    awaitState("live", TaskState.TASK_RUNNING);
    awaitState("done", TaskState.TASK_FINISHED);

    JsonObject m = http.json("/metrics/snapshot");

    assertThat(m.getDouble("slave/registered")).isEqualTo(1.0);
    assertThat(m.getDouble("slave/uptime_secs")).isPositive();
    assertThat(m.getDouble("slave/tasks_running")).isEqualTo(1.0);
    assertThat(m.getDouble("slave/tasks_finished")).isEqualTo(1.0);
    assertThat(m.getDouble("slave/tasks_failed")).isEqualTo(0.0);
    assertThat(m.getDouble("slave/cpus_total")).isEqualTo(2.0);
    assertThat(m.getDouble("slave/cpus_used")).isEqualTo(0.5);
    assertThat(m.getDouble("slave/cpus_percent")).isEqualTo(0.25);
    assertThat(m.getDouble("slave/mem_used")).isEqualTo(64.0);
    assertThat(m.getDouble("slave/executors_running")).isEqualTo(1.0);
  }

  @Test
  void prometheusHasNodeTotalsAndNoTaskIds() throws Exception {
    run("secret-task-id", "sleep 30");
    awaitState("secret-task-id", TaskState.TASK_RUNNING);

    AgentHttp.Answer metrics = http.get("/metrics");

    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.contentType()).startsWith("text/plain; version=0.0.4");
    assertThat(metrics.body())
        .contains("meso_agent_registered 1\n")
        .contains("meso_agent_tasks{state=\"running\"} 1\n")
        .contains("meso_agent_resources_total{resource=\"cpus\"} 2\n")
        .contains("meso_agent_resources_used{resource=\"mem\"} 64\n")
        .contains("# TYPE meso_agent_running_tasks_memory_rss_bytes gauge")
        .doesNotContain("secret-task-id")
        .doesNotContain(Tasks.FRAMEWORK);
    String rss = metrics.body().lines().filter(l -> l.startsWith("meso_agent_running_tasks_memory_rss_bytes "))
        .findFirst().orElseThrow();
    assertThat(Long.parseLong(rss.substring(rss.indexOf(' ') + 1))).as("the sleeping task's rss").isPositive();
  }

  @Test
  void healthWrongMethodsAndUnknownPaths() throws Exception {
    AgentHttp.Answer health = http.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).isEmpty();

    AgentHttp.Answer post = http.call(HttpMethod.POST, "/state");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.allow()).isEqualTo("GET");

    AgentHttp.Answer missing = http.get("/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).contains("/nope").contains("/monitor/statistics");

    assertThat(new JsonArray(http.get("/monitor/statistics").body())).isEmpty();
  }
}
