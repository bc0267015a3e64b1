package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.meso.allocator.Resources;
import io.meso.codecs.TaskDigests;
import io.meso.internal.ReplicaBatch;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.TaskDigest;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.Task;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A leader's {@link ReplicaFeed} applied to a standby's {@link Replica}, with no bus: the copy
 * follows launches, updates, ends, re-registrations and removals, matches the digest the agent
 * would send, and is handed over only when it does.
 */
class ReplicaTest {

  final MasterStateHarness h = new MasterStateHarness();
  final Replica copy = new Replica();
  final List<ReplicaBatch> published = new ArrayList<>();

  ReplicaTest() {
    h.state.replicaFeed.start("leader-1", 7);
  }

  /** The leader publishes what changed since its last batch; the standby applies it. */
  void publish() {
    ReplicaBatch batch = h.state.replicaFeed.take();
    if (batch != null) {
      published.add(batch);
      copy.apply(batch);
      // The digest the copy keeps up to date is the one its tasks have now.
      for (String agentId : copy.agentIdSet()) {
        assertThat(TaskDigests.describe(copy.digest(agentId))).as("agent %s's kept digest", agentId)
            .isEqualTo(TaskDigests.describe(copy.digestOfTasks(agentId)));
      }
    }
  }

  /** Agent a1 (cpus:4;mem:1024), framework f, and task t1 (cpus:1;mem:128) of f launched on a1. */
  record Start(AgentRecord a1, FrameworkRecord f) {}

  Start t1OnA1() {
    AgentRecord a1 = h.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord f = h.framework("f", false);
    h.launch(f, h.offer(f, a1, "cpus:4;mem:1024"), "t1", "cpus:1;mem:128");
    return new Start(a1, f);
  }

  /** What an agent that runs {@code tasks} (id, state, latest uuid) of framework {@code f} sends instead of them. */
  static TaskDigest agentSays(String f, Object... tasks) {
    TaskDigests.Builder b = TaskDigests.builder();
    for (int i = 0; i < tasks.length; i += 3) {
      b.add(f, (String) tasks[i], (TaskState) tasks[i + 1], (ByteString) tasks[i + 2]);
    }
    return b.build();
  }

