package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.vertx.core.Context;
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
 * A master refusing an agent with {@link MasterLink#GONE_CODE} (an operator marked it gone) ends
 * the link for good: the listener hears why, nothing is retried, and a new leader's announcement
 * does not start registering again. Any other refusal is retried.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MasterLinkGoneTest {

  Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = MesoCluster.startLocal(new VertxOptions());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aGoneRefusalClosesTheLinkAndOtherRefusalsAreRetried() {
    List<String> gone = new CopyOnWriteArrayList<>();
    AtomicInteger registered = new AtomicInteger();
    MasterLink.Listener listener = new MasterLink.Listener() {
      @Override
      public Object registration(boolean digest) {
        return "reregister";
      }

      @Override
      public Double registered(Object reply) {
        registered.incrementAndGet();
        return 1.0;
      }

      @Override
      public void disconnected(String why) {}

      @Override
      public void gone(String why) {
        gone.add(why);
      }
    };
    MasterLink link = new MasterLink(vertx, "a1", new AgentOptions().setRegistrationTimeoutMillis(10_000)
        .setRegistrationBackoffInitialMillis(1).setRegistrationBackoffMaxMillis(2).setPingTimeoutMillis(60_000), listener);
    List<Message<Object>> requests = new CopyOnWriteArrayList<>();
    vertx.eventBus().consumer(Addresses.MASTER, (Message<Object> m) -> {
      requests.add(m);
      if (requests.size() == 1) {
        m.fail(503, "agent 'a1' is being marked gone by the operator; retry later");
      } else {
        m.fail(MasterLink.GONE_CODE, "agent 'a1' was marked gone by the operator");
      }
    });
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> link.connect());
    await().atMost(Duration.ofSeconds(10)).until(() -> !gone.isEmpty());
    assertThat(gone).containsExactly("agent 'a1' was marked gone by the operator");
    assertThat(requests).hasSize(2);
    // A new leader is announced: the closed link does not register again.
    context.runOnContext(v -> link.masterElected("127.0.0.1:5050"));
    context.runOnContext(v -> link.connect());
    AtomicInteger afterwards = new AtomicInteger(-1);
    context.runOnContext(v -> vertx.eventBus().request(Addresses.MASTER, "probe").onComplete(ar ->
        afterwards.set(requests.size())));
    await().atMost(Duration.ofSeconds(10)).until(() -> afterwards.get() >= 0);
    // Only the probe was added: no registration request followed the refusal.
    assertThat(afterwards).hasValue(3);
    assertThat(registered).hasValue(0);
    assertThat(link.isConnected()).isFalse();
  }
}
