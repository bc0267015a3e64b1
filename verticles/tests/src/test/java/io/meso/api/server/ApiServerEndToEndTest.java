package io.meso.api.server;

import static io.meso.api.server.ApiServerVerticleTest.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.proto.FrameworkSummary;
import io.meso.proto.ReadFileRequest;
import io.meso.proto.SchedulerGrpcClient;
import io.meso.cluster.MesoCluster;
import io.meso.it.FrameworkRecorder;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.scheduler.SchedulerClient;
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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gRPC door against the real thing: a master, an agent running real processes and the API
 * server in one non-clustered Vert.x; frameworks over {@link GrpcSchedulerClient} and the
 * operator calls over {@link GrpcOperatorClient}. The CLI over the same port is in
 * {@code io.meso.cli.CliEndToEndTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiServerEndToEndTest {

  /**
   * Long, so that a framework seen disconnected within the tests' 10 s can only have been
   * reported by the transport, not found out by an unanswered heartbeat
   * ({@link SubscriberHeartbeatTest} covers heartbeats).
   */
  static final long HEARTBEAT_MILLIS = 60_000;

  static Vertx vertx;
  static Path workDir;
  static ApiServerVerticle api;
  static SocketAddress address;

  final List<SchedulerClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions()
            .setAllocationIntervalMillis(100)
            .setAgentPingIntervalMillis(500)
            .setHeartbeatIntervalMillis(HEARTBEAT_MILLIS)))
        .await(30, TimeUnit.SECONDS);
    workDir = Files.createTempDirectory("meso-api-e2e");
    vertx.deployVerticle(new AgentVerticle(new AgentOptions()
            .setWorkDir(workDir.toString())
            .setResources("cpus:2;mem:1024;disk:1000")))
        .await(30, TimeUnit.SECONDS);
    api = new ApiServerVerticle(new ApiServerOptions().setPort(0));
    vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
    address = SocketAddress.inetSocketAddress(api.actualPort(), "127.0.0.1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void closeClients() {
    for (SchedulerClient client : clients) {
      try {
        if (client.frameworkId() != null) {
          client.teardown().await(10, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        // Already torn down or failed over.
      }
      client.close();
    }
  }

  private GrpcSchedulerClient grpcClient() {
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, address);
    clients.add(client);
    return client;
  }

  private static FrameworkInfo info(String name, double failoverTimeout) {
    return FrameworkInfo.newBuilder().setName(name).setUser(System.getProperty("user.name"))
        .setFailoverTimeout(failoverTimeout).build();
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

  @Test
  void aGrpcFrameworkLaunchesATaskSeesItFinishAndReadsItsOutput() throws Exception {
    GrpcSchedulerClient client = grpcClient();
    FrameworkRecorder framework = new FrameworkRecorder(client);
    FrameworkID id = client.subscribe(info("grpc-e2e", 0), framework::onEvent).await(30, TimeUnit.SECONDS);
    assertThat(id.getValue()).isNotEmpty();
    assertThat(framework.events.get(0).getType()).isEqualTo(Event.Type.SUBSCRIBED);
    assertThat(framework.events.get(0).getSubscribed().getHeartbeatIntervalSeconds()).isPositive();

    Offer offer = framework.awaitOffer(0);
    client.accept(List.of(offer.getId()), List.of(launch(offer, "hello", "echo hello")), null)
        .await(30, TimeUnit.SECONDS);

    TaskStatus finished = framework.awaitUpdate("hello", TaskState.TASK_FINISHED);
    assertThat(framework.updates("hello")).extracting(TaskStatus::getState)
        .containsSubsequence(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(finished.getUuid().isEmpty()).isFalse();

    GrpcOperatorClient operator = new GrpcOperatorClient(vertx, address);
    try {
      String stdout = operator.readFile(ReadFileRequest.newBuilder().setTaskId(TaskID.newBuilder().setValue("hello"))
              .setFrameworkId(id).setPath("stdout").setLength(4096).build())
          .await(30, TimeUnit.SECONDS).getData().toStringUtf8();
      assertThat(stdout).isEqualTo("hello\n");
      assertThat(operator.getTasks(true).await(30, TimeUnit.SECONDS).getTasksList())
          .anySatisfy(t -> {
            assertThat(t.getTask().getTaskId().getValue()).isEqualTo("hello");
            assertThat(t.getTask().getState()).isEqualTo(TaskState.TASK_FINISHED);
          });
    } finally {
      operator.close();
    }
  }

  @Test
  void aSendTheMasterRejectsIsInvalidArgumentWithTheMastersMessage() throws Exception {
    GrpcSchedulerClient client = grpcClient();
    FrameworkID id = client.subscribe(info("bad-calls", 0), e -> { }).await(30, TimeUnit.SECONDS);

    // Straight gRPC, to see the status on the wire.
    GrpcClient grpc = GrpcClient.client(vertx);
    try {
      GrpcClientResponse<Call, ?> resp = grpc.request(address, SchedulerGrpcClient.Send)
          .compose(req -> {
            req.headers().set(GrpcSchedulerClient.STREAM_ID_METADATA, client.streamId());
            return req.end(Call.newBuilder().setFrameworkId(id).setType(Call.Type.ACCEPT).build())
                .compose(v -> req.response());
          })
          .compose(r -> r.end().transform(ar -> Future.succeededFuture(r)))
          .await(10, TimeUnit.SECONDS);
      assertThat(resp.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(resp.statusMessage()).contains("call.accept is missing");
    } finally {
      grpc.close();
    }

    // And through the client: the same code the event-bus transport reports.
    ApiException e = failure(client.call(Call.newBuilder().setType(Call.Type.KILL).build()));
    assertThat(e.code()).isEqualTo(400);
    assertThat(e.getMessage()).contains("kill.task_id is missing");
  }

  @Test
  void aCallForAFrameworkThatIsNotSubscribedIsRefused() {
    GrpcSchedulerClient client = grpcClient();
    ApiException e = failure(client.call(Call.newBuilder().setType(Call.Type.REVIVE)
        .setFrameworkId(FrameworkID.newBuilder().setValue("no-such-framework")).build()));
    assertThat(e.code()).isEqualTo(403);
    assertThat(e.getMessage()).contains("no-such-framework");
  }

  @Test
  void aFailoverEndsTheOldStreamWithAnError() throws Exception {
    GrpcSchedulerClient first = grpcClient();
    List<Event> firstEvents = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> firstLost = new AtomicReference<>();
    first.disconnectHandler(firstLost::set);
    FrameworkID id = first.subscribe(info("failover", 60), firstEvents::add).await(30, TimeUnit.SECONDS);

    GrpcSchedulerClient second = grpcClient();
    FrameworkID again = second.subscribe(info("failover", 60).toBuilder().setId(id).build(), e -> { })
        .await(30, TimeUnit.SECONDS);
    assertThat(again).isEqualTo(id);

    await().atMost(Duration.ofSeconds(30)).until(() -> firstLost.get() != null);
    assertThat(firstLost.get()).isInstanceOf(ApiException.class).hasMessageContaining("failed over");
    assertThat(firstEvents).last().extracting(Event::getType).isEqualTo(Event.Type.ERROR);
  }

  @Test
  void closingTheClientTellsTheMasterTheFrameworkIsDisconnected() throws Exception {
    GrpcSchedulerClient client = grpcClient();
    FrameworkID id = client.subscribe(info("goes-away", 60), e -> { }).await(30, TimeUnit.SECONDS);
    assertThat(connected(id)).isTrue();
    client.close().await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> !connected(id));

    // A new subscription with the id takes the framework back.
    GrpcSchedulerClient again = grpcClient();
    again.subscribe(info("goes-away", 60).toBuilder().setId(id).build(), e -> { }).await(30, TimeUnit.SECONDS);
    assertThat(connected(id)).isTrue();
  }

  @Test
  void aClientWhoseConnectionDropsIsDisconnected() throws Exception {
    // A raw gRPC client whose connection closes without cancelling the stream first.
    GrpcClient grpc = GrpcClient.client(vertx);
    AtomicReference<FrameworkID> id = new AtomicReference<>();
    Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info("dropped", 60))).build();
    grpc.request(address, SchedulerGrpcClient.Subscribe)
        .compose(req -> req.end(subscribe).compose(v -> req.response()))
        .onSuccess(resp -> resp.handler(e -> {
          if (e.getType() == Event.Type.SUBSCRIBED) {
            id.set(e.getSubscribed().getFrameworkId());
          }
        }));
    await().atMost(Duration.ofSeconds(30)).until(() -> id.get() != null);
    assertThat(connected(id.get())).isTrue();
    grpc.close().await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> !connected(id.get()));
    GrpcSchedulerClient cleanup = grpcClient();
    cleanup.subscribe(info("dropped", 60).toBuilder().setId(id.get()).build(), e -> { }).await(30, TimeUnit.SECONDS);
  }

  @Test
  void theSameFrameworkCodeRunsOverTheEventBus() throws Exception {
    EventBusSchedulerClient client = new EventBusSchedulerClient(vertx);
    clients.add(client);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(info("bus-e2e", 0), framework::onEvent).await(30, TimeUnit.SECONDS);
    Offer offer = framework.awaitOffer(0);
    client.accept(List.of(offer.getId()), List.of(launch(offer, "bus-task", "exit 3")), null)
        .await(30, TimeUnit.SECONDS);
    assertThat(framework.awaitUpdate("bus-task", TaskState.TASK_FAILED).getMessage()).contains("status 3");
    ApiException e = failure(client.call(Call.newBuilder().setType(Call.Type.KILL).build()));
    assertThat(e.code()).isEqualTo(400);
  }

  /**
   * Only a framework's current subscription may act for it: after a failover to a new
   * subscription the old one is refused (a missing, made-up or other framework's stream id, on
   * every door, is in {@code io.meso.doors.SchedulerBadInputTest}).
   */
  @Test
  void aSupersededSubscriptionCannotActForTheFramework() throws Exception {
    GrpcSchedulerClient first = grpcClient();
    FrameworkID id = first.subscribe(info("proof-failover", 60), e -> { }).await(30, TimeUnit.SECONDS);
    GrpcSchedulerClient second = grpcClient();
    second.subscribe(info("proof-failover", 60).toBuilder().setId(id).build(), e -> { }).await(30, TimeUnit.SECONDS);

    ApiException e = failure(first.call(Call.newBuilder().setType(Call.Type.TEARDOWN).setFrameworkId(id).build()));
    assertThat(e.code()).isEqualTo(403);
    second.call(Call.newBuilder().setType(Call.Type.REVIVE).build()).await(10, TimeUnit.SECONDS);
  }

  static boolean connected(FrameworkID id) {
    return connected(vertx, address, id);
  }

  static boolean connected(Vertx vertx, SocketAddress address, FrameworkID id) {
    GrpcOperatorClient operator = new GrpcOperatorClient(vertx, address);
    try {
      return operator.getState().await(10, TimeUnit.SECONDS).getFrameworksList().stream()
          .filter(f -> f.getFrameworkInfo().getId().equals(id))
          .anyMatch(FrameworkSummary::getConnected);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    } finally {
      operator.close();
    }
  }
}
