package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.internal.PingAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.RunTaskMessage;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.proto.GetTasksRequest;
import io.meso.proto.GetTasksResponse;
import io.meso.proto.TaskSummary;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A re-registering agent that does not report a task the master has on it is asked about it
 * (ReconcileTasksMessage in the master's answer, as a Mesos master does) instead of the task
 * being ended by the master: one whose launch never reached the agent is ended by the agent,
 * reliably (TASK_DROPPED to a partition-aware framework, else TASK_LOST, REASON_RECONCILIATION);
 * one whose launch crossed the re-registration (the agent got it after composing its message)
 * runs on, where the master used to end it while the agent ran it. A real master and a real agent
 * on one Vert.x; an event-bus interceptor loses one launch and delays another.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReconciliationWithTheAgentTest {

  Vertx vertx;
  EventBusSchedulerClient client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "partition-aware={0}: the lost launch ends {1}")
  @CsvSource({"true, TASK_DROPPED", "false, TASK_LOST"})
  void theAgentEndsATaskItNeverGotAndKeepsOneWhoseLaunchCrossedItsReregistration(boolean partitionAware,
      TaskState expected) throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    MasterVerticle master = new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100));
    vertx.deployVerticle(master).await(30, TimeUnit.SECONDS);
    List<String> dropped = new CopyOnWriteArrayList<>();
    AtomicReference<DeliveryContext<Object>> held = new AtomicReference<>();
    List<ReregisterAgentMessage> reregistrations = new CopyOnWriteArrayList<>();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      Object body = ctx.message().body();
      if (body instanceof RunTaskMessage run && run.getTask().getTaskId().getValue().equals("lost")) {
        dropped.add("lost"); // a launch that never reaches the agent
        return;
      }
      if (body instanceof RunTaskMessage run && run.getTask().getTaskId().getValue().equals("crossing")) {
        held.set(ctx); // delivered just before the agent's next re-registration reaches the master
        return;
      }
      if (body instanceof ReregisterAgentMessage r && !r.hasDigest()) { // (one by digest is refused first: no copy)
        reregistrations.add(r);
        DeliveryContext<Object> launch = held.getAndSet(null);
        if (launch != null) {
          launch.next();
        }
      }
      ctx.next();
    });
    AgentVerticle agent = new AgentVerticle(new AgentOptions()
        .setWorkDir(Files.createTempDirectory("meso-reconcile").toString()).setResources("cpus:4;mem:1024"));
    vertx.deployVerticle(agent).await(30, TimeUnit.SECONDS);
    String agentId = agent.registered().await(30, TimeUnit.SECONDS);

    client = new EventBusSchedulerClient(vertx);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setName("reconciled").setUser("");
    if (partitionAware) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
    }
    client.subscribe(info.build(), framework::onEvent).await(30, TimeUnit.SECONDS);
    Offer offer = framework.awaitOffer(0);
    client.accept(List.of(offer.getId()), List.of(Launches.launch(
        Launches.task("lost", offer, "sleep 600", 0.5, 32), Launches.task("crossing", offer, "sleep 600", 0.5, 32))),
        null).await(30, TimeUnit.SECONDS);
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> !dropped.isEmpty() && held.get() != null);

    // The master tells the agent it does not count it as connected: the agent re-registers with
    // what it runs (neither task), and "crossing" reaches it right before that message reaches the master.
    vertx.eventBus().send(Addresses.agent(agentId), PingAgentMessage.newBuilder().setConnected(false).build());
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> !reregistrations.isEmpty());
    assertThat(reregistrations.get(0).getTasksList()).as("what the agent reported").isEmpty();
    assertThat(reregistrations.get(0).getReconciles()).isTrue();

    TaskStatus ended = framework.awaitUpdate("lost", s -> s.getState() == expected);
    assertThat(ended.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
    assertThat(ended.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(ended.getMessage()).isEqualTo("Reconciliation: task unknown to the agent");
    TaskStatus running = framework.awaitUpdate("crossing", TaskState.TASK_RUNNING);
    assertThat(running.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
    assertThat(framework.updates("crossing")).extracting(TaskStatus::getState)
        .as("the task whose launch crossed the re-registration was never ended")
        .doesNotContain(TaskState.TASK_LOST, TaskState.TASK_GONE, TaskState.TASK_DROPPED);
    assertThat(master.metrics().tasksReconciledWithAgents).isEqualTo(2);

    // The master's record says the same as the framework was told; the agent's answer was acknowledged.
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> states().equals(
        Map.of("lost", expected, "crossing", TaskState.TASK_RUNNING)));
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> agent.pendingUpdates().await(30, TimeUnit.SECONDS) == 0);

    client.kill(TaskID.newBuilder().setValue("crossing").build(), running.getAgentId()).await(30, TimeUnit.SECONDS);
    framework.awaitUpdate("crossing", TaskState.TASK_KILLED);
  }

  private Map<String, TaskState> states() throws Exception {
    GetTasksResponse tasks = (GetTasksResponse) vertx.eventBus().request(Addresses.OPERATOR,
            GetTasksRequest.getDefaultInstance(), new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetTasks"))
        .await(30, TimeUnit.SECONDS).body();
    return tasks.getTasksList().stream().map(TaskSummary::getTask)
        .collect(Collectors.toMap(t -> t.getTaskId().getValue(), io.meso.v1.Task::getState, (a, b) -> b));
  }
}
