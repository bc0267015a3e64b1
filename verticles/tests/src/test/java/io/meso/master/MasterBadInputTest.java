package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.proto.ReadFileRequest;
import io.meso.api.server.ApiServerOptions;
import io.meso.api.server.ApiServerVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.StatusUpdate;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input on purpose, at every door of a running master: operator calls, the agent inbox and
 * SUBSCRIBE. Each gets a clear refusal naming the field and value, and the master keeps serving.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MasterBadInputTest {

  static Vertx vertx;
  static MasterVerticle master;
  static GrpcOperatorClient operator;
  static GrpcSchedulerClient client;
  static FrameworkRecorder framework;

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    master = new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100));
    vertx.deployVerticle(master).await(30, TimeUnit.SECONDS);
    vertx.deployVerticle(new AgentVerticle(new AgentOptions()
        .setWorkDir(Files.createTempDirectory("meso-bad-input").toString())
        .setResources("cpus:2;mem:1024;disk:100"))).await(30, TimeUnit.SECONDS);
    ApiServerVerticle api = new ApiServerVerticle(new ApiServerOptions().setPort(0));
    vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
    operator = new GrpcOperatorClient(vertx, "127.0.0.1", api.actualPort());
    client = new GrpcSchedulerClient(vertx, "127.0.0.1", api.actualPort());
    framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("bad-input").setUser("").build(), framework::onEvent)
        .await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static ApiException apiFailure(Future<?> future) {
    try {
      future.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e instanceof ApiException ? e : e.getCause();
      assertThat(cause).isInstanceOf(ApiException.class);
      return (ApiException) cause;
    }
    throw new AssertionError("expected the call to fail");
  }

  private static ReplyException busFailure(String address, Object body, DeliveryOptions options) {
    try {
      vertx.eventBus().request(address, body, options).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      assertThat(e).isInstanceOf(ReplyException.class);
      return (ReplyException) e;
    }
    throw new AssertionError("expected the request to fail");
  }

  @Test
  void operatorCallsRefuseUnknownTasksAndPathsOutsideTheSandbox() throws Exception {
    ApiException unknown = apiFailure(operator.killTask("no-such-task"));
    assertThat(unknown.code()).isEqualTo(404);
    assertThat(unknown.getMessage()).contains("no-such-task");

    Offer offer = framework.awaitOffer(0);
    client.accept(List.of(offer.getId()), List.of(Launches.launch(Launches.task("files", offer, "echo hi", 0.1, 32))),
        null).await(30, TimeUnit.SECONDS);
    framework.awaitUpdate("files", TaskState.TASK_FINISHED);
    TaskID task = TaskID.newBuilder().setValue("files").build();

    assertThat(operator.readFile(ReadFileRequest.newBuilder().setTaskId(task).setPath("stdout").build())
        .await(30, TimeUnit.SECONDS).getData().toStringUtf8()).contains("hi");
    for (String path : List.of("../../../../etc/passwd", "/etc/passwd", "a/../../stdout")) {
      ApiException escape = apiFailure(operator.readFile(ReadFileRequest.newBuilder().setTaskId(task).setPath(path)
          .build()));
      assertThat(escape.code()).as(path).isIn(400, 403);
    }
    ApiException negative = apiFailure(operator.readFile(ReadFileRequest.newBuilder().setTaskId(task).setPath("stdout")
        .setOffset(-1).build()));
    assertThat(negative.code()).isEqualTo(400);
    assertThat(negative.getMessage()).contains("offset is -1");
    ApiException missing = apiFailure(operator.readFile(ReadFileRequest.newBuilder().setTaskId(task)
        .setPath("no-such-file").build()));
    assertThat(missing.code()).isEqualTo(404);
    ApiException killDone = apiFailure(operator.killTask("files"));
    assertThat(killDone.getMessage()).contains("already ended");
  }

  @Test
  void operatorInboxNeedsAnAction() {
    ReplyException noAction = busFailure(Addresses.OPERATOR, io.meso.proto.GetStateRequest.getDefaultInstance(),
        new DeliveryOptions());
    assertThat(noAction.failureCode()).isEqualTo(400);
    ReplyException badAction = busFailure(Addresses.OPERATOR, io.meso.proto.GetStateRequest.getDefaultInstance(),
        new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "Explode"));
    assertThat(badAction.getMessage()).contains("'Explode'");
  }

  @Test
  void agentInboxRefusesMalformedRegistrations() throws Exception {
    RegisterAgentMessage negativeCpus = RegisterAgentMessage.newBuilder().setAgentInfo(AgentInfo.newBuilder()
        .setHostname("h").addResources(Launches.scalar("cpus", -4))).build();
    ReplyException e1 = busFailure(Addresses.MASTER, negativeCpus, new DeliveryOptions());
    assertThat(e1.failureCode()).isEqualTo(400);
    assertThat(e1.getMessage()).contains("cpus").contains("-4");

    ReplyException e2 = busFailure(Addresses.MASTER, RegisterAgentMessage.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().addResources(Launches.scalar("cpus", 1))).build(), new DeliveryOptions());
    assertThat(e2.getMessage()).contains("agent_info.hostname is missing");

    ReplyException e3 = busFailure(Addresses.MASTER, ReregisterAgentMessage.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().setHostname("h")).build(), new DeliveryOptions());
    assertThat(e3.getMessage()).contains("agent_info.id is missing");

    ReplyException e4 = busFailure(Addresses.MASTER, Call.getDefaultInstance(), new DeliveryOptions());
    assertThat(e4.getMessage()).contains("unexpected message type");

    // A status update from an agent the master never admitted is ignored, not forwarded.
    long before = master.metrics().statusUpdatesForwarded;
    vertx.eventBus().send(Addresses.MASTER, StatusUpdate.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue("ghost"))
        .setFrameworkId(FrameworkID.newBuilder().setValue(client.frameworkId().getValue()))
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("ghost-task"))
            .setState(TaskState.TASK_RUNNING))
        .build());
    // Still serving, and nothing was forwarded for the ghost.
    assertThat(operator.getState().await(30, TimeUnit.SECONDS).getAgentsList()).hasSize(1);
    assertThat(framework.updates("ghost-task")).isEmpty();
    assertThat(master.metrics().statusUpdatesForwarded).isEqualTo(before);
  }

  @Test
  void subscribeRefusesBadFrameworkInfo() {
    GrpcSchedulerClient other = new GrpcSchedulerClient(vertx, client.server());
    try {
      record Case(FrameworkInfo info, String expected) {}
      FrameworkInfo.Capability multiRole = FrameworkInfo.Capability.newBuilder()
          .setType(FrameworkInfo.Capability.Type.MULTI_ROLE).build();
      for (Case c : List.of(
          new Case(FrameworkInfo.newBuilder().setUser("").build(), "framework_info.name is missing"),
          new Case(FrameworkInfo.newBuilder().setName("x").build(), "framework_info.user is missing"),
          new Case(FrameworkInfo.newBuilder().setName("x").setUser("").setFailoverTimeout(Double.NaN).build(),
              "failover_timeout is NaN"),
          new Case(FrameworkInfo.newBuilder().setName("x").setUser("").setFailoverTimeout(-1).build(),
              "failover_timeout is -1.0"),
          new Case(FrameworkInfo.newBuilder().setName("x").setUser("").addRoles("a").build(),
              "without the MULTI_ROLE capability"),
          new Case(FrameworkInfo.newBuilder().setName("x").setUser("").addCapabilities(multiRole).addRoles("a b")
              .build(), "'a b'"),
          new Case(FrameworkInfo.newBuilder().setName("x").setUser("").addCapabilities(multiRole).addRoles("a")
              .addRoles("a").build(), "twice"))) {
        ApiException e = apiFailure(other.subscribe(c.info(), event -> {}));
        assertThat(e.code()).as(c.expected()).isEqualTo(400);
        assertThat(e.getMessage()).contains(c.expected());
      }
    } finally {
      other.close();
    }
  }
}
