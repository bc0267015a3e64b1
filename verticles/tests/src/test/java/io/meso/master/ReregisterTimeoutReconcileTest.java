package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.ha.Registry;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A master elected on a one-member cluster finds an agent admitted by a previous leader in the
 * registry; the agent never re-registers. Once the re-register timeout passes it is recorded
 * unreachable, and reconciling a task on it (which this master never knew) answers
 * TASK_UNREACHABLE to a partition-aware framework, TASK_LOST to others.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReregisterTimeoutReconcileTest {

  @RegisterExtension
  final OneNodeFailover failover = new OneNodeFailover();

  @Test
  void agentThatNeverReregistersIsAnsweredUnreachableAfterTheTimeout() throws Exception {
    // What a previous leader (token 0) left: an admitted agent.
    failover.start().leftByPreviousLeader(AgentInfo.newBuilder().setHostname("late.test")
        .setId(AgentID.newBuilder().setValue("agent-late")).build(), "ACTIVE");
    failover.elect(new MasterOptions().setAllocationIntervalMillis(100), 1_000);
    Vertx node = failover.node;
    Registry registry = failover.registry;

    EventBusSchedulerClient awareClient = new EventBusSchedulerClient(node);
    FrameworkRecorder aware = new FrameworkRecorder(awareClient);
    awareClient.subscribe(FrameworkInfo.newBuilder().setName("aware").setUser("")
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
        .build(), aware::onEvent).await(30, TimeUnit.SECONDS);
    EventBusSchedulerClient plainClient = new EventBusSchedulerClient(node);
    FrameworkRecorder plain = new FrameworkRecorder(plainClient);
    plainClient.subscribe(FrameworkInfo.newBuilder().setName("plain").setUser("").build(), plain::onEvent)
        .await(30, TimeUnit.SECONDS);

    List<Call.Reconcile.Task> asked = List.of(Call.Reconcile.Task.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("t-late")).setAgentId(AgentID.newBuilder().setValue("agent-late"))
        .build());
    // Until the timeout the master stays silent about the agent's tasks; after it, it answers.
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> {
      awareClient.reconcile(asked).await(30, TimeUnit.SECONDS);
      return !aware.updates("t-late").isEmpty();
    });
    TaskStatus unreachable = aware.awaitUpdate("t-late", s -> true);
    assertThat(unreachable.getState()).isEqualTo(TaskState.TASK_UNREACHABLE);
    assertThat(unreachable.getReason()).isEqualTo(TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(unreachable.getMessage()).contains("agent-late").contains("did not re-register");
    assertThat(unreachable.getUnreachableTime().getNanoseconds()).isPositive();
    plainClient.reconcile(asked).await(30, TimeUnit.SECONDS);
    assertThat(plain.awaitUpdate("t-late", s -> true).getState()).isEqualTo(TaskState.TASK_LOST);
    // The registry records it unreachable too.
    await().atMost(FrameworkRecorder.TIMEOUT).until(() -> RegistryEntries.decode(registry.read(Registry.AGENTS)
        .get("agent-late")).label().equals("UNREACHABLE"));
    awareClient.close();
    plainClient.close();
  }
}
