package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent's registration requests against a master that is slow (not gone): each timed-out
 * request is retried with twice the timeout, so a busy master is not flooded with duplicates;
 * a new leader's announcement supersedes a request in flight, whose late answer is ignored.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MasterLinkTest {

  Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = MesoCluster.startLocal(new VertxOptions());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Counts what the link reports; every reply is a usable registration. */
  static final class Recorder implements MasterLink.Listener {
    final AtomicInteger registered = new AtomicInteger();

    @Override
    public Object registration(boolean digest) {
      return "register";
    }

    @Override
    public Double registered(Object reply) {
      registered.incrementAndGet();
      return 1.0;
    }

    @Override
    public void disconnected(String why) {}
  }

  static AgentOptions options(long timeoutMillis) {
    return new AgentOptions().setRegistrationTimeoutMillis(timeoutMillis).setRegistrationBackoffInitialMillis(1)
        .setRegistrationBackoffMaxMillis(2).setPingTimeoutMillis(60_000);
  }

  @Test
  void aTimedOutRequestIsRetriedWithTwiceTheTimeoutUpToALimit() {
    Recorder recorder = new Recorder();
    MasterLink link = new MasterLink(vertx, "a1", options(20), recorder);
    List<Long> timeouts = new CopyOnWriteArrayList<>();
    // The master answers only the sixth request; the others time out.
    vertx.eventBus().consumer(Addresses.MASTER, (Message<Object> m) -> {
      timeouts.add(link.requestTimeoutMillis());
      if (timeouts.size() == 6) {
        m.reply("registered");
      }
    });
    vertx.runOnContext(v -> link.connect());
    await().atMost(Duration.ofSeconds(30)).until(link::isConnected);
    assertThat(timeouts).containsExactly(20L, 40L, 80L, 160L, 160L, 160L);
    assertThat(MasterLink.MAX_TIMEOUT_FACTOR * 20L).isEqualTo(160L);
    assertThat(recorder.registered).hasValue(1);
  }

  @Test
  void aNewLeaderSupersedesARequestInFlightAndItsLateAnswerIsIgnored() {
    Recorder recorder = new Recorder();
    MasterLink link = new MasterLink(vertx, "a1", options(600_000), recorder);
    List<Message<Object>> held = new CopyOnWriteArrayList<>();
    vertx.eventBus().consumer(Addresses.MASTER, held::add);
    // The link is confined to one context, as in the agent verticle.
    io.vertx.core.Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> link.connect());
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 1);
    // The first request went to a master that will never answer in time; a new one is elected.
    context.runOnContext(v -> link.masterElected("127.0.0.1:5050"));
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 2);
    held.get(1).reply("registered");
    await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
    assertThat(recorder.registered).hasValue(1);
    // The superseded request is answered after all: nothing more happens.
    held.get(0).reply("registered late");
    AtomicInteger afterwards = new AtomicInteger(-1);
    // The late reply was queued on the link's context before this task: once it ran, it was handled.
    context.runOnContext(v -> afterwards.set(recorder.registered.get()));
    await().atMost(Duration.ofSeconds(10)).until(() -> afterwards.get() >= 0);
    assertThat(afterwards).hasValue(1);
    assertThat(held).hasSize(2);
  }

  /**
   * Every attempt of one re-registration carries the same series (a master that filed one of them
   * answers the others without filing them again), and the next registration a new one.
   */
  @Test
  void theAttemptsOfOneReregistrationShareASeriesAndTheNextRegistrationHasItsOwn() {
    DigestRecorder recorder = new DigestRecorder();
    MasterLink link = new MasterLink(vertx, "a1", options(20), recorder);
    List<String> series = new CopyOnWriteArrayList<>();
    // The master answers the third attempt; the first two time out.
    vertx.eventBus().consumer(Addresses.MASTER, (Message<Object> m) -> {
      series.add(((io.meso.internal.ReregisterAgentMessage) m.body()).getSeries());
      if (series.size() == 3 || series.size() == 4) {
        m.reply("registered");
      }
    });
    io.vertx.core.Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> link.connect());
    await().atMost(Duration.ofSeconds(30)).until(link::isConnected);
    assertThat(series).hasSize(3).doesNotContain("");
    assertThat(series.stream().distinct()).hasSize(1);
    // The master says it does not know the agent: a new registration, a new series.
    context.runOnContext(v -> link.pinged(io.meso.internal.PingAgentMessage.newBuilder().setConnected(false).build()));
    await().atMost(Duration.ofSeconds(30)).until(() -> series.size() == 4 && link.isConnected());
    assertThat(series.get(3)).isNotEmpty().isNotEqualTo(series.get(0));
  }

  /** Re-registrations by digest: what each attempt asked for, and where it went. */
  static final class DigestRecorder implements MasterLink.Listener {
    final List<String> attempts = new CopyOnWriteArrayList<>();

    @Override
    public Object registration(boolean digest) {
      io.meso.internal.ReregisterAgentMessage.Builder m = io.meso.internal.ReregisterAgentMessage.newBuilder()
          .setAgentInfo(io.meso.v1.AgentInfo.newBuilder().setHostname("h").setId(io.meso.v1.AgentID.newBuilder()
              .setValue("a1")));
      if (digest) {
        m.setDigest(io.meso.internal.TaskDigest.newBuilder().setTasks(1).setHash(7));
      } else {
        m.addTasks(io.meso.v1.Task.newBuilder().setName("t").setTaskId(io.meso.v1.TaskID.newBuilder().setValue("t"))
            .setFrameworkId(io.meso.v1.FrameworkID.newBuilder().setValue("f"))
            .setAgentId(io.meso.v1.AgentID.newBuilder().setValue("a1")).setState(io.meso.v1.TaskState.TASK_RUNNING));
      }
      return m.build();
    }

    @Override
    public Double registered(Object reply) {
      return 1.0;
    }

    @Override
    public void disconnected(String why) {}
  }

  /** What arrived at {@code address}: "digest" or "tasks" per message, in order. */
  void record(String address, List<String> into, java.util.function.Consumer<Message<Object>> answer) {
    vertx.eventBus().consumer(address, (Message<Object> m) -> {
      io.meso.internal.ReregisterAgentMessage r = (io.meso.internal.ReregisterAgentMessage) m.body();
      into.add(address + ":" + (r.hasDigest() ? "digest" : "tasks"));
      answer.accept(m);
    });
  }

  @Test
  void afterANewLeaderTheAgentReregistersByDigestAndWithItsTasksAtOnceWhenTheCopyDiffers() {
    DigestRecorder recorder = new DigestRecorder();
    MasterLink link = new MasterLink(vertx, "a1", options(600_000), recorder);
    List<String> arrived = new CopyOnWriteArrayList<>();
    record(Addresses.MASTER, arrived, m -> m.reply("registered"));
    AtomicInteger digests = new AtomicInteger();
    // The first digest is refused (the master's copy differs), the second taken.
    record(Addresses.MASTER_DIGEST, arrived, m -> {
      if (digests.incrementAndGet() == 1) {
        m.fail(MasterLink.DIGEST_MISMATCH_CODE, "what this master holds differs");
      } else {
        m.reply("registered");
      }
    });
    io.vertx.core.Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> link.connect());
    await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
    // A first (re-)registration carries the tasks: no master was announced.
    assertThat(arrived).containsExactly(Addresses.MASTER + ":tasks");

    context.runOnContext(v -> link.masterElected("127.0.0.1:5050"));
    await().atMost(Duration.ofSeconds(10)).until(() -> arrived.size() == 3 && link.isConnected());
    assertThat(arrived).containsExactly(Addresses.MASTER + ":tasks", Addresses.MASTER_DIGEST + ":digest",
        Addresses.MASTER + ":tasks");

    context.runOnContext(v -> link.masterElected("127.0.0.1:5051"));
    await().atMost(Duration.ofSeconds(10)).until(() -> arrived.size() == 4 && link.isConnected());
    assertThat(arrived.get(3)).isEqualTo(Addresses.MASTER_DIGEST + ":digest");
  }

  @Test
  void withoutAMasterTakingDigestsTheAgentReregistersWithItsTasksAndATimedOutDigestIsSentAgain() {
    DigestRecorder recorder = new DigestRecorder();
    MasterLink link = new MasterLink(vertx, "a1", options(50), recorder);
    List<String> arrived = new CopyOnWriteArrayList<>();
    record(Addresses.MASTER, arrived, m -> m.reply("registered"));
    io.vertx.core.Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> link.connect());
    await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
    // No consumer of digests (an older master, or a single one): NO_HANDLERS, then the tasks.
    context.runOnContext(v -> link.masterElected("127.0.0.1:5050"));
    await().atMost(Duration.ofSeconds(10)).until(() -> arrived.size() == 2 && link.isConnected());
    assertThat(arrived).containsExactly(Addresses.MASTER + ":tasks", Addresses.MASTER + ":tasks");

    // A master taking digests that is slow: the timed-out digest is sent again, not the tasks.
    AtomicInteger digests = new AtomicInteger();
    record(Addresses.MASTER_DIGEST, arrived, m -> {
      if (digests.incrementAndGet() == 2) {
        m.reply("registered");
      }
    });
    context.runOnContext(v -> link.masterElected("127.0.0.1:5051"));
    await().atMost(Duration.ofSeconds(10)).until(() -> digests.get() == 2 && link.isConnected());
    assertThat(arrived.subList(2, arrived.size())).containsExactly(Addresses.MASTER_DIGEST + ":digest",
        Addresses.MASTER_DIGEST + ":digest");
  }

  @Test
  void anAgentReachingTheMastersThroughAGatewaySendsItsDigestThroughItsLinkAndItsTasksWhenRefused() {
    DigestRecorder recorder = new DigestRecorder();
    String viaGateway = GatewayLink.masterAddress("a1");
    String digestViaGateway = GatewayLink.digestAddress("a1");
    MasterLink link = new MasterLink(vertx, "a1", options(600_000), viaGateway, digestViaGateway, recorder);
    List<String> arrived = new CopyOnWriteArrayList<>();
    record(viaGateway, arrived, m -> m.reply("registered"));
    AtomicInteger digests = new AtomicInteger();
    // The first new leader takes the digest; the second's copy differs (the gateway carries the 409 back).
    record(digestViaGateway, arrived, m -> {
      if (digests.incrementAndGet() == 1) {
        m.reply("registered");
      } else {
        m.fail(MasterLink.DIGEST_MISMATCH_CODE, "what this master holds differs");
      }
    });
    io.vertx.core.Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> link.connect());
    await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
    context.runOnContext(v -> link.masterElected("127.0.0.1:5050"));
    await().atMost(Duration.ofSeconds(10)).until(() -> arrived.size() == 2 && link.isConnected());
    context.runOnContext(v -> link.masterElected("127.0.0.1:5051"));
    await().atMost(Duration.ofSeconds(10)).until(() -> arrived.size() == 4 && link.isConnected());
    assertThat(arrived).containsExactly(viaGateway + ":tasks", digestViaGateway + ":digest",
        digestViaGateway + ":digest", viaGateway + ":tasks");
  }

}
