package io.meso.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.api.server.ApiServerOptions;
import io.meso.api.server.ApiServerVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.v1.CommandInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.Value;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17: a framework whose master is cut off the network (no FIN, no RST: the link is down,
 * the process lives) must not hang. A real master, agent and API server on 127.0.0.1 heartbeat
 * every 500 ms; the framework reaches the API port through two proxies, the first of which is
 * then cut. The gRPC client's heartbeat watchdog must end the silent subscription and report
 * it while the cut connection is still open (so the transport never told it), and a new
 * subscription with the same framework id must go through the other proxy, on a new
 * connection, and carry on: offers come, and the task launched before the cut is still known.
 * The second test runs what {@code meso run} runs ({@link OneTaskScheduler}, the client's
 * default watchdog), which must reconnect on its own and see its task to the end.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SilentMasterWatchdogTest {

  private static final long HEARTBEAT_MILLIS = 500;

  private Vertx cluster;
  private Vertx frameworkSide;
  private CuttableProxy first;
  private CuttableProxy second;
  private List<SocketAddress> masters;

  @BeforeEach
  void start() throws Exception {
    cluster = MesoCluster.startLocal(new VertxOptions());
    cluster.deployVerticle(new MasterVerticle(new MasterOptions()
            .setAllocationIntervalMillis(100)
            .setHeartbeatIntervalMillis(HEARTBEAT_MILLIS)))
        .await(30, TimeUnit.SECONDS);
    cluster.deployVerticle(new AgentVerticle(new AgentOptions()
            .setWorkDir(Files.createTempDirectory("meso-silent-master").toString())
            .setResources("cpus:2;mem:1024;disk:1000")))
        .await(30, TimeUnit.SECONDS);
    ApiServerVerticle api = new ApiServerVerticle(new ApiServerOptions().setPort(0));
    cluster.deployVerticle(api).await(30, TimeUnit.SECONDS);
    SocketAddress apiAddress = SocketAddress.inetSocketAddress(api.actualPort(), "127.0.0.1");
    frameworkSide = Vertx.vertx();
    first = new CuttableProxy(frameworkSide, apiAddress);
    second = new CuttableProxy(frameworkSide, apiAddress);
    masters = List.of(first.start().await(30, TimeUnit.SECONDS), second.start().await(30, TimeUnit.SECONDS));
  }

  @AfterEach
  void stop() throws Exception {
    if (first != null) {
      first.close().await(30, TimeUnit.SECONDS);
      second.close().await(30, TimeUnit.SECONDS);
    }
    if (frameworkSide != null) {
      frameworkSide.close().await(30, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSilentSubscriptionIsReportedLostAndTheFrameworkCarriesOnThroughAnotherConnection() throws Exception {
    GrpcSchedulerClient client = new GrpcSchedulerClient(frameworkSide, masters)
        .withHeartbeatWatchdog(3, Duration.ZERO);
    List<Throwable> lost = new CopyOnWriteArrayList<>();
    client.disconnectHandler(lost::add);
    try {
      List<Event> before = new CopyOnWriteArrayList<>();
      FrameworkInfo info = FrameworkInfo.newBuilder().setName("cut-off").setUser(System.getProperty("user.name"))
          .setFailoverTimeout(120).build();
      FrameworkID id = client.subscribe(info, acknowledging(client, before)).await(30, TimeUnit.SECONDS);
      assertThat(client.server()).isEqualTo(masters.get(0));
      assertThat(before.get(0).getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(HEARTBEAT_MILLIS / 1000.0);

      Offer offer = awaitOffer(before);
      client.accept(List.of(offer.getId()), List.of(launch(offer, "survivor", "sleep 600")), null)
          .await(30, TimeUnit.SECONDS);
      TaskStatus running = awaitUpdate(before, "survivor", TaskState.TASK_RUNNING);

      first.cut();
      // A call made into the cut link: it must not wait on the dead connection for ever.
      io.vertx.core.Future<Void> duringTheCut = client.revive();
      await().atMost(Duration.ofSeconds(60)).until(() -> !lost.isEmpty());
      assertThat(lost).hasSize(1);
      assertThat(lost.get(0)).isInstanceOf(ApiException.class);
      assertThat(((ApiException) lost.get(0)).code()).isEqualTo(ApiException.UNAVAILABLE);
      // 3 intervals of 500 ms: the watchdog, not the transport, which cannot know (nothing was closed).
      assertThat(lost.get(0).getMessage()).contains("heartbeat watchdog's 1500 ms");
      assertThat(first.closedByProxy()).isZero();
      // The client itself dropped the dead connection (nothing else could have closed it).
      await().atMost(Duration.ofSeconds(30)).until(() -> first.closedByClient() >= 1);
      await().atMost(Duration.ofSeconds(60)).until(duringTheCut::isComplete);

      List<Event> after = new CopyOnWriteArrayList<>();
      FrameworkID again = client.subscribe(info.toBuilder().setId(id).build(), acknowledging(client, after)).await(60, TimeUnit.SECONDS);
      assertThat(again).isEqualTo(id);
      assertThat(client.server()).isEqualTo(masters.get(1));

      // Offers keep coming (the agent has room for more than the one task) ...
      awaitOffer(after);
      // ... and the task launched before the cut is still the framework's, still running.
      client.reconcile(List.of(Call.Reconcile.Task.newBuilder().setTaskId(running.getTaskId())
          .setAgentId(running.getAgentId()).build())).await(30, TimeUnit.SECONDS);
      awaitUpdate(after, "survivor", TaskState.TASK_RUNNING);
      // Calls go through the new connection too: the kill reaches the task.
      client.kill(running.getTaskId(), running.getAgentId()).await(30, TimeUnit.SECONDS);
      awaitUpdate(after, "survivor", TaskState.TASK_KILLED);
      assertThat(lost).hasSize(1);
      client.teardown().await(30, TimeUnit.SECONDS);
    } finally {
      client.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void mesoRunsSchedulerReconnectsOnItsOwnAndSeesItsTaskToTheEnd() throws Exception {
    // As RunCommand builds it: the default watchdog (3 intervals, at least 5 s).
    GrpcSchedulerClient client = new GrpcSchedulerClient(frameworkSide, masters);
    AtomicInteger reconnecting = new AtomicInteger();
    AtomicInteger reconnected = new AtomicInteger();
    AtomicReference<Throwable> whyLost = new AtomicReference<>();
    List<TaskStatus> updates = new CopyOnWriteArrayList<>();
    OneTaskScheduler scheduler = new OneTaskScheduler(client, frameworkSide,
        new OneTaskScheduler.Spec("run-survivor", "run-survivor", "sleep 600", 0.1, 32, 0, "*",
            System.getProperty("user.name")),
        new OneTaskScheduler.Listener() {
          @Override
          public void launched(Offer offer) { }

          @Override
          public void update(TaskStatus status) {
            updates.add(status);
          }

          @Override
          public void reconnecting(Throwable cause) {
            whyLost.set(cause);
            reconnecting.incrementAndGet();
          }

          @Override
          public void reconnected() {
            reconnected.incrementAndGet();
          }
        });
    try {
      frameworkSide.runOnContext(v -> scheduler.run());
      await().atMost(Duration.ofSeconds(60))
          .until(() -> updates.stream().anyMatch(s -> s.getState() == TaskState.TASK_RUNNING));
      int seen = updates.size();
      first.cut();
      await().atMost(Duration.ofSeconds(90)).until(() -> reconnected.get() >= 1);
      assertThat(reconnecting.get()).isEqualTo(1);
      assertThat(whyLost.get().getMessage()).contains("heartbeat watchdog's 5000 ms");
      assertThat(client.server()).isEqualTo(masters.get(1));
      // The reconciliation after reconnecting (or the agent resending an update whose
      // acknowledgement the cut swallowed) says the task launched before the cut still runs.
      await().atMost(Duration.ofSeconds(60)).until(() -> updates.size() > seen);
      assertThat(updates.get(seen).getState()).isEqualTo(TaskState.TASK_RUNNING);
      scheduler.kill().await(30, TimeUnit.SECONDS);
      TaskStatus end = scheduler.result().await(60, TimeUnit.SECONDS);
      assertThat(end.getState()).isEqualTo(TaskState.TASK_KILLED);
    } finally {
      scheduler.finish().await(30, TimeUnit.SECONDS);
    }
  }

  /** Records each event and acknowledges each update, as a framework must for the next to come. */
  private static io.vertx.core.Handler<Event> acknowledging(SchedulerClient client, List<Event> events) {
    return event -> {
      events.add(event);
      if (event.getType() == Event.Type.UPDATE) {
        client.acknowledge(event.getUpdate().getStatus());
      }
    };
  }

  private static Offer awaitOffer(List<Event> events) {
    AtomicReference<Offer> found = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Optional<Offer> offer = events.stream().filter(e -> e.getType() == Event.Type.OFFERS)
          .flatMap(e -> e.getOffers().getOffersList().stream()).findFirst();
      offer.ifPresent(found::set);
      return offer.isPresent();
    });
    return found.get();
  }

  private static TaskStatus awaitUpdate(List<Event> events, String taskId, TaskState state) {
    AtomicReference<TaskStatus> found = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Optional<TaskStatus> status = events.stream().filter(e -> e.getType() == Event.Type.UPDATE)
          .map(e -> e.getUpdate().getStatus())
          .filter(s -> s.getTaskId().getValue().equals(taskId) && s.getState() == state).findFirst();
      status.ifPresent(found::set);
      return status.isPresent();
    });
    return found.get();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static Offer.Operation launch(Offer offer, String taskId, String command) {
    TaskInfo task = TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(offer.getAgentId())
        .addResources(scalar("cpus", 0.1)).addResources(scalar("mem", 32))
        .setCommand(CommandInfo.newBuilder().setShell(true).setValue(command))
        .build();
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH)
        .setLaunch(Offer.Operation.Launch.newBuilder().addTaskInfos(task)).build();
  }
}
