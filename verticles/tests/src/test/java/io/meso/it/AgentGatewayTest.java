package io.meso.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.agent.GatewayLink;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.cluster.gateway.AgentGateway;
import io.meso.codecs.Addresses;
import io.meso.codecs.gateway.GatewayChannel;
import io.meso.codecs.gateway.GatewayWire.Frame;
import io.meso.codecs.gateway.GatewayWire.Kind;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.security.cluster.ClusterSecret;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.net.NetSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Agents outside the cluster, through the agent gateway: a master and gateway A on one clustered
 * node, gateway B on a second member (as on a second master), and agents on Vert.x instances of
 * their own (not members), real processes as tasks. Each test starts its own agents and
 * framework; gateways a test stops are started again after it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AgentGatewayTest {

  static final Duration WAIT = Duration.ofSeconds(60);
  static final long KEEPALIVE_MILLIS = 200;
  static Vertx masterNode;
  static Vertx secondNode;
  static MasterVerticle master;
  static String clusterName;

  final List<Vertx> agentNodes = new ArrayList<>();
  final List<Path> workDirs = new ArrayList<>();
  final List<Raw> raws = new ArrayList<>();
  final List<EventBusSchedulerClient> clients = new ArrayList<>();
  AgentGateway gatewayA;
  EventBusSchedulerClient client;
  AgentGateway gatewayB;
  String deploymentA;
  String deploymentB;

  @BeforeAll
  static void startCluster() throws Exception {
    ClusterOptions cluster = ClusterOptions.loopbackForTest();
    clusterName = cluster.getClusterName();
    masterNode = MesoCluster.start(cluster).await(60, TimeUnit.SECONDS);
    secondNode = MesoCluster.start(ClusterOptions.loopbackForTest().setClusterName(clusterName)
        .setJoin(List.of("127.0.0.1:" + MesoCluster.memberPort(masterNode))).setLiteMember(true))
        .await(60, TimeUnit.SECONDS);
    master = new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100).setAgentPingIntervalMillis(500));
    masterNode.deployVerticle(master).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (Vertx v : new Vertx[] {secondNode, masterNode}) {
      if (v != null) {
        v.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @org.junit.jupiter.api.BeforeEach
  void startGateways() throws Exception {
    gatewayA = new AgentGateway("127.0.0.1", 0, null, 60_000, null, KEEPALIVE_MILLIS);
    deploymentA = masterNode.deployVerticle(gatewayA).await(30, TimeUnit.SECONDS);
    gatewayB = new AgentGateway("127.0.0.1", 0, null, 60_000, null, KEEPALIVE_MILLIS);
    deploymentB = secondNode.deployVerticle(gatewayB).await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopAgentsAndGateways() throws Exception {
    for (Raw raw : raws) {
      if (raw.channel != null) {
        raw.channel.close();
      }
      raw.netClient.close().await(30, TimeUnit.SECONDS);
    }
    for (EventBusSchedulerClient c : clients) {
      c.teardown().await(30, TimeUnit.SECONDS);
      c.close();
    }
    for (Vertx v : agentNodes) {
      v.close().await(30, TimeUnit.SECONDS);
    }
    for (String d : new String[] {deploymentA, deploymentB}) {
      if (d != null) {
        try {
          (d == deploymentA ? masterNode : secondNode).undeploy(d).await(30, TimeUnit.SECONDS);
        } catch (Exception alreadyUndeployed) {
          // the test stopped it
        }
      }
    }
  }

  /** An agent on a Vert.x of its own that reaches the cluster through these gateways. */
  AgentVerticle startAgent(ClusterSecret secret, AgentGateway... gateways) throws Exception {
    Vertx node = MesoCluster.startLocal(new VertxOptions());
    agentNodes.add(node);
    return startAgent(node, secret, gateways);
  }

  /** An agent on {@code node} (several may share one, as a benchmark's simulated agents do). */
  AgentVerticle startAgent(Vertx node, ClusterSecret secret, AgentGateway... gateways) throws Exception {
    Path workDir = Files.createTempDirectory("meso-gateway-agent");
    workDirs.add(workDir);
    List<String> endpoints = new ArrayList<>();
    for (AgentGateway g : gateways) {
      endpoints.add("127.0.0.1:" + g.port());
    }
    AgentVerticle agent = new AgentVerticle(new AgentOptions().setWorkDir(workDir.toString())
        .setResources("cpus:2;mem:1024;disk:1000;ports:[31000-31100]").setServeHttp(false)
        .setGateways(endpoints).setGatewayKeepaliveMillis(KEEPALIVE_MILLIS).setClusterSecret(secret));
    node.deployVerticle(agent).await(30, TimeUnit.SECONDS);
    return agent;
  }

  /** Two registered agents sharing one Vert.x (as a benchmark's simulated agents do): A through gateway A, B through B. */
  record Shared(Vertx node, AgentVerticle onA, AgentVerticle onB, String a, String b) {}

  Shared twoAgentsOnOneVertx() throws Exception {
    Vertx node = MesoCluster.startLocal(new VertxOptions());
    agentNodes.add(node);
    AgentVerticle onA = startAgent(node, null, gatewayA);
    AgentVerticle onB = startAgent(node, null, gatewayB);
    return new Shared(node, onA, onB, onA.registered().await(60, TimeUnit.SECONDS),
        onB.registered().await(60, TimeUnit.SECONDS));
  }

  /** Stops gateway B and waits until the agent that used it knows it is cut off. */
  void stopGatewayB(AgentVerticle onB) throws Exception {
    secondNode.undeploy(deploymentB).await(30, TimeUnit.SECONDS);
    deploymentB = null;
    await().atMost(WAIT).until(() -> onB.gateway().connectedTo() == null);
  }

  FrameworkRecorder subscribe() throws Exception {
    client = new EventBusSchedulerClient(masterNode);
    clients.add(client);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("gateway-test").setUser("").setFailoverTimeout(0).build(),
        framework::onEvent).await(30, TimeUnit.SECONDS);
    return framework;
  }

  /** The first offer of this agent. */
  static Offer offerOf(FrameworkRecorder framework, String agentId) {
    return await().atMost(WAIT).until(() -> framework.offers().stream()
        .filter(o -> o.getAgentId().getValue().equals(agentId)).findFirst(), java.util.Optional::isPresent).get();
  }

  @Test
  void anAgentOutsideTheClusterRunsTasks() throws Exception {
    AgentVerticle agent = startAgent(null, gatewayA, gatewayB);
    String agentId = agent.registered().await(60, TimeUnit.SECONDS);
    // Only the two cluster nodes are Hazelcast members: the agent is not one.
    assertThat(MesoCluster.hazelcast(masterNode).getCluster().getMembers()).hasSize(2);
    assertThat(agent.gateway().connectedTo()).isNotNull();

    FrameworkRecorder framework = subscribe();
    Offer offer = offerOf(framework, agentId);
    client.accept(List.of(offer.getId()),
        List.of(Launches.launch(Launches.task("hello", offer, "echo hello through the gateway", 0.1, 32))), null)
        .await(30, TimeUnit.SECONDS);
    framework.awaitUpdate("hello", TaskState.TASK_FINISHED);
    assertThat(framework.updates("hello")).extracting(TaskStatus::getState)
        .containsSubsequence(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    // Every update was acknowledged through the gateway: the agent holds none for resending.
    Path stdout;
    try (var files = Files.walk(workDirs.get(0))) {
      stdout = files.filter(p -> p.endsWith("stdout") && p.toString().contains("/hello/")).findFirst().orElseThrow();
    }
    assertThat(Files.readString(stdout)).contains("hello through the gateway");
  }

  @Test
  void anAgentMovesToAnotherGatewayWithoutLosingItsTask() throws Exception {
    AgentVerticle agent = startAgent(null, gatewayA, gatewayB);
    String agentId = agent.registered().await(60, TimeUnit.SECONDS);
    FrameworkRecorder framework = subscribe();
    Offer offer = offerOf(framework, agentId);
    client.accept(List.of(offer.getId()),
        List.of(Launches.launch(Launches.task("sleeper", offer, "sleep 1000", 0.1, 32))), null)
        .await(30, TimeUnit.SECONDS);
    TaskStatus running = framework.awaitUpdate("sleeper", TaskState.TASK_RUNNING);

    // The gateway the agent is connected through goes away (as its master would).
    GatewayLink link = agent.gateway();
    boolean onA = link.connectedTo().port() == gatewayA.port();
    if (onA) {
      masterNode.undeploy(deploymentA).await(30, TimeUnit.SECONDS);
      deploymentA = null;
    } else {
      secondNode.undeploy(deploymentB).await(30, TimeUnit.SECONDS);
      deploymentB = null;
    }
    AgentGateway other = onA ? gatewayB : gatewayA;
    await().atMost(WAIT).until(() -> link.welcomes() >= 2 && link.connectedTo() != null);
    assertThat(link.connectedTo().port()).isEqualTo(other.port());

    // Master -> agent (a kill) and agent -> master (its update) both cross the new gateway.
    client.kill(TaskID.newBuilder().setValue("sleeper").build(), running.getAgentId());
    framework.awaitUpdate("sleeper", TaskState.TASK_KILLED);
    assertThat(framework.updates("sleeper")).extracting(TaskStatus::getState)
        .as("the task was never taken for lost while the agent moved")
        .doesNotContain(TaskState.TASK_LOST, TaskState.TASK_UNREACHABLE);
    assertThat(agent.isConnected()).isTrue();
  }

  /**
   * Two agents on one Vert.x, each through its own gateway: once one's gateway is gone, the other's
   * messages for the master still all go through its own link, none held by its neighbour's (with
   * one address for both links, every second one was: the links took turns).
   */
  @Test
  void agentsSharingAVertxSendThroughTheirOwnLinks() throws Exception {
    Shared shared = twoAgentsOnOneVertx();
    AgentVerticle onB = shared.onB();
    String agentId = shared.a();
    stopGatewayB(onB);

    FrameworkRecorder framework = subscribe();
    Offer offer = offerOf(framework, agentId);
    client.accept(List.of(offer.getId()), List.of(Launches.launch(Launches.task("own-link", offer, "true", 0.1, 32))),
        null).await(30, TimeUnit.SECONDS);
    framework.awaitUpdate("own-link", TaskState.TASK_FINISHED);
    assertThat(framework.updates("own-link")).extracting(TaskStatus::getState)
        .containsSubsequence(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(onB.gateway().held()).as("messages held by the other agent's link").isZero();
  }

  /**
   * A new leader's announcement heard through one agent's link reaches that agent only. Agents
   * sharing a Vert.x (a benchmark's 500 simulated agents) each used to hear every link's copy, and
   * re-registered again for each copy that came more than five seconds after the first: after a
   * failover at 5,000 gateway agents, two and three waves of re-registrations.
   */
  @Test
  void anAnnouncementThroughOneAgentsLinkReachesThatAgentOnly() throws Exception {
    Shared shared = twoAgentsOnOneVertx();
    Vertx node = shared.node();
    AgentVerticle onB = shared.onB();
    String a = shared.a();
    String b = shared.b();
    java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> reregistrations =
        new java.util.concurrent.ConcurrentHashMap<>();
    node.eventBus().addOutboundInterceptor(ctx -> {
      if (ctx.message().body() instanceof io.meso.internal.ReregisterAgentMessage r) {
        reregistrations.computeIfAbsent(r.getAgentInfo().getId().getValue(),
            id -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
      }
      ctx.next();
    });
    // B's gateway goes: of the two links, only A's hears the next announcement.
    stopGatewayB(onB);
    // (and the stopped gateway took B's inbox off the cluster with it)
    assertThat(masterNode.eventBus().request(Addresses.agent(b), "ping").toCompletionStage().handle(
        (reply, e) -> e instanceof io.vertx.core.eventbus.ReplyException re ? re.failureType() : null)
        .toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(ReplyFailure.NO_HANDLERS);

    masterNode.eventBus().publish(Addresses.MASTER_ELECTED, "127.0.0.1:5050");

    await().atMost(WAIT).until(() -> reregistrations.containsKey(a));
    // B would have been told in the same instant as A (one local publish): none for a while means none.
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !reregistrations.containsKey(b));
    assertThat(onB.gateway().held()).isZero();
  }

  @Test
  void oneWayMessagesSentWhileNoGatewayAdmitsAreSentOnceOneDoes() throws Exception {
    // A cluster of its own, where a consumer of meso.master on the real bus watches what arrives.
    Vertx node = MesoCluster.start(ClusterOptions.loopbackForTest()).await(60, TimeUnit.SECONDS);
    agentNodes.add(node);
    List<Object> arrived = new CopyOnWriteArrayList<>();
    node.eventBus().consumer(Addresses.MASTER, msg -> arrived.add(msg.body())).completion().await(30, TimeUnit.SECONDS);
    AgentGateway gateway = new AgentGateway("127.0.0.1", 0, null, 60_000, null, KEEPALIVE_MILLIS);
    String deployment = node.deployVerticle(gateway).await(30, TimeUnit.SECONDS);
    int port = gateway.port();

    Vertx agentNode = MesoCluster.startLocal(new VertxOptions());
    agentNodes.add(agentNode);
    GatewayLink link = new GatewayLink("held-S0", List.of(new GatewayLink.Endpoint("127.0.0.1", port)), null, null,
        KEEPALIVE_MILLIS);
    agentNode.deployVerticle(link).await(30, TimeUnit.SECONDS);
    String toMaster = GatewayLink.masterAddress("held-S0");
    link.admitted().await(60, TimeUnit.SECONDS);
    agentNode.eventBus().send(toMaster, "before");
    await().atMost(WAIT).until(() -> arrived.contains("before"));

    node.undeploy(deployment).await(30, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> link.connectedTo() == null);
    // While no gateway admits the agent: a request fails at once, as on a cluster without a leader...
    Throwable failure = agentNode.eventBus().request(toMaster, "a request",
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(30_000))
        .map(m -> (Throwable) null).otherwise(t -> t).await(30, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(io.vertx.core.eventbus.ReplyException.class);
    assertThat(((io.vertx.core.eventbus.ReplyException) failure).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    // ... and one-way messages (status updates) are held,
    for (int i = 0; i < 5; i++) {
      agentNode.eventBus().send(toMaster, "held " + i);
    }
    assertThat(arrived).containsExactly("before");
    // then sent, in order, once a gateway (here: a new one on the same port) admits the agent again.
    node.deployVerticle(new AgentGateway("127.0.0.1", port, null, 60_000, null, KEEPALIVE_MILLIS))
        .await(30, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> arrived.size() == 6);
    assertThat(arrived).containsExactly("before", "held 0", "held 1", "held 2", "held 3", "held 4");
    assertThat(link.welcomes()).isEqualTo(2);
  }

  @Test
  void anAgentWithoutTheClusterSecretIsRefused() throws Exception {
    ClusterSecret secret = ClusterSecret.of("the masters' secret, 32 bytes or more".getBytes(), "test");
    ClusterSecret other = ClusterSecret.of("another secret of at least 32 bytes!!".getBytes(), "test");
    AgentGateway guarded = new AgentGateway("127.0.0.1", 0, secret, 60_000, null, KEEPALIVE_MILLIS);
    String deployment = secondNode.deployVerticle(guarded).await(30, TimeUnit.SECONDS);
    try {
      AgentVerticle agent = startAgent(other, guarded);
      String why = agent.refused().await(60, TimeUnit.SECONDS);
      assertThat(why).contains("does not match");
      assertThat(guarded.admitted()).isZero();
    } finally {
      secondNode.undeploy(deployment).await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void withClusterTlsOnlyAnAgentWithACertificateOfTheClusterCaGetsIn(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    io.meso.testkit.TestCerts ca = io.meso.testkit.TestCerts.authority(dir.resolve("ca"), "cluster");
    io.meso.testkit.TestCerts other = io.meso.testkit.TestCerts.authority(dir.resolve("other"), "other");
    io.meso.testkit.TestCerts.Issued master = ca.issue("master");
    io.meso.testkit.TestCerts.Issued agentCert = ca.issue("agent");
    io.meso.testkit.TestCerts.Issued stranger = other.issue("stranger");
    io.meso.security.tls.MutualTls masterTls = io.meso.security.tls.MutualTls.load(master.cert(), master.key(),
        ca.caCert());
    AgentGateway guarded = new AgentGateway("127.0.0.1", 0, null, 60_000, masterTls, KEEPALIVE_MILLIS);
    String deployment = masterNode.deployVerticle(guarded).await(30, TimeUnit.SECONDS);
    try {
      // A stranger's certificate: the TLS handshake fails, nothing is admitted.
      Vertx strangerNode = MesoCluster.startLocal(new VertxOptions());
      agentNodes.add(strangerNode);
      GatewayLink strangerLink = new GatewayLink("stranger-S0", List.of(new GatewayLink.Endpoint("127.0.0.1",
          guarded.port())), null, io.meso.security.tls.MutualTls.load(stranger.cert(), stranger.key(), other.caCert()),
          KEEPALIVE_MILLIS);
      strangerNode.deployVerticle(strangerLink).await(30, TimeUnit.SECONDS);

      Vertx agentNode = MesoCluster.startLocal(new VertxOptions());
      agentNodes.add(agentNode);
      Path workDir = Files.createTempDirectory("meso-gateway-tls-agent");
      AgentVerticle agent = new AgentVerticle(new AgentOptions().setWorkDir(workDir.toString())
          .setResources("cpus:1;mem:256;disk:100").setServeHttp(false)
          .setGateways(List.of("127.0.0.1:" + guarded.port())).setGatewayKeepaliveMillis(KEEPALIVE_MILLIS)
          .setGatewayTls(io.meso.security.tls.MutualTls.load(agentCert.cert(), agentCert.key(), ca.caCert())));
      agentNode.deployVerticle(agent).await(30, TimeUnit.SECONDS);
      String agentId = agent.registered().await(60, TimeUnit.SECONDS);
      assertThat(agentId).isNotBlank();
      assertThat(guarded.admitted()).isEqualTo(1);
      assertThat(strangerLink.welcomes()).isZero();
      assertThat(strangerLink.connectedTo()).isNull();
    } finally {
      masterNode.undeploy(deployment).await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aGatewayStartedAfterTheElectionNamesThePublishedLeader() throws Exception {
    // As a restarted master's gateway: it never heard the announcement, but the election's record says who leads.
    MesoCluster.hazelcast(masterNode).getMap(io.meso.ha.LeaderElection.LEADER_MAP).set(io.meso.ha.LeaderElection.LEADER_KEY,
        new io.meso.ha.LeaderElection.LeaderRecord("10.9.8.7:5050", "m-test", 42));
    try {
      AgentGateway late = new AgentGateway("127.0.0.1", 0, null, 60_000, null, KEEPALIVE_MILLIS);
      String deployment = secondNode.deployVerticle(late).await(30, TimeUnit.SECONDS);
      try {
        Vertx client = MesoCluster.startLocal(new VertxOptions());
        agentNodes.add(client);
        await().atMost(WAIT).until(() -> {
          Raw raw = new Raw(client, late);
          raw.channel.write(Frame.hello("late-S0-" + System.nanoTime(), "", 1));
          return "10.9.8.7:5050".equals(raw.await(Kind.WELCOME).address());
        });
      } finally {
        secondNode.undeploy(deployment).await(30, TimeUnit.SECONDS);
      }
    } finally {
      MesoCluster.hazelcast(masterNode).getMap(io.meso.ha.LeaderElection.LEADER_MAP)
          .remove(io.meso.ha.LeaderElection.LEADER_KEY);
    }
  }

  /** A raw connection to a gateway: what a stranger (or a broken agent) can do. */
  final class Raw {
    final List<Frame> frames = new CopyOnWriteArrayList<>();
    final GatewayChannel channel;
    final NetSocket socket;

    Raw(Vertx vertx, AgentGateway gateway) throws Exception {
      this(vertx, gateway, address -> false);
    }

    final io.vertx.core.net.NetClient netClient;

    Raw(Vertx vertx, AgentGateway gateway, java.util.function.Predicate<String> inbound) throws Exception {
      netClient = vertx.createNetClient();
      raws.add(this);
      socket = netClient.connect(gateway.port(), "127.0.0.1").await(30, TimeUnit.SECONDS);
      // Test-thread writes and a CopyOnWriteArrayList: enough for a peer that only writes frames and records replies.
      channel = new GatewayChannel(vertx, socket, "test", KEEPALIVE_MILLIS, inbound, frames::add);
    }

    Frame await(Kind kind) {
      return org.awaitility.Awaitility.await().atMost(WAIT).until(() -> frames.stream()
          .filter(f -> f.kind() == kind).findFirst(), java.util.Optional::isPresent).get();
    }
  }

  @Test
  void badInputIsRefusedAndTheGatewayServesOn() throws Exception {
    Vertx client = MesoCluster.startLocal(new VertxOptions());
    agentNodes.add(client);

    // An agent id that is not one.
    Raw badId = new Raw(client, gatewayA);
    badId.channel.write(Frame.hello("../../etc", "", 1));
    Frame refused = badId.await(Kind.REFUSED);
    assertThat(refused.code()).isEqualTo(400);
    assertThat(refused.text()).contains("'../../etc'").contains("letters, digits");
    await().atMost(WAIT).until(badId.channel::isClosed);

    // Traffic before HELLO.
    Raw early = new Raw(client, gatewayA);
    early.channel.write(Frame.send(Addresses.MASTER, null, "x"));
    assertThat(early.await(Kind.REFUSED).text()).contains("HELLO first");

    // A version this gateway does not speak.
    Raw future = new Raw(client, gatewayA);
    future.channel.write(new Frame(Kind.HELLO, 99, 1, "agent-1", null, null, null, 0, ""));
    assertThat(future.await(Kind.REFUSED).code()).isEqualTo(409);

    // A frame length no frame has: the connection is dropped.
    NetSocket garbage = client.createNetClient().connect(gatewayA.port(), "127.0.0.1").await(30, TimeUnit.SECONDS);
    java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    garbage.closeHandler(v -> closed.set(true));
    garbage.write(Buffer.buffer().appendInt(Integer.MAX_VALUE).appendBytes(new byte[16]));
    await().atMost(WAIT).untilTrue(closed);

    // An admitted peer may reach the master's inbox only.
    Raw admitted = new Raw(client, gatewayA);
    admitted.channel.write(Frame.hello("raw-agent-S0", "", 1));
    admitted.await(Kind.WELCOME);
    // A request across the connection (as an agent's own would go) to the operator inbox: refused.
    client.eventBus().<Object>localConsumer("raw.out", msg -> admitted.channel.forward(Addresses.OPERATOR, msg))
        .completion().await(30, TimeUnit.SECONDS);
    Throwable denied = client.eventBus().request("raw.out", "state please").map(m -> (Throwable) null)
        .otherwise(t -> t).await(30, TimeUnit.SECONDS);
    assertThat(denied).isInstanceOf(io.vertx.core.eventbus.ReplyException.class);
    assertThat(((io.vertx.core.eventbus.ReplyException) denied).failureCode()).isEqualTo(403);
    assertThat(denied.getMessage()).contains(Addresses.OPERATOR);
    assertThat(admitted.channel.isClosed()).isFalse();

    // The gateway still admits a real agent, which registers and gets offers.
    AgentVerticle agent = startAgent(null, gatewayA);
    String agentId = agent.registered().await(60, TimeUnit.SECONDS);
    FrameworkRecorder framework = subscribe();
    assertThat(offerOf(framework, agentId).getAgentId().getValue()).isEqualTo(agentId);
  }

  @Test
  void anAgentConnectingThroughAnotherGatewayClosesItsOlderConnection() throws Exception {
    Vertx client = MesoCluster.startLocal(new VertxOptions());
    agentNodes.add(client);
    String inbox = Addresses.agent("twice-S0");
    List<Object> delivered = new CopyOnWriteArrayList<>();
    client.eventBus().consumer(inbox, msg -> delivered.add(msg.body())).completion().await(30, TimeUnit.SECONDS);
    Raw first = new Raw(client, gatewayA, inbox::equals);
    first.channel.write(Frame.hello("twice-S0", "", 2));
    first.await(Kind.WELCOME);
    Raw second = new Raw(client, gatewayB, inbox::equals);
    second.channel.write(Frame.hello("twice-S0", "", 3));
    second.await(Kind.WELCOME);
    // An older connection of the agent (sequence 1) is refused where a newer one is open.
    Raw stale = new Raw(client, gatewayB, inbox::equals);
    stale.channel.write(Frame.hello("twice-S0", "", 1));
    assertThat(stale.await(Kind.REFUSED).code()).isEqualTo(409);
    await().atMost(WAIT).until(first.channel::isClosed);
    assertThat(second.channel.isClosed()).isFalse();
    // Messages for the agent now reach the second connection only.
    // Messages for the agent now reach it through the second connection.
    masterNode.eventBus().send(inbox, "for you");
    await().atMost(WAIT).until(() -> delivered.contains("for you"));
    assertThat(delivered).containsExactly("for you");
  }
}
