package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.proto.GetTaskPageRequest;
import io.meso.proto.GetTaskPageResponse;
import io.meso.security.acl.Acls;
import io.meso.v1.TaskState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The master's paged task listing ({@link TaskPages} over {@link TaskOrder}) on a real
 * {@link MasterState}: launch order newest first or oldest first, offsets, the filters, the
 * count of matching tasks, and the launch-order list following the tasks through completion,
 * the completed history's bound and a framework's removal (nothing forgotten stays listed).
 */
class TaskPagesTest {

  private static List<String> ids(GetTaskPageResponse page) {
    return page.getTasksList().stream().map(t -> t.getTask().getTaskId().getValue()).toList();
  }

  private static GetTaskPageRequest.Builder request() {
    return GetTaskPageRequest.newBuilder();
  }

  /** Launches {@code count} tasks named prefix0.. of one cpu each, one ACCEPT per task, in order. */
  private static void launch(MasterStateHarness h, FrameworkRecord framework, AgentRecord agent, String prefix,
      int count) {
    for (int i = 0; i < count; i++) {
      OfferRecord offer = h.offer(framework, agent, "cpus:1;mem:1");
      h.launch(framework, offer, prefix + i, "cpus:1;mem:1");
    }
  }

  @Test
  void pagesInLaunchOrderWithFiltersAndTotals() {
    MasterStateHarness h = new MasterStateHarness();
    AgentRecord agent = h.agent("a1", "cpus:100;mem:100");
    FrameworkRecord web = h.framework("web", false);
    FrameworkRecord batch = h.framework("batch", false);
    launch(h, web, agent, "w", 5);
    launch(h, batch, agent, "b", 3);
    launch(h, web, agent, "x", 2);
    TaskPages pages = new TaskPages(h.state, new Authorization(Acls.allowAll()));

    GetTaskPageResponse newest = pages.page(request().build(), null);
    assertThat(ids(newest)).containsExactly("x1", "x0", "b2", "b1", "b0", "w4", "w3", "w2", "w1", "w0");
    assertThat(newest.getTotal()).isEqualTo(10);
    assertThat(newest.getMore()).isFalse();
    // A page past the middle is walked from the other end: the same tasks in the same order.
    GetTaskPageResponse deep = pages.page(request().setLimit(3).setOffset(6).build(), null);
    assertThat(ids(deep)).containsExactly("w3", "w2", "w1");
    assertThat(deep.getMore()).isTrue();
    assertThat(ids(pages.page(request().setAscending(true).setLimit(3).setOffset(8).build(), null)))
        .containsExactly("x0", "x1");
    assertThat(ids(pages.page(request().setAscending(true).setLimit(3).setOffset(4).build(), null)))
        .containsExactly("w4", "b0", "b1");
    assertThat(ids(pages.page(request().setLimit(4).setOffset(8).build(), null))).containsExactly("w1", "w0");
    GetTaskPageResponse past = pages.page(request().setOffset(50).build(), null);
    assertThat(ids(past)).isEmpty();
    assertThat(past.getTotal()).isEqualTo(10);

    GetTaskPageResponse ofWeb = pages.page(request().setFrameworkId(web.id).setLimit(3).build(), null);
    assertThat(ids(ofWeb)).containsExactly("x1", "x0", "w4");
    assertThat(ofWeb.getTotal()).isEqualTo(7);
    assertThat(ids(pages.page(request().setFrameworkId(batch.id).setTaskId("b1").build(), null)))
        .containsExactly("b1");
    assertThat(ids(pages.page(request().setFrameworkId(web.id).setTaskId("b1").build(), null))).isEmpty();
    GetTaskPageResponse prefixed = pages.page(request().setTaskIdPrefix("w").setLimit(2).build(), null);
    assertThat(ids(prefixed)).containsExactly("w4", "w3");
    assertThat(prefixed.hasTotal()).as("counting would walk every task").isFalse();
    assertThat(prefixed.getMore()).isTrue();
    assertThat(pages.page(request().setTaskIdPrefix("w").setOffset(3).build(), null).getMore()).isFalse();

    // A finished, acknowledged task moves to the completed history and stays listed where it was launched.
    var uuid = h.statusUpdate(agent.id, batch, "b1", TaskState.TASK_FINISHED);
    h.acknowledge(batch, agent.id, "b1", uuid);
    assertThat(batch.tasks).doesNotContainKey("b1");
    GetTaskPageResponse finished = pages.page(request().setState(TaskState.TASK_FINISHED).build(), null);
    assertThat(ids(finished)).containsExactly("b1");
    assertThat(finished.getMore()).isFalse();
    assertThat(ids(pages.page(request().setLimit(5).build(), null))).containsExactly("x1", "x0", "b2", "b1", "b0");

    // Removing a framework keeps its tasks (killed, completed); the order list holds exactly what is listed.
    h.state.removeFramework(batch, "test");
    assertThat(ids(pages.page(request().setFrameworkId(batch.id).build(), null))).containsExactly("b2", "b1", "b0");
    assertThat(h.state.taskOrder.size()).isEqualTo(10);
    assertThat(batch.taskOrder.size()).isEqualTo(3);
    assertThat(web.taskOrder.size()).isEqualTo(7);
    assertThat(ids(pages.page(request().setFrameworkId("no-such-framework").build(), null))).isEmpty();
  }

