package io.meso.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A framework on the event bus whose answers to the master's heartbeats do not arrive (a busy
 * framework JVM: the scale benchmark's stalled once this way) is dropped by the master, as
 * before; now it is told so, and the SDK reports the lost subscription to the framework, which
 * subscribes again with its id. Before, nothing told it: every later call was refused 403 and no
 * event came, for ever.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DroppedSubscriptionTest {

  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setHeartbeatIntervalMillis(300)))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /**
   * A framework too busy to answer heartbeats in time but whose calls keep arriving is alive: it
   * is not dropped while they come (the scale benchmark's framework, acknowledging 20,000 updates
   * at once, was dropped so and its launches stalled), and is once they stop.
   */
  @Test
  void aSubscriberWhoseCallsKeepArrivingIsNotDroppedForUnansweredHeartbeats() throws Exception {
    EventBusSchedulerClient client = new EventBusSchedulerClient(vertx);
    List<Throwable> lost = new CopyOnWriteArrayList<>();
    client.disconnectHandler(lost::add);
    List<Event> events = new CopyOnWriteArrayList<>();
    client.subscribe(FrameworkInfo.newBuilder().setName("busy").setUser("me").setFailoverTimeout(60).build(),
        events::add).await(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e -> e.getType() == Event.Type.HEARTBEAT));
    // The framework's answers to heartbeats (to the reply address of each HEARTBEAT it receives) are lost.
    java.util.Set<String> heartbeatReplies = java.util.concurrent.ConcurrentHashMap.newKeySet();
    vertx.eventBus().addInboundInterceptor(ctx -> {
      if (ctx.message().body() instanceof Event e && e.getType() == Event.Type.HEARTBEAT
          && ctx.message().replyAddress() != null) {
        heartbeatReplies.add(ctx.message().replyAddress());
      }
      ctx.next();
    });
    AtomicInteger swallowed = new AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      if (heartbeatReplies.remove(ctx.message().address())) {
        swallowed.incrementAndGet();
        return;
      }
      ctx.next();
    });
    AtomicInteger calls = new AtomicInteger();
    long calling = vertx.setPeriodic(200, t -> {
      if (calls.incrementAndGet() <= 300) { // bounded: at most a minute of calls
        client.revive();
      }
    });

    // The master sends a heartbeat only when the last is answered or timed out (5 s): a second
    // one lost means the first timed out while the calls came.
    await().atMost(Duration.ofSeconds(40)).until(() -> swallowed.get() >= 2 || !lost.isEmpty());
    assertThat(lost).as("dropped while its calls kept arriving").isEmpty();

    vertx.cancelTimer(calling);
    await().atMost(Duration.ofSeconds(30)).until(() -> !lost.isEmpty());
    assertThat(lost.get(0).getMessage()).contains("heartbeat went unanswered");
    client.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aSubscriberWhoseHeartbeatAnswersAreLostHearsItWasDroppedAndSubscribesAgain() throws Exception {
    EventBusSchedulerClient client = new EventBusSchedulerClient(vertx);
    List<Throwable> lost = new CopyOnWriteArrayList<>();
    client.disconnectHandler(lost::add);
    List<Event> before = new CopyOnWriteArrayList<>();
    FrameworkInfo info = FrameworkInfo.newBuilder().setName("slow").setUser("me").setFailoverTimeout(60).build();
    FrameworkID id = client.subscribe(info, before::add).await(30, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(30)).until(() -> before.stream().anyMatch(e -> e.getType() == Event.Type.HEARTBEAT));

    // From now on the framework's answers to heartbeats (the only replies without a body: it
    // makes no call meanwhile) are lost on the way.
    AtomicBoolean losing = new AtomicBoolean(true);
    AtomicInteger swallowed = new AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      if (losing.get() && ctx.message().address().startsWith("__vertx.reply") && ctx.message().body() == null) {
        swallowed.incrementAndGet();
        return;
      }
      ctx.next();
    });

    await().atMost(Duration.ofSeconds(30)).until(() -> !lost.isEmpty());
    assertThat(swallowed.get()).isPositive();
    assertThat(lost).hasSize(1);
    assertThat(lost.get(0)).isInstanceOf(ApiException.class);
    assertThat(((ApiException) lost.get(0)).code()).isEqualTo(ApiException.UNAVAILABLE);
    assertThat(lost.get(0).getMessage()).contains("the master dropped this subscription")
        .contains("heartbeat went unanswered");
    assertThat(before).noneMatch(e -> e.getType() == Event.Type.UNKNOWN || e.getType() == Event.Type.ERROR);

    losing.set(false);
    List<Event> after = new CopyOnWriteArrayList<>();
    FrameworkID again = client.subscribe(info.toBuilder().setId(id).build(), after::add).await(30, TimeUnit.SECONDS);
    assertThat(again).isEqualTo(id);
    // Subscribed again: heartbeats flow and are answered, so it stays (no second drop).
    await().atMost(Duration.ofSeconds(30))
        .until(() -> after.stream().filter(e -> e.getType() == Event.Type.HEARTBEAT).count() >= 3);
    assertThat(lost).hasSize(1);
    client.close().await(30, TimeUnit.SECONDS);
  }
}
