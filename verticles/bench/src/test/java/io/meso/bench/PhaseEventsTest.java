package io.meso.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reading a phase's figures from /v2/events: tasks live before the phase count towards what is
 * running at its start; only events inside the phase's window are counted; kills, failures and the
 * deployment's success are told apart.
 */
class PhaseEventsTest {

  private static final String APP = "/bench/app";
  private static final String V1 = "2026-01-01T00:00:00.000Z";
  private static final String V2 = "2026-01-01T00:01:00.000Z";

  private final List<V2Events.Received> events = new ArrayList<>();
  private long clock = 1_000;

  private void status(String task, String state, String version) {
    events.add(new V2Events.Received(clock++, "status_update_event", new JsonObject().put("appId", APP)
        .put("taskId", task).put("taskStatus", state).put("version", version).encode()));
  }

  private void success(String deployment) {
    events.add(new V2Events.Received(clock++, "deployment_success", new JsonObject().put("id", deployment).encode()));
  }

  @Test
  void aRollingRestartOfTwoInstances() {
    long deployStart = clock;
    status("a.1", "TASK_STARTING", V1);
    status("a.1", "TASK_RUNNING", V1);
    status("b.1", "TASK_STARTING", V1);
    status("b.1", "TASK_RUNNING", V1);
    success("d1");
    long restartStart = clock;
    status("a.1", "TASK_KILLING", V1);
    status("a.1", "TASK_KILLED", V1);
    status("c.1", "TASK_STARTING", V2);
    status("c.1", "TASK_RUNNING", V2);
    status("b.1", "TASK_KILLING", V1);
    status("b.1", "TASK_KILLED", V1);
    status("d.1", "TASK_STARTING", V2);
    status("d.1", "TASK_FAILED", V2);
    status("e.1", "TASK_STARTING", V2);
    long lastRunning = clock;
    status("e.1", "TASK_RUNNING", V2);
    long succeeded = clock;
    success("d2");
    long end = clock;

    ServicesPhase.Events deploy = PhaseEvents.of(events, APP, deployStart, restartStart, V1, "d1", 2);
    assertThat(deploy).isEqualTo(new ServicesPhase.Events(3, 4, 2, 0, 0, 0, 2, 4));

    ServicesPhase.Events restart = PhaseEvents.of(events, APP, restartStart, end, V2, "d2", 2);
    assertThat(restart.lastRunningNanos()).isEqualTo(lastRunning - restartStart);
    assertThat(restart.successNanos()).isEqualTo(succeeded - restartStart);
    assertThat(restart.launched()).as("c, d and e").isEqualTo(3);
    assertThat(restart.oldEnded()).isEqualTo(2);
    assertThat(restart.failed()).as("d failed").isEqualTo(1);
    assertThat(restart.minRunning()).as("after a.1 and then b.1 began killing").isEqualTo(1);
    assertThat(restart.maxLive()).isEqualTo(2);
    assertThat(restart.statusEvents()).isEqualTo(10);
  }

  @Test
  void otherAppsAndOtherDeploymentsAreNotCounted() {
    long start = clock;
    events.add(new V2Events.Received(clock++, "status_update_event", new JsonObject().put("appId", "/other")
        .put("taskId", "x.1").put("taskStatus", "TASK_RUNNING").put("version", V1).encode()));
    status("a.1", "TASK_RUNNING", V1);
    success("someone-else");
    ServicesPhase.Events e = PhaseEvents.of(events, APP, start, clock, V1, "d1", 2);
    assertThat(e.launched()).isEqualTo(1);
    assertThat(e.lastRunningNanos()).as("only 1 of 2 ran").isEqualTo(-1);
    assertThat(e.successNanos()).isEqualTo(-1);
    assertThat(e.statusEvents()).isEqualTo(1);
  }

  @Test
  void theStreamIsParsedAcrossChunksAndBoundedInSize() {
    V2Events stream = new V2Events(2);
    stream.received(io.vertx.core.buffer.Buffer.buffer("event: status_update_event\ndata: {\"a\":"));
    stream.received(io.vertx.core.buffer.Buffer.buffer("1}\n\nevent: deployment_success\ndata: {}\n\n"));
    assertThat(stream.events()).extracting(V2Events.Received::type)
        .containsExactly("status_update_event", "deployment_success");
    assertThat(stream.events().get(0).json().getInteger("a")).isEqualTo(1);
    assertThat(stream.problem()).isNull();
    stream.received(io.vertx.core.buffer.Buffer.buffer("event: x\ndata: {}\n\n"));
    assertThat(stream.events()).hasSize(2);
    assertThat(stream.problem()).contains("more than 2 events");
  }

  @Test
  void anEarlyEndOfTheStreamIsAProblemButNotAfterStop() {
    V2Events cut = new V2Events(10);
    cut.closed("reset");
    assertThat(cut.problem()).contains("ended early").contains("reset");
    V2Events stopped = new V2Events(10);
    stopped.stop();
    stopped.closed("closed by the benchmark");
    assertThat(stopped.problem()).isNull();
  }
}