  @Test
  void tasksTheHistoryForgetsLeaveTheList() {
    MasterStateHarness h = new MasterStateHarness(new MasterOptions().setMaxCompletedTasks(2));
    AgentRecord agent = h.agent("a1", "cpus:100;mem:100");
    FrameworkRecord web = h.framework("web", false);
    launch(h, web, agent, "t", 6);
    for (int i = 0; i < 5; i++) {
      var uuid = h.statusUpdate(agent.id, web, "t" + i, TaskState.TASK_FINISHED);
      h.acknowledge(web, agent.id, "t" + i, uuid);
    }
    TaskPages pages = new TaskPages(h.state, new Authorization(Acls.allowAll()));
    // Two completed tasks are remembered (t3, t4) beside the running t5.
    assertThat(ids(pages.page(request().build(), null))).containsExactly("t5", "t4", "t3");
    assertThat(h.state.taskOrder.size()).isEqualTo(3);
    assertThat(web.taskOrder.size()).isEqualTo(3);
    assertThat(ids(pages.page(request().setFrameworkId(web.id).setAscending(true).build(), null)))
        .containsExactly("t3", "t4", "t5");
    List<String> walked = new ArrayList<>();
    h.state.taskOrder.walk(true, t -> walked.add(t.id()));
    assertThat(walked).containsExactly("t3", "t4", "t5");
  }

  @Test
  void aTaskAnAgentReportsAnewReplacesItsRecordInTheList() {
    MasterStateHarness h = new MasterStateHarness();
    AgentRecord a1 = h.agent("a1", "cpus:100;mem:100");
    AgentRecord a2 = h.agent("a2", "cpus:100;mem:100");
    FrameworkRecord web = h.framework("web", false);
    launch(h, web, a1, "t", 3);
    // a2 re-registers reporting t0 as its own: the master's record of t0 is replaced, not doubled.
    h.state.agentLifecycle.reregister(io.meso.internal.ReregisterAgentMessage.newBuilder().setAgentInfo(a2.info)
        .addTasks(io.meso.v1.Task.newBuilder().setName("t0").setTaskId(io.meso.v1.TaskID.newBuilder().setValue("t0"))
            .setFrameworkId(web.info.getId()).setAgentId(io.meso.v1.AgentID.newBuilder().setValue(a2.id))
            .setState(TaskState.TASK_RUNNING).addAllResources(io.meso.allocator.Resources.parse("cpus:1;mem:1").toProto()))
        .build(), io.meso.allocator.Resources.parse("cpus:100;mem:100"));
    TaskPages pages = new TaskPages(h.state, new Authorization(Acls.allowAll()));
    GetTaskPageResponse all = pages.page(request().build(), null);
    assertThat(ids(all)).containsExactly("t0", "t2", "t1");
    assertThat(all.getTasks(0).getTask().getAgentId().getValue()).isEqualTo(a2.id);
    assertThat(h.state.taskOrder.size()).isEqualTo(3);
    assertThat(web.taskOrder.size()).isEqualTo(3);
  }

  @Test
  void aclsFilterThePageAndTheTotal() {
    MasterStateHarness h = new MasterStateHarness();
    AgentRecord agent = h.agent("a1", "cpus:100;mem:100");
    FrameworkRecord web = h.framework("web", false);
    launch(h, web, agent, "t", 4);
    // Tasks t0 and t2 run as alice, t1 and t3 as bob (the framework's user is "").
    for (String id : List.of("t0", "t1", "t2", "t3")) {
      TaskRecord task = web.tasks.get(id);
      TaskRecord asUser = new TaskRecord(task.info.toBuilder().setCommand(task.info.getCommand().toBuilder()
          .setUser(id.equals("t0") || id.equals("t2") ? "alice" : "bob")).build(), task.frameworkId,
          task.info.getAgentId(), task.resources, task.createdAt);
      TaskOrder.remove(h.state.taskOrder, web, task);
      web.tasks.put(id, asUser);
      TaskOrder.add(h.state.taskOrder, web, asUser);
    }
    Acls acls = Acls.parse("""
        {"permissive": true,
         "view_tasks": [{"principals": {"values": ["viewer"]}, "users": {"values": ["alice"]}},
                        {"principals": {"values": ["viewer"]}, "users": {"type": "NONE"}}]}""", "test");
    TaskPages pages = new TaskPages(h.state, new Authorization(acls));
    GetTaskPageResponse viewer = pages.page(request().setLimit(1).build(), "viewer");
    assertThat(ids(viewer)).containsExactly("t2");
    assertThat(viewer.getMore()).isTrue();
    assertThat(ids(pages.page(request().setOffset(1).build(), "viewer"))).containsExactly("t0");
    assertThat(ids(pages.page(request().setTaskId("t1").build(), "viewer"))).isEmpty();
    assertThat(ids(pages.page(request().build(), "admin"))).containsExactly("t3", "t2", "t1", "t0");
  }

