package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.proto.GetTasksRequest;
import io.meso.proto.GetTasksResponse;
import io.meso.proto.TaskSummary;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.internal.PingAgentMessage;
import io.meso.internal.PongAgentMessage;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.RunTaskMessage;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the master records for a task it ends is what the task's framework is told. The case: a
 * task's agent re-registers without reporting it. The master used to record TASK_LOST while
 * sending TASK_GONE to a partition-aware framework, so GET_TASKS and the framework disagreed.
 * The agent is faked on the event bus (it answers pings and takes the launch), so the task is
 * still STAGING in the master when the agent re-registers with no tasks.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TaskEndRecordedAsSentTest {

  static final String AGENT = "agent-forgetful";

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

  private static AgentInfo agentInfo() {
    return AgentInfo.newBuilder().setId(AgentID.newBuilder().setValue(AGENT)).setHostname(AGENT + ".test")
        .addAllResources(io.meso.allocator.Resources.parse("cpus:1;mem:128").toProto()).build();
  }

  @ParameterizedTest(name = "partition-aware={0}: told and recorded {1}")
  @CsvSource({"true, TASK_GONE", "false, TASK_LOST"})
  void taskNotReportedOnReregistration(boolean partitionAware, TaskState expected) throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100)))
        .await(30, TimeUnit.SECONDS);
    List<RunTaskMessage> launched = new CopyOnWriteArrayList<>();
    vertx.eventBus().consumer(Addresses.agent(AGENT), m -> {
      if (m.body() instanceof PingAgentMessage) {
        m.reply(PongAgentMessage.getDefaultInstance());
      } else if (m.body() instanceof RunTaskMessage run) {
        launched.add(run);
      }
    }).completion().await(30, TimeUnit.SECONDS);
    vertx.eventBus().request(Addresses.MASTER, RegisterAgentMessage.newBuilder().setAgentInfo(agentInfo()).build())
        .await(30, TimeUnit.SECONDS);

    client = new EventBusSchedulerClient(vertx);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    FrameworkInfo.Builder info = FrameworkInfo.newBuilder().setName("forgotten").setUser("");
    if (partitionAware) {
      info.addCapabilities(FrameworkInfo.Capability.newBuilder()
          .setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
    }
    client.subscribe(info.build(), framework::onEvent).await(30, TimeUnit.SECONDS);
    Offer offer = framework.awaitOffer(0);
    client.accept(List.of(offer.getId()), List.of(Launches.launch(Launches.task("t1", offer, "sleep 60", 0.5, 32))),
        null).await(30, TimeUnit.SECONDS);
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> !launched.isEmpty());

    vertx.eventBus().request(Addresses.MASTER, ReregisterAgentMessage.newBuilder().setAgentInfo(agentInfo()).build())
        .await(30, TimeUnit.SECONDS);

    TaskStatus told = framework.awaitUpdate("t1", s -> s.getSource() == TaskStatus.Source.SOURCE_MASTER
        && s.getState() != TaskState.TASK_STAGING);
    assertThat(told.getState()).isEqualTo(expected);
    assertThat(told.getReason()).isEqualTo(TaskStatus.Reason.REASON_AGENT_REREGISTERED);
    GetTasksResponse tasks = (GetTasksResponse) vertx.eventBus().request(Addresses.OPERATOR,
            GetTasksRequest.getDefaultInstance(), new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetTasks"))
        .await(30, TimeUnit.SECONDS).body();
    assertThat(tasks.getTasksList()).extracting(TaskSummary::getTask)
        .filteredOn(t -> t.getTaskId().getValue().equals("t1"))
        .singleElement()
        .satisfies(t -> {
          assertThat(t.getState()).as("recorded state").isEqualTo(told.getState());
          assertThat(t.getStatusesList()).last().extracting(TaskStatus::getState).isEqualTo(told.getState());
        });
  }
}
