package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.codecs.Addresses;
import io.meso.codecs.TaskDigests;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.TaskDigest;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Standbys keep a copy of the leader's tasks ({@link Replica}, fed by {@link ReplicaFeed}); a new
 * leader re-admits an agent whose digest matches its copy without the agent sending its tasks.
 * Three masters on three clustered Vert.x nodes in one JVM ({@link ThreeMasters}), a real agent
 * running real processes on a standby's node, a framework launching through the event bus.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReregistrationByDigestTest {

  final ThreeMasters cluster = new ThreeMasters();
  final List<EventBusSchedulerClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(EventBusSchedulerClient::close);
    cluster.close();
  }

  static <T> T onContext(MasterVerticle master, java.util.function.Supplier<T> read) throws Exception {
    AtomicReference<T> out = new AtomicReference<>();
    master.onContext(() -> out.set(read.get())).await(30, TimeUnit.SECONDS);
    return out.get();
  }

  @Test
  void aNewLeaderReadmitsTheAgentFromItsCopyAndFeedsTheRemainingStandby() throws Exception {
    cluster.start("digest", 7300);
    int first = cluster.awaitLeader();
    int agentNode = (first + 1) % 3;
    Vertx node = cluster.nodes.get(agentNode);
    AgentVerticle agent = new AgentVerticle(new AgentOptions()
        .setWorkDir(Files.createTempDirectory("meso-digest").toString()).setResources("cpus:4;mem:1024"));
    node.deployVerticle(agent).await(30, TimeUnit.SECONDS);
    String agentId = agent.registered().await(60, TimeUnit.SECONDS);

    EventBusSchedulerClient client = new EventBusSchedulerClient(node);
    clients.add(client);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("digest").setUser("").setFailoverTimeout(600).build(),
        framework::onEvent).await(30, TimeUnit.SECONDS);
    Offer offer = framework.awaitOffer(0);
    List<String> ids = List.of("t1", "t2", "t3");
    client.accept(List.of(offer.getId()), List.of(Launches.launch(
        ids.stream().map(id -> Launches.task(id, offer, "sleep 600", 0.5, 32)).toArray(io.meso.v1.TaskInfo[]::new))),
        io.meso.v1.Filters.getDefaultInstance()).await(30, TimeUnit.SECONDS);
    Map<String, TaskStatus> running = new java.util.HashMap<>();
    for (String id : ids) {
      running.put(id, framework.awaitUpdate(id, TaskState.TASK_RUNNING));
    }

    // What the agent runs, as it would say it: each task RUNNING, with its RUNNING status's uuid.
    TaskDigests.Builder expected = TaskDigests.builder();
    String frameworkId = frameworkIdOf(framework);
    ids.forEach(id -> expected.add(frameworkId, id, TaskState.TASK_RUNNING, running.get(id).getUuid()));
    TaskDigest digest = expected.build();
    // Both standbys' copies come to match it (the leader publishes its changes a few times a second).
    for (int i = 0; i < 3; i++) {
      MasterVerticle standby = cluster.masters.get(i);
      if (i != first) {
        await().atMost(ThreeMasters.WAIT).until(() -> TaskDigests.same(onContext(standby,
            () -> standby.replica.digest(agentId)), digest));
      }
    }

    // The leader's node goes; a standby takes over and the agent re-registers with it by digest.
    cluster.elections.get(first).close();
    cluster.nodes.get(first).close().await(60, TimeUnit.SECONDS);
    await().atMost(ThreeMasters.WAIT).until(() -> cluster.masters.stream().anyMatch(MasterVerticle::isLeading));
    MasterVerticle leader = cluster.masters.stream().filter(MasterVerticle::isLeading).findFirst().orElseThrow();
    MasterVerticle standby = cluster.masters.stream()
        .filter(m -> m != leader && m != cluster.masters.get(first)).findFirst().orElseThrow();
    await().atMost(ThreeMasters.WAIT).until(() -> onContext(leader, () -> {
      AgentRecord a = leader.state.agents.get(agentId);
      return a != null && a.status == AgentRecord.Status.ACTIVE;
    }));
    assertThat(leader.metrics().agentsReregisteredFromCopy).as("agents re-admitted from the copy").isEqualTo(1);
    assertThat(leader.metrics().reregistrationDigestMismatches).isZero();
    // The records filed are the tasks as they were: RUNNING, the RUNNING status with its uuid,
    // their resources held on the agent.
    List<String> filed = onContext(leader, () -> {
      List<String> out = new ArrayList<>();
      FrameworkRecord f = leader.state.frameworks.get(frameworkId);
      for (String id : ids) {
        TaskRecord t = f.tasks.get(id);
        out.add(id + ":" + t.state + ":" + t.latestStatus().getUuid().equals(running.get(id).getUuid()) + ":"
            + t.agentId + ":" + t.resources.scalar("cpus"));
      }
      out.add("used:" + leader.state.agents.get(agentId).used().scalar("cpus"));
      return out;
    });
    assertThat(filed).containsExactly("t1:TASK_RUNNING:true:" + agentId + ":0.5", "t2:TASK_RUNNING:true:" + agentId
        + ":0.5", "t3:TASK_RUNNING:true:" + agentId + ":0.5", "used:1.5");

    // The new leader feeds the remaining standby: a task killed through it is gone from its copy.
    client.kill(TaskID.newBuilder().setValue("t2").build(), AgentID.newBuilder().setValue(agentId).build())
        .await(30, TimeUnit.SECONDS);
    framework.awaitUpdate("t2", TaskState.TASK_KILLED);
    TaskDigest afterKill = TaskDigests.builder()
        .add(frameworkId, "t1", TaskState.TASK_RUNNING, running.get("t1").getUuid())
        .add(frameworkId, "t3", TaskState.TASK_RUNNING, running.get("t3").getUuid()).build();
    await().atMost(ThreeMasters.WAIT).until(() -> TaskDigests.same(onContext(standby,
        () -> standby.replica.digest(agentId)), afterKill));
    // A master that joins now (as the killed one would, restarted) asks the leader for a copy of everything.
    MasterVerticle joiner = cluster.addStandby();
    await().atMost(ThreeMasters.WAIT).until(() -> TaskDigests.same(onContext(joiner,
        () -> joiner.replica.digest(agentId)), afterKill));
    assertThat(joiner.replica.snapshotParts).isPositive();

    // A digest that does not match what the master holds is refused with 409, naming both, and
    // changes nothing; one for an agent it has no copy of likewise. Sent from the standby's node:
    // over the wire, as an agent's.
    node = cluster.nodes.get(cluster.masters.indexOf(standby));
    AgentInfo info = AgentInfo.newBuilder().setHostname("liar.test").setId(AgentID.newBuilder().setValue(agentId))
        .addAllResources(io.meso.allocator.Resources.parse("cpus:4;mem:1024").toProto()).build();
    ReplyException refused = refused(node, ReregisterAgentMessage.newBuilder().setAgentInfo(info)
        .setDigest(TaskDigest.newBuilder().setTasks(2).setHash(42)).build());
    assertThat(refused.failureCode()).isEqualTo(409);
    assertThat(refused.getMessage()).contains(agentId).contains("2 tasks, hash 2a").contains("2 tasks, hash "
        + Long.toHexString(afterKill.getHash())).contains("re-register with the tasks");
    assertThat(onContext(leader, () -> leader.state.agents.get(agentId).info.getHostname())).isNotEqualTo("liar.test");
    ReplyException unknown = refused(node, ReregisterAgentMessage.newBuilder().setAgentInfo(info.toBuilder()
        .setId(AgentID.newBuilder().setValue("agent-never-seen"))).setDigest(TaskDigest.getDefaultInstance()).build());
    assertThat(unknown.failureCode()).isEqualTo(409);
    // Tasks and a digest together are refused as bad input.
    ReplyException both = refused(node, ReregisterAgentMessage.newBuilder().setAgentInfo(info)
        .addTasks(io.meso.v1.Task.newBuilder().setName("x").setTaskId(TaskID.newBuilder().setValue("x"))
            .setFrameworkId(io.meso.v1.FrameworkID.newBuilder().setValue(frameworkId))
            .setAgentId(AgentID.newBuilder().setValue(agentId)).setState(TaskState.TASK_RUNNING))
        .setDigest(digest).build());
    assertThat(both.failureCode()).isEqualTo(400);
    assertThat(both.getMessage()).contains("tasks: 1 given with a digest");
    assertThat(leader.metrics().reregistrationDigestMismatches).isEqualTo(2);
    // A re-registration without a digest has no place there.
    ReplyException noDigest = refused(node, ReregisterAgentMessage.newBuilder().setAgentInfo(info).build());
    assertThat(noDigest.failureCode()).isEqualTo(400);
    assertThat(noDigest.getMessage()).contains("digest: missing").contains(Addresses.MASTER_DIGEST);
    // The agent's tasks are untouched: t1 and t3 still run.
    assertThat(onContext(leader, () -> leader.state.agents.get(agentId).tasks.get(frameworkId).keySet()))
        .containsExactlyInAnyOrder("t1", "t3");
    for (String id : List.of("t1", "t3")) {
      client.kill(TaskID.newBuilder().setValue(id).build(), AgentID.newBuilder().setValue(agentId).build())
          .await(30, TimeUnit.SECONDS);
      framework.awaitUpdate(id, TaskState.TASK_KILLED);
    }
  }

  private static String frameworkIdOf(FrameworkRecorder framework) {
    return framework.events.stream().filter(e -> e.getType() == io.meso.v1.scheduler.Event.Type.SUBSCRIBED)
        .findFirst().orElseThrow().getSubscribed().getFrameworkId().getValue();
  }

  private static ReplyException refused(Vertx from, ReregisterAgentMessage message) throws Exception {
    try {
      from.eventBus().request(Addresses.MASTER_DIGEST, message, new DeliveryOptions().setSendTimeout(30_000))
          .await(40, TimeUnit.SECONDS);
    } catch (Exception e) {
      assertThat(e).isInstanceOf(ReplyException.class);
      return (ReplyException) e;
    }
    throw new AssertionError("expected the re-registration by digest to be refused");
  }
}
