package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.meso.allocator.Resources;
import io.meso.allocator.verticle.AllocatorCommand;
import io.meso.ha.Registry;
import io.meso.internal.KillTaskMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.RunTaskMessage;
import io.meso.internal.ShutdownAgentMessage;
import io.meso.internal.ShutdownFrameworkMessage;
import io.meso.internal.StatusUpdateAcknowledgementMessage;
import io.meso.proto.MasterEvent;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Task;
import io.meso.v1.TaskState;
import io.meso.v1.scheduler.Event;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The master's state operations through a recording {@link MasterStateHarness}: no Vert.x, no
 * cluster. Each test is a scenario and asserts both the records and the effects the verticle
 * would carry out.
 */
class MasterStateTest {

  final MasterStateHarness h = new MasterStateHarness();

  @Test
  void launchRecordsTheTaskAndSendsItToItsAgentWithTheRestBackToTheAllocator() {
    AgentRecord agent = h.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord framework = h.framework("f", false);
    assertThat(h.events(framework, Event.Type.SUBSCRIBED)).hasSize(1);
    assertThat(h.registry).containsKeys(Registry.AGENTS + "/a1", Registry.FRAMEWORKS + "/" + framework.id);
    OfferRecord offer = h.offer(framework, agent, "cpus:4;mem:1024");
    assertThat(h.events(framework, Event.Type.OFFERS)).hasSize(1);
    h.clear();

    h.launch(framework, offer, "t1", "cpus:1;mem:128");

    assertThat(h.state.offers).isEmpty();
    assertThat(framework.tasks).containsKey("t1");
    assertThat(framework.tasks.get("t1").state).isEqualTo(TaskState.TASK_STAGING);
    assertThat(agent.used()).isEqualTo(Resources.parse("cpus:1;mem:128"));
    assertThat(h.toAgent("a1", RunTaskMessage.class)).singleElement()
        .satisfies(run -> assertThat(run.getTask().getTaskId().getValue()).isEqualTo("t1"));
    assertThat(h.commands(AllocatorCommand.RecoverResources.class)).singleElement().satisfies(r -> {
      assertThat(r.resources()).isEqualTo(Resources.parse("cpus:3;mem:896"));
      assertThat(r.refuseSeconds()).isEqualTo(5.0);
    });
    assertThat(h.publishedTypes()).containsExactly(MasterEvent.Type.TASK_ADDED);
    assertThat(h.state.metrics.tasksLaunched).isEqualTo(1);
  }

  @Test
  void aTaskWhoseIdIsTakenIsAnsweredTaskErrorAndNothingLaunches() {
    AgentRecord agent = h.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord framework = h.framework("f", false);
    h.launch(framework, h.offer(framework, agent, "cpus:2;mem:512"), "t1", "cpus:1;mem:128");
    h.clear();

    h.launch(framework, h.offer(framework, agent, "cpus:2;mem:512"), "t1", "cpus:1;mem:128");

    assertThat(h.updates(framework)).singleElement().asString().startsWith("t1:TASK_ERROR:");
    assertThat(h.toAgent("a1", RunTaskMessage.class)).isEmpty();
    assertThat(h.state.metrics.tasksRejected).isEqualTo(1);
  }

  @Test
  void aTerminalUpdateReleasesTheTaskButKeepsItUntilAcknowledged() {
    AgentRecord agent = h.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord framework = h.framework("f", false);
    h.launch(framework, h.offer(framework, agent, "cpus:4;mem:1024"), "t1", "cpus:1;mem:128");
    h.clear();

    h.statusUpdate("a1", framework, "t1", TaskState.TASK_RUNNING);
    ByteString finished = h.statusUpdate("a1", framework, "t1", TaskState.TASK_FINISHED);

    assertThat(h.updates(framework)).containsExactly("t1:TASK_RUNNING", "t1:TASK_FINISHED");
    assertThat(agent.used()).isEqualTo(Resources.EMPTY);
    assertThat(h.commands(AllocatorCommand.RecoverResources.class)).singleElement()
        .satisfies(r -> assertThat(r.resources()).isEqualTo(Resources.parse("cpus:1;mem:128")));
    assertThat(framework.tasks).containsKey("t1"); // the update is not acknowledged yet
    assertThat(framework.completed).isEmpty();

    h.acknowledge(framework, "a1", "t1", finished);

    assertThat(framework.tasks).isEmpty();
    assertThat(framework.completed).extracting(TaskRecord::id).containsExactly("t1");
    assertThat(h.toAgent("a1", StatusUpdateAcknowledgementMessage.class)).singleElement()
        .satisfies(ack -> assertThat(ack.getUuid()).isEqualTo(finished));
    assertThat(h.state.metrics.ended).containsEntry(TaskState.TASK_FINISHED, 1L);
  }

