package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.proto.DrainAgentRequest;
import io.meso.proto.GetQuotaRequest;
import io.meso.proto.GetQuotaResponse;
import io.meso.proto.GetRolesRequest;
import io.meso.proto.GetRolesResponse;
import io.meso.proto.ResourceQuantity;
import io.meso.proto.RoleInfo;
import io.meso.proto.RoleQuota;
import io.meso.proto.RoleWeight;
import io.meso.proto.SetQuotaRequest;
import io.meso.proto.SetWeightsRequest;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.ha.LeaderElection;
import io.meso.ha.Registry;
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
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three masters on three clustered Vert.x nodes in one JVM (a loopback Hazelcast cluster with
 * a unique name, three CP members), each a standby standing for election. What operators set on
 * the leader (weights, quotas, draining) is what the next leader serves after the first one's
 * node shuts down; reconciliation of tasks the new leader does not know answers by what it knows
 * of the agent named; and an operator change whose registry write is refused changes nothing.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PoliciesFailoverTest {

  static final Duration WAIT = ThreeMasters.WAIT;

  final ThreeMasters cluster = new ThreeMasters();
  final List<Vertx> nodes = cluster.nodes;
  final List<MasterVerticle> masters = cluster.masters;
  final List<LeaderElection> elections = cluster.elections;

  @AfterEach
  void stop() {
    cluster.close();
  }

  private void startMasters() throws Exception {
    cluster.start("policies", 7000);
  }

  private int awaitLeader() {
    return cluster.awaitLeader();
  }

  private static Object call(Vertx from, String action, Object body) throws Exception {
    return ThreeMasters.call(from, action, body);
  }

  private static ReplyException refused(Vertx from, String action, Object body) {
    try {
      call(from, action, body);
    } catch (Exception e) {
      assertThat(e).isInstanceOf(ReplyException.class);
      return (ReplyException) e;
    }
    throw new AssertionError("expected " + action + " to be refused");
  }

  private static Map<String, Double> weights(Vertx from) throws Exception {
    GetRolesResponse roles = (GetRolesResponse) call(from, "GetRoles", GetRolesRequest.getDefaultInstance());
    return roles.getRolesList().stream().collect(Collectors.toMap(RoleInfo::getRole, RoleInfo::getWeight));
  }

  private static Map<String, RoleQuota> quotas(Vertx from) throws Exception {
    GetQuotaResponse quotas = (GetQuotaResponse) call(from, "GetQuota", GetQuotaRequest.getDefaultInstance());
    return quotas.getQuotasList().stream().collect(Collectors.toMap(RoleQuota::getRole, Function.identity()));
  }

  private static void registerAgent(Vertx from, String id) throws Exception {
    from.eventBus().request(Addresses.MASTER, RegisterAgentMessage.newBuilder().setAgentInfo(AgentInfo.newBuilder()
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
  void weightsQuotasAndDrainingSurviveALeaderChangeAndReconcileAnswersByAgent() throws Exception {
    startMasters();
    int first = awaitLeader();
    Vertx survivor = nodes.get((first + 1) % 3);
    MasterVerticle firstLeader = masters.get(first);

    // Agent "alive" is admitted (it never re-registers: nothing runs behind it); "agent-silent"
    // is in the registry as unreachable, as a leader records an agent that stopped answering.
    String alive = "agent-alive";
    registerAgent(survivor, alive);
    assertThat(new Registry(MesoCluster.hazelcast(survivor)).put(firstLeader.fence(), Registry.AGENTS,
        "agent-silent", io.meso.master.RegistryEntries.encode(AgentInfo.newBuilder().setHostname("silent.test")
            .setId(AgentID.newBuilder().setValue("agent-silent")).build().toByteArray(), "UNREACHABLE"))
        .toCompletableFuture().get(30, TimeUnit.SECONDS)).isTrue();
    await().atMost(WAIT).until(() -> new Registry(MesoCluster.hazelcast(survivor)).read(Registry.AGENTS)
        .containsKey(alive));

    call(survivor, "SetWeights", SetWeightsRequest.newBuilder()
        .addWeights(RoleWeight.newBuilder().setRole("eng").setWeight(3))
        .addWeights(RoleWeight.newBuilder().setRole("ops/batch").setWeight(0.5)).build());
    call(survivor, "SetWeights", SetWeightsRequest.newBuilder()
        .addWeights(RoleWeight.newBuilder().setRole("eng").setWeight(4)).build());
    call(survivor, "SetQuota", SetQuotaRequest.newBuilder()
        .addQuotas(RoleQuota.newBuilder().setRole("eng")
            .addGuarantees(ResourceQuantity.newBuilder().setName("cpus").setValue(1))
            .addLimits(ResourceQuantity.newBuilder().setName("cpus").setValue(2)))
        .addQuotas(RoleQuota.newBuilder().setRole("gone")
            .addLimits(ResourceQuantity.newBuilder().setName("mem").setValue(64))).build());
    // Removing a quota (empty) is remembered too.
    call(survivor, "SetQuota", SetQuotaRequest.newBuilder().addQuotas(RoleQuota.newBuilder().setRole("gone")).build());
    call(survivor, "DrainAgent", DrainAgentRequest.newBuilder().setAgentId(AgentID.newBuilder().setValue(alive))
        .build());
    // Bad input is still refused before anything is stored.
    ReplyException bad = refused(survivor, "SetWeights", SetWeightsRequest.newBuilder()
        .addWeights(RoleWeight.newBuilder().setRole("eng").setWeight(-2)).build());
    assertThat(bad.failureCode()).isEqualTo(400);
    assertThat(bad.getMessage()).contains("weights[0].weight is -2.0").contains("positive finite");
    ReplyException unknown = refused(survivor, "DrainAgent", DrainAgentRequest.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue("no-such-agent")).build());
    assertThat(unknown.failureCode()).isEqualTo(404);
    assertThat(unknown.getMessage()).contains("'no-such-agent'");

    Map<String, Double> weightsBefore = weights(survivor);
    assertThat(weightsBefore).containsEntry("eng", 4.0).containsEntry("ops/batch", 0.5);
    Map<String, RoleQuota> quotasBefore = quotas(survivor);
    assertThat(quotasBefore).containsOnlyKeys("eng");
    assertThat(firstLeader.policies.draining()).containsExactly(alive);

    // The leader's node shuts down; a standby takes over.
    elections.get(first).close();
    nodes.get(first).close().await(60, TimeUnit.SECONDS);
    int second = awaitLeader(); // (its take-over done: what it restored is in place, its consumers registered)
    assertThat(second).isNotEqualTo(first);
    MasterVerticle newLeader = masters.get(second);

    assertThat(weights(survivor)).containsEntry("eng", 4.0).containsEntry("ops/batch", 0.5);
    assertThat(quotas(survivor)).isEqualTo(quotasBefore);
    assertThat(newLeader.policies.draining()).containsExactly(alive);
    assertThat(newLeader.policies.weights()).containsExactlyInAnyOrderEntriesOf(Map.of("eng", 4.0, "ops/batch", 0.5));

    // Reconciling tasks the new leader does not know (tasks are re-learned from agents).
    EventBusSchedulerClient awareClient = new EventBusSchedulerClient(survivor);
    FrameworkRecorder aware = new FrameworkRecorder(awareClient);
    awareClient.subscribe(FrameworkInfo.newBuilder().setName("aware").setUser("")
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
        .build(), aware::onEvent).await(30, TimeUnit.SECONDS);
    EventBusSchedulerClient plainClient = new EventBusSchedulerClient(survivor);
    FrameworkRecorder plain = new FrameworkRecorder(plainClient);
    plainClient.subscribe(FrameworkInfo.newBuilder().setName("plain").setUser("").build(), plain::onEvent)
        .await(30, TimeUnit.SECONDS);
    List<Call.Reconcile.Task> asked = List.of(task("t-recovering", alive), task("t-no-agent", null),
        task("t-unreachable", "agent-silent"), task("t-unknown-agent", "agent-never-seen"));
    awareClient.reconcile(asked).await(30, TimeUnit.SECONDS);
    plainClient.reconcile(asked).await(30, TimeUnit.SECONDS);

    TaskStatus unreachable = aware.awaitUpdate("t-unreachable", TaskState.TASK_UNREACHABLE);
    assertThat(unreachable.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(unreachable.hasUnreachableTime()).isTrue();
    assertThat(unreachable.getAgentId().getValue()).isEqualTo("agent-silent");
    assertThat(aware.awaitUpdate("t-unknown-agent", TaskState.TASK_UNKNOWN).getReason())
        .isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
    for (String t : List.of("t-unreachable", "t-unknown-agent")) {
      assertThat(plain.awaitUpdate(t, TaskState.TASK_LOST).getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
    }
    // Updates of one call arrive in order and the last is in: the task on the agent still
    // awaited after the failover got no answer (the agent reports its tasks when it re-registers),
    // nor did the task named without an agent (it may be on that agent: Mesos's case 2).
    assertThat(newLeader.state.recoveringAgents).contains(alive);
    assertThat(aware.updates("t-recovering")).isEmpty();
    assertThat(plain.updates("t-recovering")).isEmpty();
    assertThat(aware.updates("t-no-agent")).isEmpty();
    assertThat(plain.updates("t-no-agent")).isEmpty();

    // Bad reconcile input is refused naming the field.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> awareClient.reconcile(List.of(
            Call.Reconcile.Task.newBuilder().setAgentId(AgentID.newBuilder().setValue(alive)).build()))
        .await(30, TimeUnit.SECONDS)).hasMessageContaining("reconcile.tasks[0].task_id is missing");

    // A newer leader is published (as an election elsewhere would): the registry refuses this
    // leader's write, the call fails saying so, and nothing it asked for was applied.
    io.meso.ha.LeaderElection.LeaderRecord current = (io.meso.ha.LeaderElection.LeaderRecord)
        MesoCluster.hazelcast(survivor).getMap(LeaderElection.LEADER_MAP).get(LeaderElection.LEADER_KEY);
    MesoCluster.hazelcast(survivor).getMap(LeaderElection.LEADER_MAP).set(LeaderElection.LEADER_KEY,
        new LeaderElection.LeaderRecord("127.0.0.1:1", "someone-else", current.fence() + 1000));
    ReplyException stale = refused(survivor, "SetWeights", SetWeightsRequest.newBuilder()
        .addWeights(RoleWeight.newBuilder().setRole("eng").setWeight(9)).build());
    assertThat(stale.failureCode()).isEqualTo(503);
    assertThat(stale.getMessage()).contains("no longer the leader").contains("nothing was changed");
    assertThat(newLeader.policies.weights()).containsEntry("eng", 4.0);
    await().atMost(WAIT).until(() -> !newLeader.isLeading());
    awareClient.close();
    plainClient.close();
  }
}