  @Test
  void theCopyFollowsLaunchesUpdatesAndEndsAndMatchesWhatTheAgentSays() {
    AgentRecord a1 = h.agent("a1", "cpus:4;mem:1024");
    AgentRecord a2 = h.agent("a2", "cpus:4;mem:1024");
    FrameworkRecord f = h.framework("f", false);
    h.launch(f, h.offer(f, a1, "cpus:4;mem:1024"), "t1", "cpus:1;mem:128");
    h.launch(f, h.offer(f, a1, "cpus:3;mem:896"), "t2", "cpus:1;mem:128");
    h.launch(f, h.offer(f, a2, "cpus:4;mem:1024"), "t3", "cpus:2;mem:256");
    publish();
    ByteString r1 = h.statusUpdate("a1", f, "t1", TaskState.TASK_RUNNING);
    ByteString r2 = h.statusUpdate("a1", f, "t2", TaskState.TASK_RUNNING);
    ByteString r3 = h.statusUpdate("a2", f, "t3", TaskState.TASK_RUNNING);
    ByteString done = h.statusUpdate("a1", f, "t2", TaskState.TASK_FINISHED);
    h.acknowledge(f, "a1", "t2", done);
    publish();

    assertThat(published).extracting(ReplicaBatch::getSeq).containsExactly(0L, 1L);
    assertThat(published).allSatisfy(b -> assertThat(b.getFence()).isEqualTo(7));
    assertThat(copy.taskCount()).as("t2 ended and was acknowledged: forgotten").isEqualTo(2);
    TaskDigest a1Says = agentSays(f.id, "t1", TaskState.TASK_RUNNING, r1);
    assertThat(copy.digest("a1")).isEqualTo(a1Says);
    assertThat(copy.digest("a2")).isEqualTo(agentSays(f.id, "t3", TaskState.TASK_RUNNING, r3));
    // The leader's own view gives the same digests.
    assertThat(DigestReadmission.held(h.state, "a1")).isEqualTo(a1Says);

    // A digest that differs (the agent's t1 finished while no master heard it) hands nothing over.
    assertThat(copy.take("a1", agentSays(f.id, "t1", TaskState.TASK_RUNNING, r2))).isNull();
    assertThat(copy.take("a1", TaskDigests.builder().build())).isNull();
    assertThat(copy.taskCount()).isEqualTo(2);

    AgentLifecycle.PreparedTasks taken = copy.take("a1", a1Says);
    assertThat(taken.taskIds()).containsExactly("t1");
    assertThat(taken.frameworkIds()).containsExactly(f.id);
    TaskRecord t1 = taken.fresh()[0];
    assertThat(t1.state).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(t1.agentId).isEqualTo("a1");
    assertThat(t1.resources).isEqualTo(Resources.parse("cpus:1;mem:128"));
    assertThat(t1.statuses).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_STAGING,
        TaskState.TASK_RUNNING);
    assertThat(t1.createdAt).isEqualTo(f.tasks.get("t1").createdAt);
    assertThat(copy.taskCount()).as("handed over: the copy forgets the agent").isEqualTo(1);
    assertThat(copy.take("a1", a1Says)).isNull();
  }

  @Test
  void whatTheLeaderDidNotPublishBeforeItDiedMakesTheDigestDiffer() {
    Start start = t1OnA1();
    AgentRecord a1 = start.a1();
    FrameworkRecord f = start.f();
    ByteString starting = h.statusUpdate("a1", f, "t1", TaskState.TASK_STARTING);
    publish();
    ByteString running = h.statusUpdate("a1", f, "t1", TaskState.TASK_RUNNING);
    // The leader dies here: its last changes never reach the standby.

    assertThat(copy.digest("a1")).isEqualTo(agentSays(f.id, "t1", TaskState.TASK_STARTING, starting));
    assertThat(copy.take("a1", agentSays(f.id, "t1", TaskState.TASK_RUNNING, running))).isNull();
  }

  @Test
  void aMissingBatchDropsTheCopyAndAnOlderLeadersBatchIsIgnored() {
    Start start = t1OnA1();
    AgentRecord a1 = start.a1();
    FrameworkRecord f = start.f();
    publish();
    h.launch(f, h.offer(f, a1, "cpus:3;mem:896"), "t2", "cpus:1;mem:128");
    h.state.replicaFeed.take(); // lost on the way
    h.launch(f, h.offer(f, a1, "cpus:2;mem:768"), "t3", "cpus:1;mem:128");
    publish();

    assertThat(copy.gaps).isEqualTo(1);
    assertThat(copy.taskCount()).as("only what came after the gap").isEqualTo(1);
    assertThat(copy.digest("a1").getTasks()).isEqualTo(1);
    // The same batch again changes nothing; one of an older term is ignored.
    copy.apply(published.get(published.size() - 1));
    copy.apply(ReplicaBatch.newBuilder().setMasterId("old").setFence(6).setSeq(0)
        .addChanges(io.meso.internal.ReplicaChange.newBuilder().setRemovedFramework(f.id)).build());
    assertThat(copy.taskCount()).isEqualTo(1);
    // A new leader's feed (a higher fence) goes on from its first batch.
    copy.apply(ReplicaBatch.newBuilder().setMasterId("leader-2").setFence(8).setSeq(0)
        .addChanges(io.meso.internal.ReplicaChange.newBuilder().setRemovedFramework(f.id)).build());
    assertThat(copy.taskCount()).isZero();
    assertThat(copy.gaps).isEqualTo(1);
  }

  @Test
  void reregistrationsRemovalsAndRestartsReplaceWhatTheCopyHas() {
    AgentRecord a1 = h.agent("a1", "cpus:4;mem:1024");
    AgentRecord a2 = h.agent("a2", "cpus:4;mem:1024");
    FrameworkRecord f = h.framework("f", false);
    FrameworkRecord g = h.framework("g", false);
    h.launch(f, h.offer(f, a1, "cpus:4;mem:1024"), "t1", "cpus:1;mem:128");
    h.launch(g, h.offer(g, a2, "cpus:4;mem:1024"), "t2", "cpus:1;mem:128");
    h.launch(f, h.offer(f, a2, "cpus:3;mem:896"), "t3", "cpus:1;mem:128");
    publish();
    assertThat(copy.taskCount()).isEqualTo(3);

    // a1 re-registers with a task the master did not know (and without t1): the copy has what was filed.
    TaskStatus running = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t9"))
        .setState(TaskState.TASK_RUNNING).setUuid(ByteString.copyFromUtf8("u9")).build();
    h.state.agentLifecycle.reregister(ReregisterAgentMessage.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().setHostname("a1.test").setId(AgentID.newBuilder().setValue("a1")))
        .addTasks(Task.newBuilder().setName("t9").setTaskId(TaskID.newBuilder().setValue("t9"))
            .setFrameworkId(FrameworkID.newBuilder().setValue(f.id)).setAgentId(AgentID.newBuilder().setValue("a1"))
            .setState(TaskState.TASK_RUNNING).addAllResources(Resources.parse("cpus:1;mem:64").toProto())
            .addStatuses(running))
        .build(), Resources.parse("cpus:4;mem:1024"));
    publish();
    assertThat(copy.digest("a1")).isEqualTo(agentSays(f.id, "t9", TaskState.TASK_RUNNING,
        ByteString.copyFromUtf8("u9")));
    assertThat(copy.digest("a1")).isEqualTo(DigestReadmission.held(h.state, "a1"));

    // Framework g removed: its task goes from a2's copy.
    h.state.removeFramework(g, "test");
    publish();
    assertThat(copy.digest("a2")).isEqualTo(DigestReadmission.held(h.state, "a2"));
    assertThat(copy.digest("a2").getTasks()).isEqualTo(1);

    // a2 marked gone: nothing of it is left. a1 registers anew (it lost its state): nothing of it either.
    h.state.agentLifecycle.markGone("a2", 0);
    h.agent("a1", "cpus:4;mem:1024");
    publish();
    assertThat(copy.taskCount()).isZero();
    assertThat(copy.isEmpty()).isTrue();
  }

  @Test
  void aStandbyThatStartsLateGetsACopyOfEverythingOutsideTheSequence() {
    Start start = t1OnA1();
    AgentRecord a1 = start.a1();
    FrameworkRecord f = start.f();
    ByteString r1 = h.statusUpdate("a1", f, "t1", TaskState.TASK_RUNNING);
    publish();
    publish();
    Replica late = new Replica();
    // What the leader sends a standby that asks: first the pending batch, then the parts.
    h.launch(f, h.offer(f, a1, "cpus:3;mem:896"), "t2", "cpus:1;mem:128");
    ReplicaBatch pending = h.state.replicaFeed.take();
    ReplicaBatch part = h.state.replicaFeed.snapshot(List.of(a1));
    assertThat(part.getSeq()).isEqualTo(-1);
    late.apply(pending);
    late.apply(part);
    ByteString r2 = h.statusUpdate("a1", f, "t2", TaskState.TASK_RUNNING);
    late.apply(h.state.replicaFeed.take());

    assertThat(late.digest("a1")).isEqualTo(agentSays(f.id, "t1", TaskState.TASK_RUNNING, r1, "t2",
        TaskState.TASK_RUNNING, r2));
    assertThat(late.gaps).isZero();
    assertThat(late.snapshotParts).isEqualTo(1);
  }

  @Test
  void aMasterThatIsNotFeedingGathersNothing() {
    h.state.replicaFeed.stop();
    Start start = t1OnA1();
    AgentRecord a1 = start.a1();
    FrameworkRecord f = start.f();
    assertThat(h.state.replicaFeed.take()).isNull();
  }
}
