package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.codecs.LocalCodec;
import io.meso.codecs.Undecoded;
import io.meso.internal.AgentReregisteredMessage;
import io.meso.internal.PingAgentMessage;
import io.meso.internal.PongAgentMessage;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.StatusUpdate;
import io.meso.it.FrameworkRecorder;
import io.meso.proto.GetTasksRequest;
import io.meso.proto.GetTasksResponse;
import io.meso.proto.TaskSummary;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Task;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A re-registration read from the clustered event bus reaches the master as undecoded bytes
 * ({@link io.meso.codecs.DeferredProtoCodec}); the master decodes and prepares it on a worker
 * thread and files it on its event loop. What must hold meanwhile: the agent's messages sent after
 * it are handled after it (a status update must not reach a master that does not know the agent
 * yet, where it would be dropped), and bytes that are no re-registration are refused with a clear
 * error without holding up what came after them. The messages are handed over exactly as the
 * wire codec hands them (an {@link Undecoded} through the local codec), on a local Vert.x.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReregistrationOffTheEventLoopTest {

  static final String AGENT = "agent-returning";
  /** Enough tasks that preparing them takes a while on the worker. */
  static final int TASKS = 20_000;

  Vertx vertx;
  EventBusSchedulerClient client;

  @BeforeEach
  void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100)))
        .await(30, TimeUnit.SECONDS);
    vertx.eventBus().consumer(Addresses.agent(AGENT), m -> {
      if (m.body() instanceof PingAgentMessage) {
        m.reply(PongAgentMessage.getDefaultInstance());
      }
    }).completion().await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static AgentInfo agentInfo() {
    return AgentInfo.newBuilder().setId(AgentID.newBuilder().setValue(AGENT)).setHostname(AGENT + ".test")
        .addAllResources(io.meso.allocator.Resources.parse("cpus:32;mem:65536").toProto()).build();
  }

  private static ReregisterAgentMessage reregistration(FrameworkID framework, int tasks) {
    ReregisterAgentMessage.Builder message = ReregisterAgentMessage.newBuilder().setAgentInfo(agentInfo());
    for (int i = 0; i < tasks; i++) {
      TaskID id = TaskID.newBuilder().setValue("t" + i).build();
      message.addTasks(Task.newBuilder().setName("t" + i).setTaskId(id).setFrameworkId(framework)
          .setAgentId(agentInfo().getId()).setState(TaskState.TASK_RUNNING)
          .addAllResources(io.meso.allocator.Resources.parse("cpus:0.001;mem:1").toProto())
          .addStatuses(TaskStatus.newBuilder().setTaskId(id).setAgentId(agentInfo().getId())
              .setState(TaskState.TASK_RUNNING).setSource(TaskStatus.Source.SOURCE_EXECUTOR)));
    }
    return message.build();
  }

  /** Sends {@code body} to the master as the wire codec hands it over (no copy, no decoding). */
  private Future<io.vertx.core.eventbus.Message<Object>> requestAsFromTheWire(Object body) {
    return requestAsFromTheWire(body, null);
  }

  /** {@code agentId}: the agent's id header, as an agent sends it (null: none, as an older agent). */
  private Future<io.vertx.core.eventbus.Message<Object>> requestAsFromTheWire(Object body, String agentId) {
    DeliveryOptions delivery = new DeliveryOptions().setCodecName(LocalCodec.NAME).setSendTimeout(30_000);
    if (agentId != null) {
      delivery.addHeader(Addresses.AGENT_ID_HEADER, agentId);
    }
    return vertx.eventBus().request(Addresses.MASTER, body, delivery);
  }

  private double metric(String name) throws Exception {
    io.meso.proto.GetMetricsResponse metrics = (io.meso.proto.GetMetricsResponse) vertx.eventBus().request(
        Addresses.OPERATOR, io.meso.proto.GetMetricsRequest.getDefaultInstance(),
        new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetMetrics")).await(30, TimeUnit.SECONDS).body();
    return metrics.getMetricsOrThrow(name);
  }

  /** Every task the master records (GET_TASKS). */
  private java.util.List<Task> recordedTasks() throws Exception {
    GetTasksResponse tasks = (GetTasksResponse) vertx.eventBus().request(Addresses.OPERATOR,
            GetTasksRequest.getDefaultInstance(), new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetTasks"))
        .await(30, TimeUnit.SECONDS).body();
    return tasks.getTasksList().stream().map(TaskSummary::getTask).toList();
  }

  private TaskState recordedState(String taskId) throws Exception {
    return recordedTasks().stream().filter(t -> t.getTaskId().getValue().equals(taskId)).findFirst().orElseThrow()
        .getState();
  }

  private java.util.List<Task> tasksOf(String agentId) throws Exception {
    return recordedTasks().stream().filter(t -> t.getAgentId().getValue().equals(agentId)).toList();
  }

  /** A framework subscribed on the event bus, recording its events. */
  private FrameworkRecorder subscribe() throws Exception {
    client = new EventBusSchedulerClient(vertx);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("returning").setUser("").build(), framework::onEvent)
        .await(30, TimeUnit.SECONDS);
    return framework;
  }

  /** Another agent's big re-registration, sent first: it keeps what follows it waiting a while. */
  private Future<io.vertx.core.eventbus.Message<Object>> bigReregistrationAhead(FrameworkID frameworkId) {
    ReregisterAgentMessage big = reregistration(frameworkId, TASKS).toBuilder()
        .setAgentInfo(agentInfo().toBuilder().setId(AgentID.newBuilder().setValue("agent-ahead"))).build();
    return requestAsFromTheWire(Undecoded.of(big), "agent-ahead");
  }

  @Test
  void anUpdateSentAfterTheReregistrationIsHandledAfterIt() throws Exception {
    FrameworkRecorder framework = subscribe();
    FrameworkID frameworkId = client.frameworkId();

    Future<io.vertx.core.eventbus.Message<Object>> reregistered =
        requestAsFromTheWire(Undecoded.of(reregistration(frameworkId, TASKS)));
    // Sent right behind it, as an agent's retried update would be: the task finished meanwhile.
    vertx.eventBus().send(Addresses.MASTER, StatusUpdate.newBuilder().setFrameworkId(frameworkId)
        .setAgentId(agentInfo().getId())
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t7"))
            .setAgentId(agentInfo().getId()).setState(TaskState.TASK_FINISHED)
            .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
            .setUuid(com.google.protobuf.ByteString.copyFromUtf8("u-7")))
        .build());

    assertThat(reregistered.await(30, TimeUnit.SECONDS).body()).isInstanceOf(AgentReregisteredMessage.class);
    TaskStatus told = framework.awaitUpdate("t7", TaskState.TASK_FINISHED);
    assertThat(told.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
    assertThat(recordedState("t7")).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(recordedState("t" + (TASKS - 1))).isEqualTo(TaskState.TASK_RUNNING);
  }

  @Test
  void aLaterAttemptOfTheSameAgentIsAnsweredWhenTheEarlierOneIsFiledInItsPlace() throws Exception {
    FrameworkRecorder framework = subscribe();
    FrameworkID frameworkId = client.frameworkId();
    // Another agent's big re-registration ahead keeps the next two waiting.
    Future<io.vertx.core.eventbus.Message<Object>> ahead = bigReregistrationAhead(frameworkId);
    // The agent's first attempt (its request timed out, say), then its second. What the second
    // says beyond the first (a fourth task here) cannot happen in practice: until the master files
    // the agent nothing is launched on it, and what ends is told by status updates.
    Future<io.vertx.core.eventbus.Message<Object>> first =
        requestAsFromTheWire(Undecoded.of(reregistration(frameworkId, 3)), AGENT);
    Future<io.vertx.core.eventbus.Message<Object>> second =
        requestAsFromTheWire(Undecoded.of(reregistration(frameworkId, 4)), AGENT);

    assertThat(ahead.await(30, TimeUnit.SECONDS).body()).isInstanceOf(AgentReregisteredMessage.class);
    assertThat(second.await(30, TimeUnit.SECONDS).body()).isInstanceOf(AgentReregisteredMessage.class);
    assertThat(first.await(30, TimeUnit.SECONDS).body()).isInstanceOf(AgentReregisteredMessage.class);
    // Filed once, the first attempt's report: three tasks, each reported status once.
    assertThat(tasksOf(AGENT)).hasSize(3)
        .allSatisfy(t -> assertThat(t.getStatusesList()).hasSize(1));
  }

  /**
   * An agent's retry of a re-registration the master filed already (its answer was late: the agent
   * timed out and sent the same again), composed before a task was launched on it, must not end
   * that task as "not reported": it is answered as the first attempt was. A new registration
   * (another series) that does not list the task is filed, and ends it.
   */
  @Test
  void aRetryOfAFiledReregistrationDoesNotEndATaskLaunchedSince() throws Exception {
    FrameworkRecorder framework = subscribe();
    FrameworkID frameworkId = client.frameworkId();
    ReregisterAgentMessage attempt = reregistration(frameworkId, 1).toBuilder().setSeries("series-1").build();
    assertThat(requestAsFromTheWire(Undecoded.of(attempt), AGENT).await(30, TimeUnit.SECONDS).body())
        .isInstanceOf(AgentReregisteredMessage.class);
    io.meso.v1.Offer offer = framework.awaitOffer(0);
    client.accept(java.util.List.of(offer.getId()), java.util.List.of(io.meso.it.Launches.launch(
        io.meso.it.Launches.task("late", offer, "sleep 600", 0.1, 32))), null).await(30, TimeUnit.SECONDS);
    org.awaitility.Awaitility.await().atMost(FrameworkRecorder.TIMEOUT)
        .until(() -> tasksOf(AGENT).stream().anyMatch(t -> t.getTaskId().getValue().equals("late")));
    assertThat(recordedState("late")).isEqualTo(TaskState.TASK_STAGING);

    // The retry, as the agent composed it before the launch reached it: no "late" in it.
    assertThat(requestAsFromTheWire(Undecoded.of(attempt), AGENT).await(30, TimeUnit.SECONDS).body())
        .isInstanceOf(AgentReregisteredMessage.class);
    assertThat(recordedState("late")).isEqualTo(TaskState.TASK_STAGING);
    assertThat(framework.updates("late")).isEmpty();
    assertThat(metric("master/reregistrations_repeated")).isEqualTo(1.0);

    // A new registration of the agent that does not list the task: filed, and the task ends.
    requestAsFromTheWire(Undecoded.of(attempt.toBuilder().setSeries("series-2").build()), AGENT)
        .await(30, TimeUnit.SECONDS);
    TaskStatus ended = framework.awaitUpdate("late", st -> io.meso.codecs.TaskStates.isTerminal(st.getState()));
    assertThat(ended.getMessage()).contains("not reported");
    assertThat(metric("master/reregistrations_repeated")).isEqualTo(1.0);
  }

  @Test
  void aLaterAttemptIsFiledOnItsOwnWhenTheEarlierOneCannotBe() throws Exception {
    FrameworkRecorder framework = subscribe();
    FrameworkID frameworkId = client.frameworkId();
    Future<io.vertx.core.eventbus.Message<Object>> ahead = bigReregistrationAhead(frameworkId);
    // Unreadable bytes under the agent's id (broken, or forged by someone else), then its genuine attempt.
    Future<io.vertx.core.eventbus.Message<Object>> broken = requestAsFromTheWire(
        new Undecoded<>(ReregisterAgentMessage.getDescriptor().getFullName(), ReregisterAgentMessage.parser(),
            new byte[] {0x0a, (byte) 0xff, 0x01}), AGENT);
    Future<io.vertx.core.eventbus.Message<Object>> genuine =
        requestAsFromTheWire(Undecoded.of(reregistration(frameworkId, 3)), AGENT);

    assertThat(ahead.await(30, TimeUnit.SECONDS).body()).isInstanceOf(AgentReregisteredMessage.class);
    assertThatThrownBy(() -> broken.await(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
    assertThat(genuine.await(30, TimeUnit.SECONDS).body()).isInstanceOf(AgentReregisteredMessage.class);
    assertThat(tasksOf(AGENT)).hasSize(3);
  }

  @Test
  void bytesThatAreNoReregistrationAreRefusedAndWhatFollowsIsStillHandled() throws Exception {
    Undecoded<ReregisterAgentMessage> garbage = new Undecoded<>(ReregisterAgentMessage.getDescriptor().getFullName(),
        ReregisterAgentMessage.parser(), new byte[] {0x0a, (byte) 0xff, 0x01, 0x02});
    Future<io.vertx.core.eventbus.Message<Object>> refused = requestAsFromTheWire(garbage);
    // Queued behind the bad one while it is being decoded: still answered.
    Future<io.vertx.core.eventbus.Message<Object>> registered = vertx.eventBus().request(Addresses.MASTER,
        RegisterAgentMessage.newBuilder().setAgentInfo(agentInfo()).build());

    assertThatThrownBy(() -> refused.await(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(400);
          assertThat(e.getMessage()).contains("cannot decode meso.internal.ReregisterAgentMessage (4 bytes)");
        });
    assertThat(registered.await(30, TimeUnit.SECONDS).body())
        .isInstanceOf(io.meso.internal.AgentRegisteredMessage.class);
  }
}
