package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.it.FrameworkRecorder;
import io.meso.scheduler.EventBusSchedulerClient;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After a failover, while an agent admitted by the previous leader has not re-registered, an
 * explicit reconciliation of a task WITHOUT an agent id is not answered (the task may be on that
 * agent; answering TASK_LOST would tell the framework a running task is gone), as in Mesos. Once
 * the agent has timed out, the same reconciliation is answered.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReconcileDuringFailoverTest {

  /** Long enough that the first reconciliation surely happens while the agent is still awaited. */
  static final long REREGISTER_TIMEOUT_MILLIS = 20_000;

  @RegisterExtension
  final OneNodeFailover failover = new OneNodeFailover();

  @Test
  void taskWithoutAgentIdIsNotAnsweredUntilEveryAwaitedAgentIsBackOrTimedOut() throws Exception {
    failover.start().leftByPreviousLeader(AgentInfo.newBuilder().setHostname("away.test")
        .setId(AgentID.newBuilder().setValue("agent-away")).build(), "ACTIVE");
    MasterVerticle master = failover.elect(new MasterOptions().setAllocationIntervalMillis(100),
        REREGISTER_TIMEOUT_MILLIS);
    Vertx node = failover.node;

    EventBusSchedulerClient client = new EventBusSchedulerClient(node);
    FrameworkRecorder recorder = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("reconciler").setUser("").build(), recorder::onEvent)
        .await(30, TimeUnit.SECONDS);

    List<Call.Reconcile.Task> anywhere = List.of(Call.Reconcile.Task.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("t-anywhere")).build());
    // A marker the master answers at once (an agent it never admitted): calls are handled, and
    // their answers delivered, in order, so once the marker's answer is here any answer to the
    // first reconciliation would be too.
    List<Call.Reconcile.Task> marker = List.of(Call.Reconcile.Task.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("t-marker")).setAgentId(AgentID.newBuilder().setValue("agent-never"))
        .build());
    client.reconcile(anywhere).await(30, TimeUnit.SECONDS);
    client.reconcile(marker).await(30, TimeUnit.SECONDS);
    assertThat(recorder.awaitUpdate("t-marker", s -> true).getState()).isEqualTo(TaskState.TASK_LOST);
    AtomicInteger awaited = new AtomicInteger();
    master.onContext(() -> awaited.set(master.agentManager.awaitedCount())).await(30, TimeUnit.SECONDS);
    assertThat(awaited.get()).as("the agent is still awaited when the answer is checked").isEqualTo(1);
    assertThat(recorder.updates("t-anywhere")).as("no answer while agent-away may still re-register").isEmpty();

    // Once the agent timed out (recorded unreachable) the master answers.
    await().atMost(FrameworkRecorder.TIMEOUT.plusMillis(REREGISTER_TIMEOUT_MILLIS)).until(() -> {
      client.reconcile(anywhere).await(30, TimeUnit.SECONDS);
      return !recorder.updates("t-anywhere").isEmpty();
    });
    TaskStatus answer = recorder.awaitUpdate("t-anywhere", s -> true);
    assertThat(answer.getState()).isEqualTo(TaskState.TASK_LOST);
    assertThat(answer.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(answer.getMessage()).contains("unknown to the master");
    master.onContext(() -> awaited.set(master.agentManager.awaitedCount())).await(30, TimeUnit.SECONDS);
    assertThat(awaited.get()).isZero();
    client.close();
  }
}
