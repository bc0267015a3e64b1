package io.meso.it;

import io.meso.testkit.OnContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.proto.GetMetricsRequest;
import io.meso.proto.GetMetricsResponse;
import io.meso.proto.GetStateRequest;
import io.meso.proto.GetStateResponse;
import io.meso.proto.MarkAgentGoneRequest;
import io.meso.proto.MasterEvent;
import io.meso.api.server.ApiServerOptions;
import io.meso.cli.Nodes;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.executor.TaskCheckpoint;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.StatusUpdate;
import io.meso.master.MasterOptions;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.scheduler.GrpcOperatorClient;
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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mesos' MARK_AGENT_GONE against a real master, API server and agent (real processes) in one
 * JVM: the tasks of a gone agent end TASK_GONE_BY_OPERATOR (TASK_LOST for a framework that is not
 * partition-aware), the agent kills them, forgets its identity and stops, its id is refused for
 * good (also to an agent that re-registers with it), and reconciliation answers by the mark.
 * Bad input on every door (HTTP, gRPC, the event bus) gets an error naming the field or value.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class MarkAgentGoneTest {

  Vertx vertx;
  HttpClient http;
  io.vertx.core.Context ctx;
  GrpcOperatorClient operator;
  final List<EventBusSchedulerClient> clients = new CopyOnWriteArrayList<>();

  record Resp(int status, String body) {}

  @BeforeEach
  void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100),
        new ApiServerOptions().setHost("127.0.0.1").setPort(0)).await(30, TimeUnit.SECONDS);
    // Calls start on one context (OnContext): from the test thread, a request now and then was never
    // written, keep-alive or not.
    http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(master.port()));
    ctx = vertx.getOrCreateContext();
    operator = new GrpcOperatorClient(vertx, "127.0.0.1", master.port());
  }

  @AfterEach
  void stop() throws Exception {
    for (EventBusSchedulerClient c : clients) {
      c.close();
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private Resp post(String json) throws Exception {
    return OnContext.run(ctx, () -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1")
            .putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(json)))
        .compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), b.toString()))))
        .await(30, TimeUnit.SECONDS);
  }

  private static String markGone(String agentId) {
    return "{\"type\":\"MARK_AGENT_GONE\",\"mark_agent_gone\":{\"agent_id\":{\"value\":\"" + agentId + "\"}}}";
  }

  private Object operatorCall(String action, Object body) throws Exception {
    return vertx.eventBus().request(Addresses.OPERATOR, body, new DeliveryOptions()
        .addHeader(Addresses.ACTION_HEADER, action).setSendTimeout(30_000)).await(40, TimeUnit.SECONDS).body();
  }

  private ReplyException busFailure(String address, Object body, DeliveryOptions options) {
    try {
      vertx.eventBus().request(address, body, options.setSendTimeout(30_000)).await(40, TimeUnit.SECONDS);
    } catch (Exception e) {
      assertThat(e).isInstanceOf(ReplyException.class);
      return (ReplyException) e;
    }
    throw new AssertionError("expected the request to " + address + " to be refused");
  }

  private static ApiException grpcFailure(Future<?> call) {
    try {
      call.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e instanceof ApiException ? e : e.getCause();
      assertThat(cause).isInstanceOf(ApiException.class);
      return (ApiException) cause;
    }
    throw new AssertionError("expected the gRPC call to fail");
  }

  private FrameworkRecorder subscribe(String name, boolean partitionAware) throws Exception {
    EventBusSchedulerClient client = new EventBusSchedulerClient(vertx);
    clients.add(client);
    FrameworkRecorder recorder = new FrameworkRecorder(client);
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setName(name).setUser("");
    if (partitionAware) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
    }
    client.subscribe(info.build(), recorder::onEvent).await(30, TimeUnit.SECONDS);
    return recorder;
  }

  private static EventBusSchedulerClient client(FrameworkRecorder recorder, List<EventBusSchedulerClient> clients,
      List<FrameworkRecorder> recorders) {
    return clients.get(recorders.indexOf(recorder));
  }

  private static long pidOf(Path workDir, String frameworkId, String taskId) throws Exception {
    Path dir = TaskCheckpoint.dir(workDir, frameworkId, taskId);
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> TaskCheckpoint.read(dir).pid() > 0);
    return TaskCheckpoint.read(dir).pid();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void goneAgentsTasksEndItStopsForgetsItsIdentityAndIsRefusedForGood() throws Exception {
    List<MasterEvent> masterEvents = new CopyOnWriteArrayList<>();
    vertx.eventBus().<MasterEvent>consumer(Addresses.MASTER_EVENTS, m -> masterEvents.add(m.body()))
        .completion().await(30, TimeUnit.SECONDS);
    Path workDir = Files.createTempDirectory("meso-gone");
    AgentVerticle agent = new AgentVerticle(new AgentOptions().setWorkDir(workDir.toString())
        .setResources("cpus:4;mem:2048;disk:100").setKillGracePeriodMillis(2_000));
    String deployment = vertx.deployVerticle(agent).await(30, TimeUnit.SECONDS);
    String agentId = agent.registered().await(30, TimeUnit.SECONDS);
    // The id is checkpointed once the master accepted it.
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> Files.exists(TaskCheckpoint.agentIdFile(workDir)));
    assertThat(Files.readString(TaskCheckpoint.agentIdFile(workDir)).trim()).isEqualTo(agentId);

    FrameworkRecorder aware = subscribe("aware", true);
    FrameworkRecorder plain = subscribe("plain", false);
    List<FrameworkRecorder> recorders = List.of(aware, plain);
    // One agent, offered whole to one framework at a time: whoever gets it first launches, the
    // other then gets what is left.
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> !aware.offers().isEmpty() || !plain.offers().isEmpty());
    FrameworkRecorder first = !aware.offers().isEmpty() ? aware : plain;
    FrameworkRecorder second = first == aware ? plain : aware;
    for (FrameworkRecorder f : List.of(first, second)) {
      Offer offer = f.awaitOffer(0);
      String taskId = f == aware ? "aware-task" : "plain-task";
      client(f, clients, recorders).accept(List.of(offer.getId()),
          List.of(Launches.launch(Launches.task(taskId, offer, "sleep 1000", 0.5, 32))), null)
          .await(30, TimeUnit.SECONDS);
      f.awaitUpdate(taskId, TaskState.TASK_RUNNING);
    }
    long awarePid = pidOf(workDir, clients.get(0).frameworkId().getValue(), "aware-task");
    long plainPid = pidOf(workDir, clients.get(1).frameworkId().getValue(), "plain-task");
    assertThat(alive(awarePid)).isTrue();
    assertThat(alive(plainPid)).isTrue();

    // Mesos answers 200 with an empty body.
    Resp marked = post(markGone(agentId));
    assertThat(marked.status()).as(marked.body()).isEqualTo(200);
    assertThat(marked.body()).isEmpty();

    TaskStatus gone = aware.awaitUpdate("aware-task", TaskState.TASK_GONE_BY_OPERATOR);
    assertThat(gone.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR);
    assertThat(gone.getSource()).isEqualTo(TaskStatus.Source.SOURCE_MASTER);
    assertThat(gone.getMessage()).contains(agentId).contains("marked gone by the operator");
    TaskStatus lost = plain.awaitUpdate("plain-task", TaskState.TASK_LOST);
    assertThat(lost.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR);

    // The agent was told: it kills its tasks, forgets its identity and undeploys itself.
    assertThat(agent.gone().await(60, TimeUnit.SECONDS)).contains("marked gone by the operator");
    assertThat(vertx.deploymentIDs()).doesNotContain(deployment);
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> !alive(awarePid) && !alive(plainPid));
    assertThat(TaskCheckpoint.agentIdFile(workDir)).doesNotExist();
    assertThat(TaskCheckpoint.recoverAll(workDir)).isEmpty();
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> masterEvents.stream().anyMatch(e ->
        e.getType() == MasterEvent.Type.AGENT_REMOVED && e.getAgentId().getValue().equals(agentId)));

    // Its id is refused for good, registering or re-registering, with a distinct code saying why.
    AgentInfo info = agent.agentInfo();
    ReplyException reregister = busFailure(Addresses.MASTER, ReregisterAgentMessage.newBuilder().setAgentInfo(info)
        .build(), new DeliveryOptions());
    assertThat(reregister.failureCode()).isEqualTo(410);
    assertThat(reregister.getMessage()).contains(agentId).contains("marked gone by the operator");
    ReplyException register = busFailure(Addresses.MASTER, RegisterAgentMessage.newBuilder().setAgentInfo(info)
        .build(), new DeliveryOptions());
    assertThat(register.failureCode()).isEqualTo(410);

    // Its status updates are ignored; then reconciliation answers by the mark (updates of the
    // same sender reach the master in order, so the ignored one would have come first).
    vertx.eventBus().send(Addresses.MASTER, StatusUpdate.newBuilder()
        .setFrameworkId(clients.get(0).frameworkId()).setAgentId(AgentID.newBuilder().setValue(agentId))
        .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("aware-task"))
            .setState(TaskState.TASK_RUNNING).setAgentId(AgentID.newBuilder().setValue(agentId)))
        .setLatestState(TaskState.TASK_RUNNING).build());
    List<Call.Reconcile.Task> asked = List.of(
        Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("aware-task")).build(),
        Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("plain-task")).build(),
        Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue("never-ran"))
            .setAgentId(AgentID.newBuilder().setValue(agentId)).build());
    clients.get(0).reconcile(asked).await(30, TimeUnit.SECONDS);
    clients.get(1).reconcile(asked).await(30, TimeUnit.SECONDS);
    TaskStatus reconciled = aware.awaitUpdate("aware-task", s -> s.getReason() == TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(reconciled.getState()).isEqualTo(TaskState.TASK_GONE_BY_OPERATOR);
    assertThat(aware.awaitUpdate("never-ran", s -> true).getState()).isEqualTo(TaskState.TASK_GONE_BY_OPERATOR);
    assertThat(plain.awaitUpdate("plain-task", s -> s.getReason() == TaskStatus.Reason.REASON_RECONCILIATION)
        .getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(plain.awaitUpdate("never-ran", s -> true).getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(aware.updates("aware-task")).extracting(TaskStatus::getState)
        .doesNotContain(TaskState.TASK_KILLED).last().isEqualTo(TaskState.TASK_GONE_BY_OPERATOR);
    assertThat(plain.updates("plain-task")).extracting(TaskStatus::getState).doesNotContain(TaskState.TASK_KILLED);
    // Each framework was told once.
    assertThat(aware.updates("aware-task")).filteredOn(s -> s.getReason()
        == TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR).hasSize(1);
    assertThat(plain.updates("plain-task")).filteredOn(s -> s.getReason()
        == TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR).hasSize(1);

    GetMetricsResponse metrics = (GetMetricsResponse) operatorCall("GetMetrics", GetMetricsRequest.getDefaultInstance());
    assertThat(metrics.getMetricsMap()).containsEntry("master/tasks_gone_by_operator", 1.0);
    assertThat(metrics.getMetricsMap().get("master/tasks_lost")).isGreaterThanOrEqualTo(1.0);
    GetStateResponse state = (GetStateResponse) operatorCall("GetState", GetStateRequest.getDefaultInstance());
    assertThat(state.getAgentsList()).noneMatch(a -> a.getAgentInfo().getId().getValue().equals(agentId));

    // Marking it again succeeds and changes nothing (idempotent), on every door.
    assertThat(post(markGone(agentId)).status()).isEqualTo(200);
    operator.markAgentGone(MarkAgentGoneRequest.newBuilder().setAgentId(AgentID.newBuilder().setValue(agentId))
        .build()).await(30, TimeUnit.SECONDS);
    assertThat(aware.updates("aware-task")).filteredOn(s -> s.getState() == TaskState.TASK_GONE_BY_OPERATOR
        && s.getReason() == TaskStatus.Reason.REASON_AGENT_REMOVED_BY_OPERATOR).hasSize(1);

    // An agent that still holds the gone id (e.g. restored from a backup) re-registers, is
    // refused for good, forgets that identity and stops.
    Path stale = Files.createTempDirectory("meso-gone-stale");
    Files.createDirectories(TaskCheckpoint.agentIdFile(stale).getParent());
    Files.writeString(TaskCheckpoint.agentIdFile(stale), agentId + "\n");
    AgentVerticle staleAgent = new AgentVerticle(new AgentOptions().setWorkDir(stale.toString())
        .setResources("cpus:1;mem:128;disk:10"));
    String staleDeployment = vertx.deployVerticle(staleAgent).await(30, TimeUnit.SECONDS);
    assertThat(staleAgent.agentId()).isEqualTo(agentId);
    assertThat(staleAgent.gone().await(60, TimeUnit.SECONDS)).contains("marked gone by the operator");
    assertThat(staleAgent.registered().isComplete()).isFalse();
    assertThat(TaskCheckpoint.agentIdFile(stale)).doesNotExist();
    assertThat(vertx.deploymentIDs()).doesNotContain(staleDeployment);

    // Restarted from the same work dir, the agent joins as a new agent with a new id.
    AgentVerticle restarted = new AgentVerticle(new AgentOptions().setWorkDir(workDir.toString())
        .setResources("cpus:4;mem:2048;disk:100"));
    vertx.deployVerticle(restarted).await(30, TimeUnit.SECONDS);
    String newId = restarted.registered().await(30, TimeUnit.SECONDS);
    assertThat(newId).isNotEqualTo(agentId);
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> Files.exists(TaskCheckpoint.agentIdFile(workDir)));
    assertThat(Files.readString(TaskCheckpoint.agentIdFile(workDir)).trim()).isEqualTo(newId);
    assertThat(((GetStateResponse) operatorCall("GetState", GetStateRequest.getDefaultInstance())).getAgentsList())
        .extracting(a -> a.getAgentInfo().getId().getValue()).containsExactly(newId);
  }

  @Test
  void badInputIsRefusedNamingTheFieldOrValueOnEveryDoor() throws Exception {
    AgentVerticle agent = new AgentVerticle(new AgentOptions().setWorkDir(Files.createTempDirectory("meso-gone-bad")
        .toString()).setResources("cpus:1;mem:128;disk:10"));
    vertx.deployVerticle(agent).await(30, TimeUnit.SECONDS);
    String agentId = agent.registered().await(30, TimeUnit.SECONDS);

    // HTTP
    Resp missing = post("{\"type\":\"MARK_AGENT_GONE\"}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body()).contains("mark_agent_gone.agent_id.value is missing");
    Resp noId = post("{\"type\":\"MARK_AGENT_GONE\",\"mark_agent_gone\":{}}");
    assertThat(noId.status()).isEqualTo(400);
    assertThat(noId.body()).contains("agent_id");
    Resp empty = post(markGone(""));
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.body()).contains("agent_id.value");
    Resp unknown = post(markGone("no-such-agent"));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body()).contains("'no-such-agent'").contains("nothing was marked gone");

    // gRPC
    ApiException grpcMissing = grpcFailure(operator.markAgentGone(MarkAgentGoneRequest.getDefaultInstance()));
    assertThat(grpcMissing.code()).isEqualTo(400);
    assertThat(grpcMissing.getMessage()).contains("agent_id is missing");
    ApiException grpcEmpty = grpcFailure(operator.markAgentGone(MarkAgentGoneRequest.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue("")).build()));
    assertThat(grpcEmpty.code()).isEqualTo(400);
    assertThat(grpcEmpty.getMessage()).contains("agent_id.value is empty");
    ApiException grpcUnknown = grpcFailure(operator.markAgentGone(MarkAgentGoneRequest.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue("ghost")).build()));
    assertThat(grpcUnknown.code()).isEqualTo(404);
    assertThat(grpcUnknown.getMessage()).contains("'ghost'");

    // Event bus
    DeliveryOptions action = new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "MarkAgentGone");
    ReplyException busMissing = busFailure(Addresses.OPERATOR, MarkAgentGoneRequest.getDefaultInstance(), action);
    assertThat(busMissing.failureCode()).isEqualTo(400);
    assertThat(busMissing.getMessage()).contains("agent_id is missing");
    ReplyException busUnknown = busFailure(Addresses.OPERATOR, MarkAgentGoneRequest.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue("ghost-2")).build(), new DeliveryOptions()
        .addHeader(Addresses.ACTION_HEADER, "MarkAgentGone"));
    assertThat(busUnknown.failureCode()).isEqualTo(404);
    assertThat(busUnknown.getMessage()).contains("'ghost-2'");
    ReplyException wrongBody = busFailure(Addresses.OPERATOR, GetStateRequest.getDefaultInstance(),
        new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "MarkAgentGone"));
    assertThat(wrongBody.failureCode()).isEqualTo(400);
    assertThat(wrongBody.getMessage()).contains("MarkAgentGoneRequest");
    ReplyException unknownAction = busFailure(Addresses.OPERATOR, GetStateRequest.getDefaultInstance(),
        new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "Bogus"));
    assertThat(unknownAction.getMessage()).contains("MarkAgentGone");

    // Nothing was marked: the agent still serves and the master keeps answering.
    GetStateResponse state = (GetStateResponse) operatorCall("GetState", GetStateRequest.getDefaultInstance());
    assertThat(state.getAgentsList()).extracting(a -> a.getAgentInfo().getId().getValue()).containsExactly(agentId);
    assertThat(agent.gone().isComplete()).isFalse();
    assertThat(agent.isConnected()).isTrue();
    assertThat(post("{\"type\":\"GET_HEALTH\"}").status()).isEqualTo(200);
  }
}
