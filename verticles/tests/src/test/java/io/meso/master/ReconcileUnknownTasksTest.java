package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.internal.RegisterAgentMessage;
import io.meso.it.FrameworkRecorder;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Explicit reconciliation of tasks the master does not know, by what it knows of the agent
 * named, for partition-aware frameworks and others (as Mesos answers): a registered agent,
 * TASK_GONE / TASK_LOST; an unreachable one, TASK_UNREACHABLE (with its unreachable time) /
 * TASK_LOST; an unknown one, TASK_UNKNOWN / TASK_LOST; always REASON_RECONCILIATION. (Agents
 * still awaited after a master failover get no answer: see PoliciesFailoverTest.)
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReconcileUnknownTasksTest {

  static Vertx vertx;
  static MasterVerticle master;
  static EventBusSchedulerClient awareClient;
  static EventBusSchedulerClient plainClient;
  static FrameworkRecorder aware;
  static FrameworkRecorder plain;

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    master = new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100).setAgentPingIntervalMillis(500)
        .setMaxAgentPingTimeouts(1));
    vertx.deployVerticle(master).await(30, TimeUnit.SECONDS);
    // "agent-up" answers pings; "agent-down" has nobody behind it and becomes unreachable.
    vertx.eventBus().consumer(Addresses.agent("agent-up"), m -> m.reply(null)).completion().await(30, TimeUnit.SECONDS);
    register("agent-up");
    register("agent-down");
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> {
      io.meso.proto.GetStateResponse state = (io.meso.proto.GetStateResponse) vertx.eventBus().request(Addresses.OPERATOR,
          io.meso.proto.GetStateRequest.getDefaultInstance(), new io.vertx.core.eventbus.DeliveryOptions()
              .addHeader(Addresses.ACTION_HEADER, "GetState")).await(30, TimeUnit.SECONDS).body();
      return state.getAgentsList().stream().anyMatch(a -> a.getAgentInfo().getId().getValue().equals("agent-down")
          && !a.getActive());
    });
    awareClient = new EventBusSchedulerClient(vertx);
    aware = new FrameworkRecorder(awareClient);
    awareClient.subscribe(FrameworkInfo.newBuilder().setName("aware").setUser("")
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
        .build(), aware::onEvent).await(30, TimeUnit.SECONDS);
    plainClient = new EventBusSchedulerClient(vertx);
    plain = new FrameworkRecorder(plainClient);
    plainClient.subscribe(FrameworkInfo.newBuilder().setName("plain").setUser("").build(), plain::onEvent)
        .await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static void register(String id) throws Exception {
    vertx.eventBus().request(Addresses.MASTER, RegisterAgentMessage.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setId(AgentID.newBuilder().setValue(id)).setHostname(id + ".test")
        .addAllResources(io.meso.allocator.Resources.parse("cpus:1;mem:128").toProto())).build())
        .await(30, TimeUnit.SECONDS);
  }

  private static Call.Reconcile.Task task(String taskId, String agentId) {
    Call.Reconcile.Task.Builder t = Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId));
    if (agentId != null) {
      t.setAgentId(AgentID.newBuilder().setValue(agentId));
    }
    return t.build();
  }

  @Test
  void unknownTasksAreAnsweredByWhatTheMasterKnowsOfTheAgent() throws Exception {
    List<Call.Reconcile.Task> asked = List.of(task("on-registered", "agent-up"), task("on-unreachable", "agent-down"),
        task("on-unknown", "agent-never-seen"), task("no-agent", null));
    awareClient.reconcile(asked).await(30, TimeUnit.SECONDS);
    plainClient.reconcile(asked).await(30, TimeUnit.SECONDS);

    TaskStatus gone = aware.awaitUpdate("on-registered", TaskState.TASK_GONE);
    assertThat(gone.getAgentId().getValue()).isEqualTo("agent-up");
    assertThat(gone.getMessage()).contains("agent-up").contains("registered");
    TaskStatus unreachable = aware.awaitUpdate("on-unreachable", TaskState.TASK_UNREACHABLE);
    assertThat(unreachable.getUnreachableTime().getNanoseconds()).isPositive();
    assertThat(unreachable.getMessage()).contains("agent-down").contains("unreachable");
    aware.awaitUpdate("on-unknown", TaskState.TASK_UNKNOWN);
    aware.awaitUpdate("no-agent", TaskState.TASK_UNKNOWN);
    for (String t : List.of("on-registered", "on-unreachable", "on-unknown", "no-agent")) {
      TaskStatus lost = plain.awaitUpdate(t, TaskState.TASK_LOST);
      assertThat(lost.getReason()).as(t).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
      assertThat(lost.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
      assertThat(lost.hasUuid()).as("reconciliation answers are not acknowledged").isFalse();
      assertThat(aware.updates(t)).allSatisfy(s -> assertThat(s.getReason())
          .isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION));
    }
  }

  @Test
  void badReconcileInputIsRefusedNamingTheField() {
    assertThatThrownBy(() -> awareClient.reconcile(List.of(task("fine", "agent-up"),
            Call.Reconcile.Task.newBuilder().setAgentId(AgentID.newBuilder().setValue("agent-up")).build()))
        .await(30, TimeUnit.SECONDS)).hasMessageContaining("reconcile.tasks[1].task_id is missing");
  }
}