  private static java.util.Map<String, Long> counts(List<io.meso.proto.TaskCount> counts) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (io.meso.proto.TaskCount c : counts) {
      assertThat(out.put(c.getId() + " " + c.getState(), c.getCount())).as("one entry per id and state").isNull();
    }
    return out;
  }

  @Test
  void countsPerAgentAndFrameworkByStateIncludeRememberedEndsAndFollowTheAcls() {
    MasterStateHarness h = new MasterStateHarness();
    AgentRecord a1 = h.agent("a1", "cpus:100;mem:100");
    AgentRecord a2 = h.agent("a2", "cpus:100;mem:100");
    FrameworkRecord web = h.framework("web", false);
    FrameworkRecord batch = h.framework("batch", false);
    launch(h, web, a1, "w", 3);
    launch(h, batch, a1, "b", 2);
    launch(h, web, a2, "v", 2);
    h.statusUpdate(a1.id, web, "w0", TaskState.TASK_RUNNING);
    h.statusUpdate(a1.id, web, "w1", TaskState.TASK_RUNNING);
    var uuid = h.statusUpdate(a2.id, web, "v0", TaskState.TASK_FINISHED);
    h.acknowledge(web, a2.id, "v0", uuid);
    h.statusUpdate(a1.id, batch, "b0", TaskState.TASK_FAILED);
    TaskPages pages = new TaskPages(h.state, new Authorization(Acls.allowAll()));

    var all = pages.counts(null);
    assertThat(counts(all.getByAgentList())).containsExactlyEntriesOf(new java.util.TreeMap<>(java.util.Map.of(
        "a1 TASK_RUNNING", 2L, "a1 TASK_STAGING", 2L, "a1 TASK_FAILED", 1L,
        "a2 TASK_FINISHED", 1L, "a2 TASK_STAGING", 1L)));
    assertThat(counts(all.getByFrameworkList())).containsExactlyEntriesOf(new java.util.TreeMap<>(java.util.Map.of(
        web.id + " TASK_RUNNING", 2L, web.id + " TASK_STAGING", 2L, web.id + " TASK_FINISHED", 1L,
        batch.id + " TASK_STAGING", 1L, batch.id + " TASK_FAILED", 1L)));
    // The same as counting every task of every page.
    long paged = pages.page(request().setLimit(1000).build(), null).getTasksCount();
    assertThat(all.getByAgentList().stream().mapToLong(io.meso.proto.TaskCount::getCount).sum()).isEqualTo(paged)
        .isEqualTo(7);

    // A principal who may see only the batch framework counts only its tasks.
    Acls acls = Acls.parse("""
        {"permissive": false,
         "view_frameworks": [{"principals": {"values": ["viewer"]}, "users": {"values": ["batch-user"]}}],
         "view_tasks": [{"principals": {"values": ["viewer"]}, "users": {"type": "ANY"}}]}""", "test");
    batch.info = batch.info.toBuilder().setUser("batch-user").build();
    var viewer = new TaskPages(h.state, new Authorization(acls)).counts("viewer");
    assertThat(counts(viewer.getByFrameworkList())).containsOnlyKeys(batch.id + " TASK_STAGING", batch.id + " TASK_FAILED");
    assertThat(counts(viewer.getByAgentList())).containsExactlyEntriesOf(new java.util.TreeMap<>(java.util.Map.of(
        "a1 TASK_STAGING", 1L, "a1 TASK_FAILED", 1L)));
  }

  @Test
  void negativeLimitOrOffsetIsRefusedNamingIt() {
    MasterStateHarness h = new MasterStateHarness();
    TaskPages pages = new TaskPages(h.state, new Authorization(Acls.allowAll()));
    assertThatThrownBy(() -> pages.page(request().setLimit(-1).build(), null))
        .hasMessageContaining("limit is -1; expected a number of tasks >= 0");
    assertThatThrownBy(() -> pages.page(request().setOffset(-5).build(), null))
        .hasMessageContaining("offset is -5; expected a number of tasks >= 0");
  }
}
