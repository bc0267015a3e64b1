package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.StatusUpdate;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Reliable status updates: one in flight per task, resent until acknowledged. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentStatusUpdateTest {

  @TempDir
  Path workDir;

  private Vertx vertx;
  private RecordingMaster master;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    MesoCodecs.register(vertx);
    master = new RecordingMaster(vertx);
    master.start().await(10, TimeUnit.SECONDS);
  }

  private AgentVerticle deploy(AgentOptions options) throws Exception {
    AgentVerticle agent = new AgentVerticle(options.setWorkDir(workDir.toString()).setHostname("h")
        .setResources("cpus:2;mem:1024;disk:1024").setExecutorMode(ExecutorMode.SIMULATED));
    vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    agent.registered().await(10, TimeUnit.SECONDS);
    return agent;
  }

  private static AgentOptions fastRetries() {
    return new AgentOptions().setStatusUpdateRetryInitialMillis(50).setStatusUpdateRetryMaxMillis(200);
  }

  private StatusUpdate awaitUpdate(String taskId, TaskState state) {
    await().atMost(Duration.ofSeconds(10))
        .until(() -> master.updatesOf(taskId).stream().anyMatch(u -> u.getStatus().getState() == state));
    return master.updatesOf(taskId).stream().filter(u -> u.getStatus().getState() == state).findFirst().orElseThrow();
  }

  private long copiesOf(StatusUpdate update) {
    return master.updates.stream().filter(u -> u.getUuid().equals(update.getUuid())).count();
  }

  @Test
  void eachUpdateIsResentUntilAcknowledgedAndTheNextOnlyFollowsTheAck() throws Exception {
    AgentVerticle agent = deploy(fastRetries());
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.simulated("t1", 0));

    // The simulated task went STARTING -> RUNNING -> FINISHED at once; only STARTING is in flight.
    StatusUpdate starting = awaitUpdate("t1", TaskState.TASK_STARTING);
    await().atMost(Duration.ofSeconds(10)).until(() -> copiesOf(starting) >= 3);
    assertThat(master.distinctStatesOf("t1")).containsExactly(TaskState.TASK_STARTING);
    assertThat(starting.getUuid().size()).isEqualTo(16);
    assertThat(starting.getStatus().getUuid()).isEqualTo(starting.getUuid());
    assertThat(starting.getAgentId().getValue()).isEqualTo(agent.agentId());
    assertThat(starting.getStatus().getAgentId().getValue()).isEqualTo(agent.agentId());
    assertThat(starting.getStatus().getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
    assertThat(starting.getFrameworkId().getValue()).isEqualTo(Tasks.FRAMEWORK);
    assertThat(starting.getTimestamp()).isPositive().isEqualTo(starting.getStatus().getTimestamp());

    master.ack(starting);
    StatusUpdate running = awaitUpdate("t1", TaskState.TASK_RUNNING);
    assertThat(running.getUuid()).isNotEqualTo(starting.getUuid());
    assertThat(running.getLatestState()).isEqualTo(TaskState.TASK_FINISHED);
    await().atMost(Duration.ofSeconds(10)).until(() -> copiesOf(running) >= 2);
    assertThat(master.distinctStatesOf("t1")).containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);

    master.ack(running);
    StatusUpdate finished = awaitUpdate("t1", TaskState.TASK_FINISHED);

    // Until its terminal update is acknowledged the task is still known: a relaunch is refused.
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.simulated("t1", 0));
    StatusUpdate error = awaitUpdate("t1", TaskState.TASK_ERROR);
    assertThat(error.getStatus().getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_INVALID);
    assertThat(error.getStatus().getMessage()).contains("'t1'").contains("already");
    master.ack(error);

    master.ack(finished);
    // Acknowledged terminal update: the task is forgotten and the id may be used again.
    int before = master.updatesOf("t1").size();
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.simulated("t1", 0));
    await().atMost(Duration.ofSeconds(10)).until(() -> master.updatesOf("t1").stream().skip(before)
        .anyMatch(u -> u.getStatus().getState() == TaskState.TASK_STARTING));
  }

  @Test
  void resendsBackOffExponentially() throws Exception {
    AgentVerticle agent = deploy(new AgentOptions().setStatusUpdateRetryInitialMillis(100)
        .setStatusUpdateRetryMaxMillis(400));
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.simulated("slow", 600_000));
    StatusUpdate starting = awaitUpdate("slow", TaskState.TASK_STARTING);

    await().atMost(Duration.ofSeconds(10)).until(() -> copiesOf(starting) >= 6);

    // Sent at 0, then after 100, 200, 400, 400, 400 ms: at least 1.5 s for six copies.
    List<Long> arrivals = master.arrivalMillis(starting.getUuid());
    assertThat(arrivals.get(5) - arrivals.get(0)).isGreaterThanOrEqualTo(1_400);
    assertThat(arrivals.get(1) - arrivals.get(0)).isGreaterThanOrEqualTo(90);
  }

  @Test
  void reregistrationReportsTasksAndTheUpdateInFlightWhichIsThenResent() throws Exception {
    AgentVerticle agent = deploy(new AgentOptions().setPingTimeoutMillis(300));
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.simulated("long", 600_000));
    StatusUpdate starting = awaitUpdate("long", TaskState.TASK_STARTING);

    await().atMost(Duration.ofSeconds(10))
        .until(() -> !master.registrationsOf(ReregisterAgentMessage.class).isEmpty());
    ReregisterAgentMessage reregister = master.registrationsOf(ReregisterAgentMessage.class).get(0);

    assertThat(reregister.getTasksList()).hasSize(1);
    assertThat(reregister.getTasks(0).getTaskId().getValue()).isEqualTo("long");
    assertThat(reregister.getTasks(0).getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(reregister.getTasks(0).getStatusUpdateUuid()).isEqualTo(starting.getUuid());
    assertThat(reregister.getFrameworksList()).extracting(f -> f.getId().getValue()).containsExactly(Tasks.FRAMEWORK);
    assertThat(reregister.getUpdatesList()).extracting(StatusUpdate::getUuid).containsExactly(starting.getUuid());
    assertThat(reregister.getUpdates(0).getLatestState()).isEqualTo(TaskState.TASK_RUNNING);
    // After re-registering the stream goes on where it was.
    int before = master.updates.size();
    await().atMost(Duration.ofSeconds(10)).until(() -> master.updates.stream().skip(before)
        .anyMatch(u -> u.getUuid().equals(starting.getUuid())));
  }

  /**
   * After a new leader's announcement an agent re-registers by digest only while none of its
   * tasks has ended unacknowledged: such a task is in no digest and maybe in no copy, so the new
   * leader would not know it (JobsFailoverIT once saw a run recorded failed this way).
   */
  @Test
  void anAgentHoldingAnUnacknowledgedEndReportsItsTasksInsteadOfADigest() throws Exception {
    master.acceptDigests().await(10, TimeUnit.SECONDS);
    AgentVerticle agent = deploy(fastRetries());
    master.autoAck = true;
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.simulated("long", 600_000));
    awaitUpdate("long", TaskState.TASK_RUNNING);

    vertx.eventBus().publish(Addresses.MASTER_ELECTED, "127.0.0.1:5050");
    await().atMost(Duration.ofSeconds(10)).until(() -> master.digests.size() == 1);
    assertThat(master.digests.get(0).getTasksCount()).isZero();
    assertThat(master.digests.get(0).getDigest().getTasks()).isEqualTo(1);

    // Now a task ends and its end is not acknowledged.
    master.autoAck = false;
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.simulated("short", 1));
    // Its first update, resent unacknowledged, says its latest state: it ended.
    await().atMost(Duration.ofSeconds(10)).until(() -> master.updatesOf("short").stream()
        .anyMatch(u -> u.getLatestState() == TaskState.TASK_FINISHED));
    int reregistrations = master.registrationsOf(ReregisterAgentMessage.class).size();
    vertx.eventBus().publish(Addresses.MASTER_ELECTED, "127.0.0.1:5051");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> master.registrationsOf(ReregisterAgentMessage.class).size() > reregistrations);
    ReregisterAgentMessage full = master.registrationsOf(ReregisterAgentMessage.class).get(reregistrations);
    assertThat(full.hasDigest()).isFalse();
    assertThat(full.getTasksList()).extracting(t -> t.getTaskId().getValue()).contains("long", "short");
    assertThat(master.digests).hasSize(1);
  }

  @Test
  void acknowledgementsForUnknownUpdatesAreIgnored() throws Exception {
    AgentVerticle agent = deploy(fastRetries());
    vertx.eventBus().send(Addresses.agent(agent.agentId()), Tasks.simulated("t2", 600_000));
    StatusUpdate starting = awaitUpdate("t2", TaskState.TASK_STARTING);

    master.ack(starting.toBuilder().setUuid(ByteString.copyFromUtf8("not-the-right-id")).build());
    int before = master.updates.size();

    await().atMost(Duration.ofSeconds(10)).until(() -> master.updates.stream().skip(before)
        .anyMatch(u -> u.getUuid().equals(starting.getUuid())));
    assertThat(master.distinctStatesOf("t2")).containsExactly(TaskState.TASK_STARTING);
  }
}