  @Test
  void unreachableThenGoneAgentEndsTasksAsTaskEndSaysForEachKindOfFramework() {
    AgentRecord agent = h.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord aware = h.framework("aware", true);
    FrameworkRecord plain = h.framework("plain", false);
    h.launch(aware, h.offer(aware, agent, "cpus:2;mem:512"), "ta", "cpus:1;mem:128");
    h.launch(plain, h.offer(plain, agent, "cpus:2;mem:512"), "tp", "cpus:1;mem:128");
    h.statusUpdate("a1", aware, "ta", TaskState.TASK_RUNNING);
    h.statusUpdate("a1", plain, "tp", TaskState.TASK_RUNNING);
    h.clear();

    h.state.agentLifecycle.markUnreachable(agent, "it went silent");

    assertThat(agent.status).isEqualTo(AgentRecord.Status.UNREACHABLE);
    assertThat(h.updates(aware)).containsExactly("ta:TASK_UNREACHABLE:REASON_AGENT_REMOVED");
    assertThat(h.updates(plain)).containsExactly("tp:TASK_LOST:REASON_AGENT_REMOVED");
    assertThat(h.events(aware, Event.Type.UPDATE).get(0).getUpdate().getStatus().hasUnreachableTime()).isTrue();
    assertThat(h.commands(AllocatorCommand.RemoveAgent.class)).extracting(AllocatorCommand.RemoveAgent::agentId)
        .containsExactly("a1");
    assertThat(RegistryEntries.decode(h.registry.get(Registry.AGENTS + "/a1")).label()).isEqualTo("UNREACHABLE");
    h.clear();

    int told = h.state.agentLifecycle.markGone("a1", 1.0);

    // The partition-aware framework learns the task is gone for good; the other was told TASK_LOST already.
    assertThat(told).isEqualTo(1);
    assertThat(h.updates(aware)).containsExactly("ta:TASK_GONE_BY_OPERATOR:REASON_AGENT_REMOVED_BY_OPERATOR");
    assertThat(h.updates(plain)).isEmpty();
    assertThat(aware.tasks).isEmpty();
    assertThat(plain.tasks).isEmpty();
    assertThat(aware.completed).extracting(TaskRecord::id).containsExactly("ta");
    assertThat(plain.completed).extracting(TaskRecord::id).containsExactly("tp");
    assertThat(h.state.agents).doesNotContainKey("a1");
    assertThat(h.state.isGone("a1")).isTrue();
    assertThat(h.registry).doesNotContainKey(Registry.AGENTS + "/a1");
    assertThat(h.toAgent("a1", ShutdownAgentMessage.class)).hasSize(1);
    assertThat(h.publishedTypes()).contains(MasterEvent.Type.AGENT_REMOVED);
  }

  @Test
  void anAgentBackFromUnreachableRunsItsTasksAgainOrHasTheLostOnesKilled() {
    AgentRecord agent = h.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord aware = h.framework("aware", true);
    FrameworkRecord plain = h.framework("plain", false);
    h.launch(aware, h.offer(aware, agent, "cpus:2;mem:512"), "ta", "cpus:1;mem:128");
    h.launch(plain, h.offer(plain, agent, "cpus:2;mem:512"), "tp", "cpus:1;mem:128");
    h.state.agentLifecycle.markUnreachable(agent, "it went silent");
    h.clear();

    AgentLifecycle.Reregistered back = h.state.agentLifecycle.reregister(ReregisterAgentMessage.newBuilder()
        .setAgentInfo(agent.info)
        .addTasks(running(aware, "ta"))
        .addTasks(running(plain, "tp"))
        .build(), Resources.parse("cpus:4;mem:1024"));

    assertThat(agent.status).isEqualTo(AgentRecord.Status.ACTIVE);
    assertThat(h.updates(aware)).containsExactly("ta:TASK_RUNNING:REASON_AGENT_REREGISTERED");
    assertThat(h.updates(plain)).isEmpty();
    assertThat(back.kill()).extracting(id -> id.getValue()).containsExactly("tp");
    assertThat(h.toAgent("a1", KillTaskMessage.class)).extracting(k -> k.getTaskId().getValue()).containsExactly("tp");
    assertThat(h.commands(AllocatorCommand.AddAgent.class)).singleElement()
        .satisfies(add -> assertThat(add.usedByFramework()).containsKeys(aware.id, plain.id));
  }

