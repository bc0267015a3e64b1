package io.meso.api.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The subscription lifecycle itself, through a framer that records what it is asked to do and a
 * stand-in master on {@link Addresses#SCHEDULER}: what each door's framer sees, in what order.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SchedulerSubscriptionTest {

  private static final FrameworkID FRAMEWORK = FrameworkID.newBuilder().setValue("fw-1").build();
  private static final Call SUBSCRIBE = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setFrameworkId(FRAMEWORK)
      .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder().setUser("u").setName("t")))
      .build();
  private static final Event SUBSCRIBED = Event.newBuilder().setType(Event.Type.SUBSCRIBED)
      .setSubscribed(Event.Subscribed.newBuilder().setFrameworkId(FRAMEWORK)).build();
  private static final Event HEARTBEAT = Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
  private static final Event ERROR = Event.newBuilder().setType(Event.Type.ERROR)
      .setError(Event.Error.newBuilder().setMessage("framework fw-1 failed over")).build();

  private Vertx vertx;
  private EventBus bus;
  private Context context;
  private final SubscriptionRegistry registry = new SubscriptionRegistry();
  private final RecordingFramer framer = new RecordingFramer();
  /** The stand-in master's answer to a SUBSCRIBE: given the message, replies or fails it. */
  private volatile Consumer<Message<Call>> onSubscribe = msg -> msg.reply(null);
  /** Events addresses named by the DISCONNECTED notices the master received, in order. */
  private final List<String> disconnected = new CopyOnWriteArrayList<>();
  private final List<String> sentinels = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    MesoCodecs.register(vertx);
    bus = vertx.eventBus();
    context = vertx.getOrCreateContext();
    bus.<Call>consumer(Addresses.SCHEDULER, msg -> {
      String gone = msg.headers().get(Addresses.DISCONNECTED_HEADER);
      if (gone != null) {
        disconnected.add(gone);
      } else if (msg.body().getType() == Call.Type.SUBSCRIBE) {
        onSubscribe.accept(msg);
      } else {
        sentinels.add(msg.body().getType().name());
      }
    }).completion().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private SchedulerSubscription subscribe() {
    SchedulerSubscription s = new SchedulerSubscription(new io.meso.codecs.MasterRequests(vertx), "test.events.", framer, 5_000, registry);
    context.runOnContext(v -> s.start(SUBSCRIBE));
    return s;
  }

  /** A message sent to SCHEDULER after the ones under test: once it is there, they are too (one sender, in order). */
  private void awaitSentinel(String name) {
    context.runOnContext(v -> bus.send(Addresses.SCHEDULER, Call.newBuilder().setType(Call.Type.valueOf(name)).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> sentinels.contains(name));
  }

  @Test
  void aRefusedSubscribeIsAnsweredWithTheMastersFailureAndNeverStarts() {
    onSubscribe = msg -> msg.fail(400, "framework_info.user is required");
    SchedulerSubscription s = subscribe();

    await().atMost(Duration.ofSeconds(10)).until(() -> framer.calls.contains("refuse"));
    assertThat(framer.calls).containsExactly("open " + s.streamId(), "refuse");
    assertThat(framer.refusal).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) framer.refusal).failureCode()).isEqualTo(400);
    assertThat(framer.refusal).hasMessage("framework_info.user is required");
    assertThat(registry.all()).isEmpty();
    awaitSentinel("REVIVE");
    assertThat(disconnected).as("a refused subscriber was never the master's, so it is not reported gone").isEmpty();
  }

  @Test
  void eventsThatComeBeforeTheMastersAnswerAreHeldUntilItAccepts() {
    onSubscribe = msg -> {
      bus.send(msg.headers().get(Addresses.EVENTS_HEADER), SUBSCRIBED);
      bus.send(msg.headers().get(Addresses.EVENTS_HEADER), HEARTBEAT);
      // Answer only once both are at the subscription, so that they are held.
      vertx.setTimer(1, t -> msg.reply(null));
    };
    SchedulerSubscription s = subscribe();

    await().atMost(Duration.ofSeconds(10)).until(() -> framer.calls.size() >= 4);
    assertThat(framer.calls).containsExactly("open " + s.streamId(), "accepted " + s.streamId(),
        "write SUBSCRIBED", "write HEARTBEAT");
    assertThat(registry.currentStream("fw-1")).contains(s.streamId());
    assertThat(registry.frameworkOf(s.streamId())).contains("fw-1");
  }

  @Test
  void anErrorEventIsWrittenThenEndsTheStreamWithoutAGoneNotice() {
    SchedulerSubscription s = subscribe();
    await().atMost(Duration.ofSeconds(10)).until(() -> framer.calls.contains("accepted " + s.streamId()));

    context.runOnContext(v -> bus.send(s.address(), ERROR));

    await().atMost(Duration.ofSeconds(10)).until(() -> framer.calls.contains("end"));
    assertThat(framer.calls).endsWith("write ERROR", "end");
    assertThat(registry.all()).isEmpty();
    // The consumer is gone: nothing more reaches the framer.
    await().atMost(Duration.ofSeconds(10)).until(() -> noHandlerAt(s.address()));
    context.runOnContext(v -> framer.gone.handle("connection closed after the end"));
    awaitSentinel("REVIVE");
    assertThat(disconnected).isEmpty();
    assertThat(framer.calls).endsWith("write ERROR", "end");
  }

  @Test
  void aSubscriptionTheMasterDroppedEndsWithoutAnErrorOrAGoneNotice() {
    SchedulerSubscription s = subscribe();
    await().atMost(Duration.ofSeconds(10)).until(() -> framer.calls.contains("accepted " + s.streamId()));

    context.runOnContext(v -> bus.send(s.address(), Event.newBuilder().setType(Event.Type.UNKNOWN).build(),
        new DeliveryOptions().addHeader(Addresses.DROPPED_HEADER, "its heartbeat went unanswered for 5000 ms")));

    await().atMost(Duration.ofSeconds(10)).until(() -> framer.calls.contains("end"));
    // Ended as a Mesos master ends it, by closing: nothing written, the client subscribes again.
    assertThat(framer.calls).containsExactly("open " + s.streamId(), "accepted " + s.streamId(), "end");
    assertThat(registry.all()).isEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> noHandlerAt(s.address()));
    // The master dropped it: the connection closing after the end is not reported to it again.
    context.runOnContext(v -> framer.gone.handle("connection closed after the end"));
    awaitSentinel("REVIVE");
    assertThat(disconnected).isEmpty();
  }

  @Test
  void aClientThatGoesAwayIsReportedToTheMasterOnce() {
    SchedulerSubscription s = subscribe();
    await().atMost(Duration.ofSeconds(10)).until(() -> framer.calls.contains("accepted " + s.streamId()));

    context.runOnContext(v -> {
      framer.gone.handle("connection closed");
      framer.gone.handle("response failed: reset");
    });

    awaitSentinel("REVIVE");
    assertThat(disconnected).containsExactly(s.address());
    assertThat(registry.all()).isEmpty();
    assertThat(framer.calls).doesNotContain("end", "refuse").noneMatch(c -> c.startsWith("stop"));
    // A request the master sends afterwards is not left unanswered.
    await().atMost(Duration.ofSeconds(10)).until(() -> noHandlerAt(s.address()));
  }

  @Test
  void aHeartbeatIsAnsweredOnlyOnceItsBytesAreWritten() {
    SchedulerSubscription s = subscribe();
    await().atMost(Duration.ofSeconds(10)).until(() -> framer.calls.contains("accepted " + s.streamId()));
    Promise<Void> firstWrite = Promise.promise();
    Promise<Void> secondWrite = Promise.promise();
    framer.pending.put(1, firstWrite);
    framer.pending.put(2, secondWrite);

    Future<Message<Object>> first = onContext(() -> bus.request(s.address(), HEARTBEAT));
    await().atMost(Duration.ofSeconds(10)).until(() -> framer.calls.contains("write HEARTBEAT"));
    assertThat(first.isComplete()).as("answered before its write completed").isFalse();
    context.runOnContext(v -> firstWrite.complete());
    await().atMost(Duration.ofSeconds(10)).until(first::isComplete);
    assertThat(first.succeeded()).isTrue();

    // A write that fails (the client stopped reading) fails the heartbeat: the answer follows the write.
    Future<Message<Object>> second = onContext(() -> bus.request(s.address(), HEARTBEAT));
    await().atMost(Duration.ofSeconds(10)).until(() -> framer.writes == 2);
    context.runOnContext(v -> secondWrite.fail("connection reset"));
    await().atMost(Duration.ofSeconds(10)).until(second::isComplete);
    assertThat(second.failed()).isTrue();
    assertThat(((ReplyException) second.cause()).failureCode()).isEqualTo(503);
    assertThat(second.cause().getMessage()).contains(s.streamId()).contains("connection reset");
  }

  @Test
  void stoppingTheServerEndsTheStreamAndTellsTheMaster() {
    SchedulerSubscription s = subscribe();
    await().atMost(Duration.ofSeconds(10)).until(() -> framer.calls.contains("accepted " + s.streamId()));

    context.runOnContext(v -> {
      registry.stopAll();
      s.stop();
    });

    awaitSentinel("REVIVE");
    assertThat(framer.calls).endsWith("stop accepted=true").filteredOn(c -> c.startsWith("stop")).hasSize(1);
    assertThat(disconnected).containsExactly(s.address());
    assertThat(registry.all()).isEmpty();
  }

  private boolean noHandlerAt(String address) {
    Future<Message<Object>> probe = onContext(() -> bus.request(address, HEARTBEAT,
        new DeliveryOptions().setSendTimeout(2_000)));
    try {
      return probe.toCompletionStage().toCompletableFuture()
          .handle((ok, err) -> err instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS)
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(done));
    return done.future();
  }

  /** Records each call; a write completes at once unless a promise is pending for its number. */
  private static final class RecordingFramer implements EventFramer {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<Integer, Promise<Void>> pending = new ConcurrentHashMap<>();
    volatile Handler<String> gone;
    volatile Throwable refusal;
    volatile int writes;

    @Override
    public String door() {
      return "test";
    }

    @Override
    public void open(String streamId, Handler<String> gone) {
      this.gone = gone;
      calls.add("open " + streamId);
    }

    @Override
    public void accepted(String streamId) {
      calls.add("accepted " + streamId);
    }

    @Override
    public Future<Void> write(Event event) {
      calls.add("write " + event.getType());
      Promise<Void> p = pending.remove(++writes);
      return p == null ? Future.succeededFuture() : p.future();
    }

    @Override
    public void refuse(Throwable masterFailure) {
      refusal = masterFailure;
      calls.add("refuse");
    }

    @Override
    public void end() {
      calls.add("end");
    }

    @Override
    public void stop(boolean accepted) {
      calls.add("stop accepted=" + accepted);
    }
  }
}
