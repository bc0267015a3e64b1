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
    public Object registration() {
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
}
