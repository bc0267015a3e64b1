package io.meso.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.internal.AgentRegisteredMessage;
import io.meso.internal.RegisterAgentMessage;
import io.meso.it.FrameworkRecorder;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.proto.GetStateRequest;
import io.meso.proto.GetStateResponse;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.security.cluster.AgentProof;
import io.meso.security.cluster.ClusterSecret;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Agent admission under a cluster secret, on a real Hazelcast cluster over loopback: a master
 * with the secret, an agent with it (admitted, offered), and a stranger node that learnt the
 * Hazelcast cluster name (derived from the secret; it travels in clear) but not the secret. The
 * stranger's agents, one with a wrong secret and one with none, are refused and say so, the
 * master never lists them and nothing is offered from them; a captured proof is refused when
 * replayed or attached to another registration. A node that knows only the cluster name given
 * (not the derived one) does not even join.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterSecretAdmissionTest {

  static final ClusterSecret SECRET = random();
  static ClusterOptions masterCluster;
  static Vertx masterNode;
  static Vertx agentNode;
  static Vertx strangerNode;
  static MasterVerticle master;
  static AgentVerticle goodAgent;
  static EventBusSchedulerClient client;
  static FrameworkRecorder framework;

  static ClusterSecret random() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return ClusterSecret.of(b, "test");
  }

  @BeforeAll
  static void start() throws Exception {
    masterCluster = ClusterOptions.loopbackForTest().setClusterSecret(SECRET);
    masterNode = MesoCluster.start(masterCluster).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    String join = "127.0.0.1:" + MesoCluster.memberPort(masterNode);
    master = new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100).setAgentPingIntervalMillis(500)
        .setClusterSecret(SECRET));
    masterNode.deployVerticle(master).await(30, TimeUnit.SECONDS);
    agentNode = MesoCluster.start(ClusterOptions.loopbackForTest().setClusterName(masterCluster.getClusterName())
        .setClusterSecret(SECRET).setJoin(List.of(join)).setLiteMember(true))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    strangerNode = MesoCluster.start(ClusterOptions.loopbackForTest()
        .setClusterName(masterCluster.effectiveClusterName()).setJoin(List.of(join)).setLiteMember(true))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    goodAgent = agent(SECRET);
    agentNode.deployVerticle(goodAgent).await(30, TimeUnit.SECONDS);
    client = new EventBusSchedulerClient(masterNode);
    framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("fence").setUser("").build(), framework::onEvent)
        .await(30, TimeUnit.SECONDS);
  }

  static AgentVerticle agent(ClusterSecret secret) throws Exception {
    return new AgentVerticle(new AgentOptions().setWorkDir(Files.createTempDirectory("meso-fence").toString())
        .setResources("cpus:2;mem:1024").setRegistrationBackoffMaxMillis(500).setClusterSecret(secret));
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    for (Vertx v : new Vertx[] {strangerNode, agentNode, masterNode}) {
      if (v != null) {
        v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theAgentWithTheSecretIsAdmittedAndOffered() throws Exception {
    String id = goodAgent.registered().await(60, TimeUnit.SECONDS);
    assertThat(listedAgents()).contains(id);
    await().atMost(FrameworkRecorder.TIMEOUT)
        .until(() -> framework.offers().stream().anyMatch(o -> o.getAgentId().getValue().equals(id)));
  }

  @Test
  void agentsWithAWrongSecretOrNoneAreRefusedAndNeverOffered() throws Exception {
    AgentVerticle wrong = agent(random());
    AgentVerticle none = agent(null);
    strangerNode.deployVerticle(wrong).await(30, TimeUnit.SECONDS);
    strangerNode.deployVerticle(none).await(30, TimeUnit.SECONDS);

    assertThat(wrong.refused().await(60, TimeUnit.SECONDS)).contains("does not match");
    assertThat(none.refused().await(60, TimeUnit.SECONDS)).contains("missing");
    assertThat(wrong.registered().isComplete()).isFalse();
    assertThat(none.registered().isComplete()).isFalse();
    String good = goodAgent.registered().await(60, TimeUnit.SECONDS);
    // Several allocation runs later, the master lists only the good agent and offers only it.
    long runs = master.allocatorVerticle().runCount();
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> master.allocatorVerticle().runCount() >= runs + 5);
    assertThat(listedAgents()).contains(good).doesNotContain(wrong.agentId(), none.agentId());
    assertThat(framework.offers()).extracting(o -> o.getAgentId().getValue())
        .doesNotContain(wrong.agentId(), none.agentId());
  }

  @Test
  void aCapturedProofIsRefusedWhenReplayedOrMovedToAnotherRegistration() throws Exception {
    RegisterAgentMessage register = registration("captured", 1);
    String proof = AgentProof.create(SECRET, RegisterAgentMessage.class.getSimpleName(), register.toByteArray(),
        System.currentTimeMillis());
    DeliveryOptions withProof = new DeliveryOptions().setSendTimeout(30_000).addHeader(AgentProof.HEADER, proof);
    Object first = strangerNode.eventBus().request(Addresses.MASTER, register, withProof).await(30, TimeUnit.SECONDS)
        .body();
    assertThat(first).isInstanceOf(AgentRegisteredMessage.class);

    assertThatThrownBy(() -> strangerNode.eventBus().request(Addresses.MASTER, register, withProof)
        .await(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(401))
        .hasMessageContaining("used before");
    RegisterAgentMessage bigger = registration("captured-2", 64);
    assertThatThrownBy(() -> strangerNode.eventBus().request(Addresses.MASTER, bigger, withProof)
        .await(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(401))
        .hasMessageContaining("does not match").message().doesNotContain(proof);
    assertThat(listedAgents()).doesNotContain("captured-2");
  }

  @Test
  void aNodeThatKnowsOnlyTheGivenClusterNameDoesNotJoin() throws Exception {
    Vertx outsider = MesoCluster.start(ClusterOptions.loopbackForTest().setClusterName(masterCluster.getClusterName())
            .setJoin(List.of("127.0.0.1:" + MesoCluster.memberPort(masterNode))))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    try {
      assertThat(MesoCluster.hazelcast(outsider).getCluster().getMembers()).hasSize(1);
      assertThat(MesoCluster.hazelcast(masterNode).getCluster().getMembers()).hasSize(3);
    } finally {
      outsider.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  static RegisterAgentMessage registration(String id, double cpus) {
    return RegisterAgentMessage.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("stranger.example")
        .setId(AgentID.newBuilder().setValue(id))
        .addResources(Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
            .setScalar(Value.Scalar.newBuilder().setValue(cpus)))).build();
  }

  static Set<String> listedAgents() throws Exception {
    GetStateResponse state = (GetStateResponse) masterNode.eventBus().request(Addresses.OPERATOR,
        GetStateRequest.getDefaultInstance(), new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetState"))
        .await(30, TimeUnit.SECONDS).body();
    return state.getAgentsList().stream().map(a -> a.getAgentInfo().getId().getValue()).collect(Collectors.toSet());
  }
}
