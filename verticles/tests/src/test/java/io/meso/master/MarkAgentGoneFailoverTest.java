package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.proto.MarkAgentGoneRequest;
import io.meso.proto.MarkAgentGoneResponse;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.ha.LeaderElection;
import io.meso.ha.Registry;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
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
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MARK_AGENT_GONE across a leader change: three masters on three clustered Vert.x nodes in one
 * JVM (as {@link PoliciesFailoverTest}). The mark is in the registry before the call succeeds;
 * the next leader restores it before it serves: it does not await the gone agent, refuses its
 * (re-)registration for good and reconciles its tasks TASK_GONE_BY_OPERATOR. A mark whose
 * registry write is refused fails with 503 and changes nothing.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MarkAgentGoneFailoverTest {

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
    cluster.start("gone", 7100);
  }

  private int awaitLeader() {
    return cluster.awaitLeader();
  }

  private static Object call(Vertx from, String action, Object body) throws Exception {
    return ThreeMasters.call(from, action, body);
  }

  private static ReplyException refused(Vertx from, String address, Object body, DeliveryOptions options) {
    try {
      from.eventBus().request(address, body, options.setSendTimeout(30_000)).await(40, TimeUnit.SECONDS);
    } catch (Exception e) {
      assertThat(e).isInstanceOf(ReplyException.class);
      return (ReplyException) e;
    }
    throw new AssertionError("expected the request to " + address + " to be refused");
  }

  private static AgentInfo agentInfo(String id) {
    return AgentInfo.newBuilder().setId(AgentID.newBuilder().setValue(id)).setHostname(id + ".test")
        .addAllResources(io.meso.allocator.Resources.parse("cpus:1;mem:128").toProto()).build();
  }

  private static MarkAgentGoneRequest mark(String id) {
    return MarkAgentGoneRequest.newBuilder().setAgentId(AgentID.newBuilder().setValue(id)).build();
  }

  private static DeliveryOptions action(String name) {
    return new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, name);
  }

  @Test
  void theNextLeaderRefusesAGoneAgentAndAFailedWriteChangesNothing() throws Exception {
    startMasters();
    int first = awaitLeader();
    Vertx survivor = nodes.get((first + 1) % 3);
    MasterVerticle firstLeader = masters.get(first);
    Registry registry = new Registry(MesoCluster.hazelcast(survivor));

    String doomed = "agent-doomed";
    String awaited = "agent-awaited";
    for (String id : List.of(doomed, awaited)) {
      survivor.eventBus().request(Addresses.MASTER, RegisterAgentMessage.newBuilder().setAgentInfo(agentInfo(id))
          .build()).await(30, TimeUnit.SECONDS);
    }
    await().atMost(WAIT).until(() -> registry.read(Registry.AGENTS).keySet().containsAll(List.of(doomed, awaited)));

    call(survivor, "DrainAgent", io.meso.proto.DrainAgentRequest.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(doomed)).build());
    assertThat(registry.read(Registry.MAINTENANCE)).containsKey(doomed);
    // It also holds a dynamic reservation (as after a RESERVE): it goes with the agent.
    firstLeader.onContext(() -> {
      firstLeader.state.reservations.set(doomed, io.meso.allocator.Resources.parse("cpus(ops):1"));
      firstLeader.state.registryReservations(doomed);
    }).await(30, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> registry.read(Reservations.REGISTRY_SECTION).containsKey(doomed));
    assertThat(call(survivor, "MarkAgentGone", mark(doomed))).isInstanceOf(MarkAgentGoneResponse.class);
    await().atMost(WAIT).until(() -> !registry.read(Reservations.REGISTRY_SECTION).containsKey(doomed));
    assertThat(firstLeader.state.reservations.of(doomed).isEmpty()).isTrue();
    // Stored before the call succeeded; its agents (and maintenance) entries are removed.
    assertThat(registry.read(Registry.GONE)).containsKey(doomed);
    await().atMost(WAIT).until(() -> !registry.read(Registry.AGENTS).containsKey(doomed)
        && !registry.read(Registry.MAINTENANCE).containsKey(doomed));
    assertThat(firstLeader.goneAgents.isGone(doomed)).isTrue();

    // The leader's node shuts down; a standby takes over.
    elections.get(first).close();
    nodes.get(first).close().await(60, TimeUnit.SECONDS);
    int second = awaitLeader(); // (its take-over done: what it restored is in place, its consumers registered)
    assertThat(second).isNotEqualTo(first);
    MasterVerticle newLeader = masters.get(second);

    assertThat(newLeader.goneAgents.isGone(doomed)).isTrue();
    assertThat(newLeader.policies.draining()).doesNotContain(doomed);
    assertThat(newLeader.state.recoveringAgents).contains(awaited).doesNotContain(doomed);
    ReplyException reregister = refused(survivor, Addresses.MASTER, ReregisterAgentMessage.newBuilder()
        .setAgentInfo(agentInfo(doomed)).build(), new DeliveryOptions());
    assertThat(reregister.failureCode()).isEqualTo(410);
    assertThat(reregister.getMessage()).contains("'" + doomed + "'").contains("marked gone by the operator");
    ReplyException register = refused(survivor, Addresses.MASTER, RegisterAgentMessage.newBuilder()
        .setAgentInfo(agentInfo(doomed)).build(), new DeliveryOptions());
    assertThat(register.failureCode()).isEqualTo(410);
    assertThat(newLeader.state.agents).doesNotContainKey(doomed);
    // Marking it again is idempotent on the new leader too.
    assertThat(call(survivor, "MarkAgentGone", mark(doomed))).isInstanceOf(MarkAgentGoneResponse.class);

    // Reconciliation of a task on the gone agent answers by the mark.
    EventBusSchedulerClient awareClient = new EventBusSchedulerClient(survivor);
    FrameworkRecorder aware = new FrameworkRecorder(awareClient);
    awareClient.subscribe(FrameworkInfo.newBuilder().setName("aware").setUser("")
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
        .build(), aware::onEvent).await(30, TimeUnit.SECONDS);
    EventBusSchedulerClient plainClient = new EventBusSchedulerClient(survivor);
    FrameworkRecorder plain = new FrameworkRecorder(plainClient);
    plainClient.subscribe(FrameworkInfo.newBuilder().setName("plain").setUser("").build(), plain::onEvent)
        .await(30, TimeUnit.SECONDS);
    List<Call.Reconcile.Task> asked = List.of(Call.Reconcile.Task.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("t-on-gone")).setAgentId(AgentID.newBuilder().setValue(doomed)).build());
    awareClient.reconcile(asked).await(30, TimeUnit.SECONDS);
    plainClient.reconcile(asked).await(30, TimeUnit.SECONDS);
    TaskStatus goneTask = aware.awaitUpdate("t-on-gone", s -> true);
    assertThat(goneTask.getState()).isEqualTo(TaskState.TASK_GONE_BY_OPERATOR);
    assertThat(goneTask.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(plain.awaitUpdate("t-on-gone", s -> true).getState()).isEqualTo(TaskState.TASK_LOST);

    // An agent still awaited after the failover can be marked gone; then it is refused too.
    assertThat(newLeader.agentManager.awaitedCount()).isEqualTo(1);
    call(survivor, "MarkAgentGone", mark(awaited));
    assertThat(newLeader.state.recoveringAgents).doesNotContain(awaited);
    // No longer awaited: it does not hold up "all agents re-registered".
    assertThat(newLeader.agentManager.awaitedCount()).isZero();
    assertThat(registry.read(Registry.GONE)).containsKeys(doomed, awaited);
    assertThat(refused(survivor, Addresses.MASTER, ReregisterAgentMessage.newBuilder()
        .setAgentInfo(agentInfo(awaited)).build(), new DeliveryOptions()).failureCode()).isEqualTo(410);

    // A mark whose registry write is refused (a newer leader was published) fails with 503 and
    // changes nothing.
    String kept = "agent-kept";
    survivor.eventBus().request(Addresses.MASTER, RegisterAgentMessage.newBuilder().setAgentInfo(agentInfo(kept))
        .build()).await(30, TimeUnit.SECONDS);
    LeaderElection.LeaderRecord current = (LeaderElection.LeaderRecord)
        MesoCluster.hazelcast(survivor).getMap(LeaderElection.LEADER_MAP).get(LeaderElection.LEADER_KEY);
    MesoCluster.hazelcast(survivor).getMap(LeaderElection.LEADER_MAP).set(LeaderElection.LEADER_KEY,
        new LeaderElection.LeaderRecord("127.0.0.1:1", "someone-else", current.fence() + 1000));
    ReplyException stale = refused(survivor, Addresses.OPERATOR, mark(kept), action("MarkAgentGone"));
    assertThat(stale.failureCode()).isEqualTo(503);
    assertThat(stale.getMessage()).contains("nothing was changed");
    assertThat(newLeader.goneAgents.isGone(kept)).isFalse();
    assertThat(registry.read(Registry.GONE)).doesNotContainKey(kept);
    await().atMost(WAIT).until(() -> !newLeader.isLeading());
    assertThat(newLeader.state.agents).containsKey(kept);
    awareClient.close();
    plainClient.close();
  }
}
