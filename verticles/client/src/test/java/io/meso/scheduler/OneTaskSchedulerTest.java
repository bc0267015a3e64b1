package io.meso.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OneTaskSchedulerTest {

  /**
   * After losing its master, meso run subscribes again and reconciles its task. It must name the
   * agent the task was launched on: a master that just took over answers a task without one
   * "unknown" (LOST) while that agent has not re-registered yet, and meso run printed LOST and
   * exited 1 while its task ran on.
   */
  @Test
  void reconcilesAfterReconnectingWithTheAgentTheTaskWasLaunchedOn() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      RecordingClient client = new RecordingClient();
      OneTaskScheduler scheduler = new OneTaskScheduler(client, vertx,
          new OneTaskScheduler.Spec("t1", "t1", "true", 0.1, 32, 0, "*", "me"), new OneTaskScheduler.Listener() {
            @Override public void launched(Offer offer) { }
            @Override public void update(io.meso.v1.TaskStatus status) { }
          });
      vertx.runOnContext(v -> scheduler.run());
      org.awaitility.Awaitility.await().until(() -> client.events != null);
      Offer offer = Offer.newBuilder().setId(io.meso.v1.OfferID.newBuilder().setValue("o1"))
          .setAgentId(io.meso.v1.AgentID.newBuilder().setValue("agent-7")).setHostname("h")
          .setFrameworkId(io.meso.v1.FrameworkID.newBuilder().setValue("fw"))
          .addResources(scalar("cpus", 1, "*")).addResources(scalar("mem", 64, "*")).build();
      vertx.runOnContext(v -> client.events.handle(io.meso.v1.scheduler.Event.newBuilder()
          .setType(io.meso.v1.scheduler.Event.Type.OFFERS)
          .setOffers(io.meso.v1.scheduler.Event.Offers.newBuilder().addOffers(offer)).build()));
      org.awaitility.Awaitility.await().until(scheduler::launched);
      org.awaitility.Awaitility.await().until(() -> client.sent.stream()
          .anyMatch(c -> c.getType() == io.meso.v1.scheduler.Call.Type.ACCEPT));
      vertx.runOnContext(v -> client.disconnect.handle(new ApiException(ApiException.UNAVAILABLE, "master died")));
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> client.sent.stream()
          .anyMatch(c -> c.getType() == io.meso.v1.scheduler.Call.Type.RECONCILE));
      io.meso.v1.scheduler.Call reconcile = client.sent.stream()
          .filter(c -> c.getType() == io.meso.v1.scheduler.Call.Type.RECONCILE).findFirst().orElseThrow();
      assertThat(reconcile.getReconcile().getTasksList()).singleElement().satisfies(task -> {
        assertThat(task.getTaskId().getValue()).isEqualTo("t1");
        assertThat(task.getAgentId().getValue()).isEqualTo("agent-7");
      });
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** The first terminal status is the run's outcome; a later one is acknowledged but not reported again. */
  @Test
  void aSecondTerminalUpdateIsAcknowledgedNotReported() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      RecordingClient client = new RecordingClient();
      List<io.meso.v1.TaskStatus> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
      OneTaskScheduler scheduler = new OneTaskScheduler(client, vertx,
          new OneTaskScheduler.Spec("t1", "t1", "true", 0.1, 32, 0, "*", "me"), new OneTaskScheduler.Listener() {
            @Override public void launched(Offer offer) { }
            @Override public void update(io.meso.v1.TaskStatus status) { reported.add(status); }
          });
      vertx.runOnContext(v -> scheduler.run());
      org.awaitility.Awaitility.await().until(() -> client.events != null);
      for (io.meso.v1.TaskState state : List.of(io.meso.v1.TaskState.TASK_FAILED, io.meso.v1.TaskState.TASK_FINISHED)) {
        io.meso.v1.TaskStatus status = io.meso.v1.TaskStatus.newBuilder()
            .setTaskId(io.meso.v1.TaskID.newBuilder().setValue("t1")).setState(state)
            .setUuid(com.google.protobuf.ByteString.copyFromUtf8(state.name())).build();
        vertx.runOnContext(v -> client.events.handle(io.meso.v1.scheduler.Event.newBuilder()
            .setType(io.meso.v1.scheduler.Event.Type.UPDATE)
            .setUpdate(io.meso.v1.scheduler.Event.Update.newBuilder().setStatus(status)).build()));
      }
      org.awaitility.Awaitility.await().until(() -> client.sent.stream()
          .filter(c -> c.getType() == io.meso.v1.scheduler.Call.Type.ACKNOWLEDGE).count() == 2);
      assertThat(scheduler.result().toCompletionStage().toCompletableFuture().get(10,
          java.util.concurrent.TimeUnit.SECONDS).getState()).isEqualTo(io.meso.v1.TaskState.TASK_FAILED);
      assertThat(reported).extracting(io.meso.v1.TaskStatus::getState)
          .containsExactly(io.meso.v1.TaskState.TASK_FAILED);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Records the calls a scheduler makes; subscriptions succeed at once. */
  static final class RecordingClient implements SchedulerClient {
    final List<io.meso.v1.scheduler.Call> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile io.vertx.core.Handler<io.meso.v1.scheduler.Event> events;
    volatile io.vertx.core.Handler<Throwable> disconnect;
    private final io.meso.v1.FrameworkID id = io.meso.v1.FrameworkID.newBuilder().setValue("fw").build();

    @Override
    public io.vertx.core.Future<io.meso.v1.FrameworkID> subscribe(io.meso.v1.FrameworkInfo info,
        io.vertx.core.Handler<io.meso.v1.scheduler.Event> handler) {
      events = handler;
      return io.vertx.core.Future.succeededFuture(id);
    }

    @Override
    public io.vertx.core.Future<Void> call(io.meso.v1.scheduler.Call call) {
      sent.add(call);
      return io.vertx.core.Future.succeededFuture();
    }

    @Override
    public SchedulerClient disconnectHandler(io.vertx.core.Handler<Throwable> handler) {
      disconnect = handler;
      return this;
    }

    @Override
    public io.meso.v1.FrameworkID frameworkId() {
      return events == null ? null : id;
    }

    @Override
    public io.vertx.core.Future<Void> close() {
      return io.vertx.core.Future.succeededFuture();
    }
  }

  private static Resource scalar(String name, double value, String role) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value))
        .setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role))
        .build();
  }

  private static OneTaskScheduler scheduler(double cpus, double mem, double disk) {
    return new OneTaskScheduler(null, new OneTaskScheduler.Spec("t", "t", "true", cpus, mem, disk, "*", "me"), null);
  }

  @ParameterizedTest(name = "offer cpus:{0} mem:{1} disk:{2} for cpus:{3} mem:{4} disk:{5} fits={6}")
  @CsvSource({
      // offered          asked              fits
      "1,   64, 0,     0.1, 32, 0,     true",
      "0.1, 32, 0,     0.1, 32, 0,     true",   // exactly enough
      "0.05, 64, 0,    0.1, 32, 0,     false",  // too few cpus
      "1,   16, 0,     0.1, 32, 0,     false",  // too little memory
      "1,   64, 0,     0.1, 32, 10,    false",  // disk asked, none offered
      "1,   64, 100,   0.1, 32, 10,    true"})
  void fitsOnlyWhenEveryAskedScalarIsThere(double oc, double om, double od, double c, double m, double d, boolean fits) {
    Offer.Builder offer = Offer.newBuilder().addResources(scalar("cpus", oc, "*")).addResources(scalar("mem", om, "*"));
    if (od > 0) {
      offer.addResources(scalar("disk", od, "*"));
    }
    assertThat(scheduler(c, m, d).fits(offer.build())).isEqualTo(fits);
  }

  @Test
  void takeCutsFromOfferedResourcesKeepingTheirAllocationAndSpanningSeveral() {
    List<Resource> offered = List.of(scalar("cpus", 0.5, "dev"), scalar("cpus", 2, "dev"), scalar("mem", 1024, "dev"));
    Map<String, Double> wanted = new LinkedHashMap<>();
    wanted.put("cpus", 1.0);
    wanted.put("mem", 32.0);
    List<Resource> taken = OneTaskScheduler.take(offered, wanted);
    // cpus: 0.5 from the first resource and the remaining 0.5 from the second.
    assertThat(taken).extracting(Resource::getName).containsExactly("cpus", "cpus", "mem");
    assertThat(taken).extracting(r -> r.getScalar().getValue()).containsExactly(0.5, 0.5, 32.0);
    assertThat(taken).allSatisfy(r -> assertThat(r.getAllocationInfo().getRole()).isEqualTo("dev"));
  }
}
