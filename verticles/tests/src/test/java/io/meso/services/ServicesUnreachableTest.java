package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.master.MasterOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An instance whose agent stops answering becomes TASK_UNREACHABLE (the framework is
 * PARTITION_AWARE) and, after the app's unreachableStrategy.inactiveAfterSeconds, is replaced on
 * another agent. The master pings agents every 500 ms and gives up after one missed ping.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServicesUnreachableTest {

  static ServicesFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = ServicesFixture.start("meso-services-unreachable", new MasterOptions().setAllocationIntervalMillis(100)
        .setAgentPingIntervalMillis(500).setMaxAgentPingTimeouts(1));
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void anUnreachableInstanceIsReplacedAfterInactiveAfterSeconds() throws Exception {
    JsonObject app = new JsonObject().put("id", "/far/web").put("cmd", "sleep 600").put("cpus", 0.1).put("mem", 16)
        .put("unreachableStrategy", new JsonObject().put("inactiveAfterSeconds", 1).put("expungeAfterSeconds", 60));
    assertThat(f.post("/v2/apps", app).status()).isEqualTo(201);
    JsonObject first = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> f.tasks("/far/web"), t -> t.size() == 1
            && t.getJsonObject(0).getString("state").equals("TASK_RUNNING")).getJsonObject(0);
    String firstAgent = first.getString("slaveId");

    f.deployAgent("meso-services-unreachable-2");
    // The first agent (the only one when the task was placed) goes silent.
    f.vertx.undeploy(f.agentDeployment).await(30, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> state(f.tasks("/far/web"), first.getString("id")), s -> "TASK_UNREACHABLE".equals(s));
    JsonArray tasks = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> f.tasks("/far/web"), t -> t.stream().map(o -> (JsonObject) o).anyMatch(
            o -> o.getString("state").equals("TASK_RUNNING") && !o.getString("slaveId").equals(firstAgent)));
    assertThat(tasks).hasSize(2);
    assertThat(f.app("/far/web").getInteger("instances")).isEqualTo(1);
    f.delete("/v2/apps/far/web");
  }

  private static String state(JsonArray tasks, String id) {
    return tasks.stream().map(o -> (JsonObject) o).filter(t -> t.getString("id").equals(id))
        .map(t -> t.getString("state")).findFirst().orElse(null);
  }
}
