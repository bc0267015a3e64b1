package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /v2/events}: Server-Sent Events of task updates and deployments, with the event_type filter. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServicesEventsTest {

  static ServicesFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = ServicesFixture.start("meso-services-events");
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  /**
   * The events in {@code text} of type {@code type}, as their data. Only complete events count:
   * the stream may be read while an event is still arriving.
   */
  static List<JsonObject> events(StringBuffer text, String type) {
    List<JsonObject> out = new ArrayList<>();
    String received = text.toString();
    String complete = received.substring(0, received.lastIndexOf("\n\n") + 1);
    for (String block : complete.split("\n\n")) {
      String[] lines = block.split("\n");
      if (lines.length == 2 && lines[0].equals("event: " + type) && lines[1].startsWith("data: ")) {
        out.add(new JsonObject(lines[1].substring("data: ".length())));
      }
    }
    return out;
  }

  @Test
  void theStreamCarriesTaskUpdatesAndDeploymentsFilteredByType() {
    assertThat(f.openStream("/v2/events", "application/json", new StringBuffer())).isEqualTo(405);

    StringBuffer all = new StringBuffer();
    StringBuffer onlySuccess = new StringBuffer();
    assertThat(f.openStream("/v2/events", "text/event-stream", all)).isEqualTo(200);
    assertThat(f.openStream("/v2/events?event_type=deployment_success", "text/event-stream", onlySuccess))
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> !events(all, "event_stream_attached").isEmpty());

    String deploymentId = f.post("/v2/apps", new JsonObject().put("id", "/events/web").put("cmd", "sleep 600")
        .put("cpus", 0.1).put("mem", 16)).headers().get("Marathon-Deployment-Id");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> events(all, "deployment_success").stream().anyMatch(e -> e.getString("id").equals(deploymentId)));

    JsonObject running = events(all, "status_update_event").stream()
        .filter(e -> e.getString("taskStatus").equals("TASK_RUNNING")).findFirst().orElseThrow();
    assertThat(running.getString("appId")).isEqualTo("/events/web");
    assertThat(running.getString("taskId")).startsWith("events_web.instance-");
    assertThat(running.getString("slaveId")).isNotEmpty();
    assertThat(running.getString("timestamp")).isNotEmpty();
    assertThat(events(all, "deployment_info")).isNotEmpty();
    assertThat(events(all, "deployment_info").get(0).getJsonObject("plan").getString("id")).isEqualTo(deploymentId);

    await().atMost(Duration.ofSeconds(10)).until(() -> !events(onlySuccess, "deployment_success").isEmpty());
    assertThat(onlySuccess.toString()).doesNotContain("status_update_event").doesNotContain("deployment_info");

    f.delete("/v2/apps/events/web");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> events(all, "app_terminated_event").stream()
            .anyMatch(e -> e.getString("appId").equals("/events/web")));
  }
}