  @Test
  void anAgentReportingTheSameStatusesAgainDoesNotDoubleTheHistory() {
    AgentRecord agent = h.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord plain = h.framework("plain", false);
    io.meso.v1.TaskStatus started = io.meso.v1.TaskStatus.newBuilder()
        .setTaskId(io.meso.v1.TaskID.newBuilder().setValue("t1")).setState(TaskState.TASK_STARTING)
        .setSource(io.meso.v1.TaskStatus.Source.SOURCE_EXECUTOR).setTimestamp(1.5).build();
    io.meso.v1.TaskStatus running = started.toBuilder().setState(TaskState.TASK_RUNNING).setTimestamp(2.5)
        .setUuid(com.google.protobuf.ByteString.copyFromUtf8("u-running")).build();
    ReregisterAgentMessage report = ReregisterAgentMessage.newBuilder().setAgentInfo(agent.info)
        .addTasks(running(plain, "t1").toBuilder().addStatuses(started).addStatuses(running)).build();

    h.state.agentLifecycle.reregister(report, Resources.parse("cpus:4;mem:1024"));
    h.state.agentLifecycle.reregister(report, Resources.parse("cpus:4;mem:1024"));
    // A later status is still added.
    h.state.agentLifecycle.reregister(report.toBuilder().setTasks(0, report.getTasks(0).toBuilder()
        .addStatuses(running.toBuilder().setState(TaskState.TASK_KILLING).setTimestamp(3.5)
            .setUuid(com.google.protobuf.ByteString.copyFromUtf8("u-killing")))).build(),
        Resources.parse("cpus:4;mem:1024"));

    assertThat(plain.tasks.get("t1").statuses).extracting(io.meso.v1.TaskStatus::getState)
        .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_KILLING);
  }

  @Test
  void anAgentRegisteringAgainUnderItsIdLostItsTasks() {
    AgentRecord agent = h.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord aware = h.framework("aware", true);
    FrameworkRecord plain = h.framework("plain", false);
    h.launch(aware, h.offer(aware, agent, "cpus:2;mem:512"), "ta", "cpus:1;mem:128");
    h.launch(plain, h.offer(plain, agent, "cpus:2;mem:512"), "tp", "cpus:1;mem:128");
    h.clear();

    AgentRecord again = h.agent("a1", "cpus:4;mem:1024");

    assertThat(again).isNotSameAs(agent);
    assertThat(h.updates(aware)).containsExactly("ta:TASK_GONE:REASON_AGENT_RESTARTED");
    assertThat(h.updates(plain)).containsExactly("tp:TASK_LOST:REASON_AGENT_RESTARTED");
    assertThat(aware.tasks).isEmpty();
    assertThat(again.used()).isEqualTo(Resources.EMPTY);
  }

  @Test
  void removedFrameworksKillTheirTasksAndAreRememberedWithinTheBound() {
    MasterStateHarness bounded = new MasterStateHarness(new MasterOptions().setMaxCompletedFrameworks(2));
    AgentRecord agent = bounded.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord first = bounded.framework("first", false);
    bounded.launch(first, bounded.offer(first, agent, "cpus:1;mem:128"), "t1", "cpus:1;mem:128");
    bounded.clear();

    bounded.state.removeFramework(first, "it asked to be torn down");

    assertThat(bounded.updates(first)).isEmpty(); // the framework is gone: only an ERROR reaches it
    assertThat(bounded.events(first, Event.Type.ERROR)).hasSize(1);
    assertThat(bounded.toAgent("a1", ShutdownFrameworkMessage.class)).hasSize(1);
    assertThat(first.completed).singleElement().satisfies(t -> assertThat(t.state).isEqualTo(TaskState.TASK_KILLED));
    assertThat(bounded.commands(AllocatorCommand.RemoveFramework.class)).hasSize(1);
    assertThat(bounded.publishedTypes()).containsExactly(MasterEvent.Type.TASK_UPDATED,
        MasterEvent.Type.FRAMEWORK_REMOVED);

    FrameworkRecord second = bounded.framework("second", false);
    FrameworkRecord third = bounded.framework("third", false);
    bounded.state.removeFramework(second, "done");
    bounded.state.removeFramework(third, "done");

    // Two remembered: the oldest without remembered tasks (second) went first.
    assertThat(bounded.state.completedFrameworks.keySet()).containsExactly(first.id, third.id);
    assertThatThrownBy(() -> bounded.state.subscribe(first.info, Set.of(), "events-again"))
        .isInstanceOfSatisfying(CallException.class, e -> assertThat(e.code()).isEqualTo(403));
  }

  @Test
  void aDisconnectedFrameworkIsRemovedWhenItsFailoverTimeoutPasses() {
    AgentRecord agent = h.agent("a1", "cpus:4;mem:1024");
    FrameworkInfo info = FrameworkInfo.newBuilder().setName("f").setUser("").setFailoverTimeout(30).build();
    FrameworkRecord framework = h.state.subscribe(info, Set.of(), "events-f");
    h.offer(framework, agent, "cpus:4;mem:1024");
    h.clear();

    h.state.disconnectFramework(framework);

    assertThat(framework.connected()).isFalse();
    assertThat(h.state.offers).isEmpty();
    assertThat(h.commands(AllocatorCommand.DeactivateFramework.class)).hasSize(1);
    assertThat(h.timers.values()).singleElement().satisfies(t -> assertThat(t.delayMillis()).isEqualTo(30_000));

    h.fireTimers();

    assertThat(h.state.frameworks).isEmpty();
    assertThat(h.state.completedFrameworks).containsKey(framework.id);
  }

  @Test
  void reSubscribingInTimeCancelsTheFailoverTimer() {
    FrameworkInfo info = FrameworkInfo.newBuilder().setName("f").setUser("").setFailoverTimeout(60).build();
    FrameworkRecord framework = h.state.subscribe(info, Set.of(), "events-f");
    h.state.disconnectFramework(framework);

    h.state.subscribe(framework.info, Set.of(), "events-f2");

    assertThat(h.timers).isEmpty();
    assertThat(framework.eventsAddress).isEqualTo("events-f2");
    assertThat(h.commands(AllocatorCommand.ActivateFramework.class)).hasSize(1);
  }

  @Test
  void anUnansweredOfferIsRescindedWhenItTimesOut() {
    MasterStateHarness timed = new MasterStateHarness(new MasterOptions().setOfferTimeoutMillis(1_000));
    AgentRecord agent = timed.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord framework = timed.framework("f", false);
    OfferRecord offer = timed.offer(framework, agent, "cpus:4;mem:1024");
    timed.clear();

    timed.fireTimers();

    assertThat(timed.state.offers).isEmpty();
    assertThat(framework.offerIds).isEmpty();
    assertThat(timed.events(framework, Event.Type.RESCIND)).singleElement()
        .satisfies(e -> assertThat(e.getRescind().getOfferId().getValue()).isEqualTo(offer.id()));
    assertThat(timed.commands(AllocatorCommand.RecoverResources.class)).singleElement()
        .satisfies(r -> assertThat(r.resources()).isEqualTo(Resources.parse("cpus:4;mem:1024")));
  }

  @Test
  void allocationsTheWorldMovedOnFromGoBackToTheAllocator() {
    AgentRecord agent = h.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord framework = h.framework("f", false);
    h.state.agentLifecycle.markUnreachable(agent, "it went silent");
    h.clear();

    h.state.offer(new io.meso.allocator.verticle.AllocationBatch(List.of(
        new io.meso.allocator.Allocation(framework.id, "*", "a1", Resources.parse("cpus:1"))), 1_000));

    assertThat(h.state.offers).isEmpty();
    assertThat(h.events(framework, Event.Type.OFFERS)).isEmpty();
    assertThat(h.commands(AllocatorCommand.RecoverResources.class)).hasSize(1);
  }

  @Test
  void reconcilingUnknownTasksAnswersByWhatTheMasterKnowsOfTheirAgent() {
    AgentRecord agent = h.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord aware = h.framework("aware", true);
    FrameworkRecord plain = h.framework("plain", false);
    h.launch(aware, h.offer(aware, agent, "cpus:2;mem:512"), "known", "cpus:1;mem:128");
    h.statusUpdate("a1", aware, "known", TaskState.TASK_RUNNING);
    h.state.agentLifecycle.markUnreachable(agent, "it went silent");
    h.state.recoveringAgents.add("recovering");
    h.state.goneAgents.put("gone", 1.0);
    h.clear();

    List<io.meso.v1.scheduler.Call.Reconcile.Task> asked = List.of(reconcile("known", "a1"),
        reconcile("lost", "a1"), reconcile("other", "gone"), reconcile("later", "recovering"),
        reconcile("nowhere", "nobody"));
    h.state.reconciliation.reconcile(aware, asked, 0);
    h.state.reconciliation.reconcile(plain, asked.subList(1, asked.size()), 0);

    // Nothing is answered for an agent awaited after a failover: it reports its tasks when it re-registers.
    assertThat(h.updates(aware)).containsExactly("known:TASK_UNREACHABLE:REASON_RECONCILIATION",
        "lost:TASK_UNREACHABLE:REASON_RECONCILIATION", "other:TASK_GONE_BY_OPERATOR:REASON_RECONCILIATION",
        "nowhere:TASK_UNKNOWN:REASON_RECONCILIATION");
    assertThat(h.updates(plain)).containsExactly("lost:TASK_LOST:REASON_RECONCILIATION",
        "other:TASK_LOST:REASON_RECONCILIATION", "nowhere:TASK_LOST:REASON_RECONCILIATION");
    h.clear();

    // Without an agent id, nothing is answered while agents admitted before a failover are awaited.
    h.state.reconciliation.reconcile(aware, List.of(reconcile("nowhere", null)), 1);
    assertThat(h.updates(aware)).isEmpty();
  }

  @Test
  void reservingOfferedResourcesChangesTheAgentAndHasTheAllocatorReLearnIt() {
    AgentRecord agent = h.agent("a1", "cpus:4;mem:1024");
    FrameworkRecord framework = h.state.subscribe(FrameworkInfo.newBuilder().setName("eng").setUser("")
        .setRole("eng").build(), Set.of(), "events-eng");
    OfferRecord offer = h.offer(framework, agent, "cpus:4;mem:1024");
    h.clear();

    h.state.launches.accept(framework, List.of(offer), "a1", io.meso.v1.scheduler.Call.Accept.newBuilder()
        .addOfferIds(offer.offer().getId())
        .addOperations(io.meso.v1.Offer.Operation.newBuilder().setType(io.meso.v1.Offer.Operation.Type.RESERVE)
            .setReserve(io.meso.v1.Offer.Operation.Reserve.newBuilder()
                .addAllResources(Resources.parse("cpus(eng):1").toProto())))
        .build(), 5);

    assertThat(h.state.reservations.of("a1")).isEqualTo(Resources.parse("cpus(eng):1"));
    assertThat(agent.total).isEqualTo(Resources.parse("cpus:3;cpus(eng):1;mem:1024"));
    assertThat(h.registry).containsKey(Reservations.REGISTRY_SECTION + "/a1");
    assertThat(h.allocatorCommands).extracting(c -> c.getClass().getSimpleName())
        .containsExactly("RemoveAgent", "AddAgent");
  }

  private static Task running(FrameworkRecord framework, String taskId) {
    return Task.newBuilder().setName(taskId).setTaskId(io.meso.v1.TaskID.newBuilder().setValue(taskId))
        .setFrameworkId(framework.info.getId()).setAgentId(io.meso.v1.AgentID.newBuilder().setValue("a1"))
        .setState(TaskState.TASK_RUNNING).addAllResources(Resources.parse("cpus:1;mem:128").toProto()).build();
  }

  private static io.meso.v1.scheduler.Call.Reconcile.Task reconcile(String taskId, String agentId) {
    io.meso.v1.scheduler.Call.Reconcile.Task.Builder task = io.meso.v1.scheduler.Call.Reconcile.Task.newBuilder()
        .setTaskId(io.meso.v1.TaskID.newBuilder().setValue(taskId));
    if (agentId != null) {
      task.setAgentId(io.meso.v1.AgentID.newBuilder().setValue(agentId));
    }
    return task.build();
  }
}
