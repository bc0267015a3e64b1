package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.proto.GetTasksRequest;
import io.meso.proto.GetTasksResponse;
import io.meso.proto.TaskSummary;
import io.meso.codecs.Addresses;
import io.meso.it.FrameworkRecorder;
import io.meso.it.Launches;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A removed framework's tasks end TASK_KILLED (REASON_FRAMEWORK_REMOVED) in the master's records,
 * not RUNNING forever; and subscribing and tearing down many empty frameworks does not push the
 * completed-task history of a real one out.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FrameworkRemovalHistoryTest {

  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    vertx = io.meso.it.LocalMasterAndAgent.start("meso-removal-history", "cpus:2;mem:1024");
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static Map<String, TaskSummary> allTasks() throws Exception {
    GetTasksResponse tasks = (GetTasksResponse) vertx.eventBus().request(Addresses.OPERATOR,
            GetTasksRequest.newBuilder().setIncludeCompleted(true).build(),
            new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetTasks"))
        .await(30, TimeUnit.SECONDS).body();
    return tasks.getTasksList().stream().collect(Collectors.toMap(t -> t.getTask().getTaskId().getValue(),
        Function.identity(), (a, b) -> b));
  }

  static double metric(String name) throws Exception {
    io.meso.proto.GetMetricsResponse metrics = (io.meso.proto.GetMetricsResponse) vertx.eventBus().request(
        Addresses.OPERATOR, io.meso.proto.GetMetricsRequest.getDefaultInstance(),
        new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, "GetMetrics")).await(30, TimeUnit.SECONDS).body();
    return metrics.getMetricsOrThrow(name);
  }

  @Test
  void removedFrameworksTasksEndKilledAndHistorySurvivesFrameworkChurn() throws Exception {
    EventBusSchedulerClient client = new EventBusSchedulerClient(vertx);
    FrameworkRecorder framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("doomed").setUser("").build(), framework::onEvent)
        .await(30, TimeUnit.SECONDS);
    Offer offer = framework.awaitOffer(0);
    client.accept(List.of(offer.getId()), List.of(Launches.launch(
        Launches.task("done", offer, "true", 0.1, 32),
        Launches.task("sleeper", offer, "sleep 600", 0.1, 32))), null).await(30, TimeUnit.SECONDS);
    framework.awaitUpdate("done", TaskState.TASK_FINISHED);
    framework.awaitUpdate("sleeper", TaskState.TASK_RUNNING);
    // "done" is acknowledged and moves to the completed history.
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> allTasks().get("done").getTask().getState()
        == TaskState.TASK_FINISHED && !allTasks().get("done").getTask().hasStatusUpdateUuid());

    client.teardown().await(30, TimeUnit.SECONDS);

    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> metric("master/frameworks_completed") == 1.0);
    Map<String, TaskSummary> tasks = allTasks();
    assertThat(tasks.get("sleeper").getTask().getState()).isEqualTo(TaskState.TASK_KILLED);
    TaskStatus last = tasks.get("sleeper").getTask().getStatuses(tasks.get("sleeper").getTask().getStatusesCount() - 1);
    assertThat(last.getReason()).isEqualTo(TaskStatus.Reason.REASON_FRAMEWORK_REMOVED);
    assertThat(last.getMessage()).contains("removed");
    assertThat(tasks.values()).noneMatch(t -> t.getTask().getState() == TaskState.TASK_RUNNING
        || t.getTask().getState() == TaskState.TASK_STARTING || t.getTask().getState() == TaskState.TASK_STAGING);
    assertThat(metric("master/tasks_running")).isZero();
    client.close();

    // Framework churn: more empty frameworks than any completed-frameworks bound.
    for (int i = 0; i < 110; i++) {
      EventBusSchedulerClient empty = new EventBusSchedulerClient(vertx);
      empty.subscribe(FrameworkInfo.newBuilder().setName("empty-" + i).setUser("").build(), e -> { })
          .await(30, TimeUnit.SECONDS);
      empty.teardown().await(30, TimeUnit.SECONDS);
      empty.close().await(30, TimeUnit.SECONDS);
    }
    tasks = allTasks();
    assertThat(tasks).containsKeys("done", "sleeper");
    assertThat(tasks.get("done").getTask().getState()).isEqualTo(TaskState.TASK_FINISHED);
    assertThat(metric("master/frameworks_completed")).isEqualTo(MasterOptions.DEFAULT_MAX_COMPLETED_FRAMEWORKS);
  }
}
