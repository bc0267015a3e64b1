package io.meso.master;

import io.meso.proto.GetTaskPageRequest;
import io.meso.proto.GetTaskPageResponse;
import io.meso.proto.TaskSummary;
import io.meso.security.acl.AclAction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One page of the tasks (operator action {@code GetTaskPage}, Mesos's {@code /tasks}): active and
 * remembered completed tasks of active and removed frameworks, newest first unless ascending,
 * filtered by framework, task id (exact, or prefix), state and what the principal may see
 * (view_frameworks on the framework's user, view_tasks on the task's user, as {@code GetTasks}).
 *
 * <p>Runs on the master's event loop, so it never looks at more tasks than it must: it walks the
 * master's launch-order list ({@link TaskOrder}) and builds messages only for the page, stopping
 * at the first matching task past it (which says there is a next page). The total is given only
 * when it costs nothing (the principal may view every task, no state or prefix filter): counting would mean walking every
 * task, about 125 ms at a million on the event loop. With the total known, a page past the middle
 * is walked from the other end, so no page walks more than half the tasks. An exact task id is
 * looked up per framework instead of walked.
 */
final class TaskPages {

  private final MasterState state;
  private final Authorization authz;

  TaskPages(MasterState state, Authorization authz) {
    this.state = state;
    this.authz = authz;
  }

  GetTaskPageResponse page(GetTaskPageRequest request, String principal) {
    if (request.getLimit() < 0) {
      throw CallException.invalid("limit is " + request.getLimit() + "; expected a number of tasks >= 0");
    }
    if (request.getOffset() < 0) {
      throw CallException.invalid("offset is " + request.getOffset() + "; expected a number of tasks >= 0");
    }
    boolean acls = !authz.seesAllTasks(principal);
    String frameworkId = request.getFrameworkId().isEmpty() ? null : request.getFrameworkId();
    if (!request.getTaskId().isEmpty()) {
      return byId(request, frameworkId, principal);
    }
    boolean scanFilter = request.hasState() || !request.getTaskIdPrefix().isEmpty();
    long knownTotal = -1;
    if (!acls && !scanFilter) {
      if (frameworkId == null) {
        knownTotal = state.taskOrder.size();
      } else {
        FrameworkRecord f = framework(frameworkId);
        knownTotal = f == null ? 0 : f.taskOrder.size();
      }
    }
    long offset = request.getOffset();
    int limit = request.getLimit();
    boolean ascending = request.getAscending();
    boolean reversed = false;
    if (knownTotal >= 0 && offset >= knownTotal) {
      return GetTaskPageResponse.newBuilder().setTotal(knownTotal).setMore(false).build();
    }
    if (knownTotal >= 0 && offset > knownTotal / 2) {
      // A deep page is nearer the other end: walk from there and turn the page round.
      long end = Math.min(knownTotal, offset + limit);
      limit = (int) (end - offset);
      offset = knownTotal - end;
      ascending = !ascending;
      reversed = true;
    }
    List<TaskRecord> found = new ArrayList<>(Math.min(limit, 1024));
    long[] matched = {0};
    boolean[] more = {false};
    long skip = offset;
    int want = limit;
    // One framework's page walks only that framework's tasks.
    TaskOrder order = state.taskOrder;
    if (frameworkId != null) {
      FrameworkRecord f = framework(frameworkId);
      if (f == null) {
        return GetTaskPageResponse.newBuilder().setTotal(0).setMore(false).build();
      }
      order = f.taskOrder;
    }
    order.walk(ascending, task -> {
      if (frameworkId != null && !frameworkId.equals(task.frameworkId)
          || request.hasState() && task.state != request.getState()
          || !request.getTaskIdPrefix().isEmpty() && !task.id().startsWith(request.getTaskIdPrefix())) {
        return true;
      }
      if (acls) {
        FrameworkRecord framework = framework(task.frameworkId);
        if (framework == null || !visible(principal, framework, task)) {
          return true;
        }
      }
      long index = matched[0]++;
      if (index < skip) {
        return true;
      }
      if (found.size() < want) {
        found.add(task);
        return true;
      }
      // One match past the page: there is a next page.
      more[0] = true;
      return false;
    });
    if (reversed) {
      java.util.Collections.reverse(found);
    }
    GetTaskPageResponse.Builder page = GetTaskPageResponse.newBuilder();
    for (TaskRecord task : found) {
      FrameworkRecord framework = framework(task.frameworkId);
      if (framework != null) {
        page.addTasks(summary(framework, task));
      }
    }
    if (knownTotal >= 0) {
      page.setTotal(knownTotal).setMore(request.getOffset() + page.getTasksCount() < knownTotal);
    } else {
      page.setMore(more[0]);
    }
    return page.build();
  }

  /**
   * How many tasks the principal may see are in each state, per agent and per framework: one walk
   * of the launch-order list (about a tenth of a second at a million tasks on the event loop, where
   * paging through them all to count took seconds). The agent and framework of consecutive tasks
   * are mostly the same, so their counters are looked up once per run.
   */
  io.meso.proto.GetTaskCountsResponse counts(String principal) {
    boolean acls = !authz.seesAllTasks(principal);
    int states = 0;
    for (io.meso.v1.TaskState s : io.meso.v1.TaskState.values()) {
      states = Math.max(states, s.getNumber() + 1);
    }
    int width = states;
    java.util.Map<String, long[]> byAgent = new java.util.LinkedHashMap<>();
    java.util.Map<String, long[]> byFramework = new java.util.LinkedHashMap<>();
    Object[] last = {null, null, null, null}; // agent id, its counters, framework id, its counters
    state.taskOrder.walk(true, task -> {
      if (acls) {
        FrameworkRecord framework = framework(task.frameworkId);
        if (framework == null || !visible(principal, framework, task)) {
          return true;
        }
      }
      if (last[0] != task.agentId) {
        last[0] = task.agentId;
        last[1] = byAgent.computeIfAbsent(task.agentId, k -> new long[width]);
      }
      if (last[2] != task.frameworkId) {
        last[2] = task.frameworkId;
        last[3] = byFramework.computeIfAbsent(task.frameworkId, k -> new long[width]);
      }
      ((long[]) last[1])[task.state.getNumber()]++;
      ((long[]) last[3])[task.state.getNumber()]++;
      return true;
    });
    io.meso.proto.GetTaskCountsResponse.Builder counts = io.meso.proto.GetTaskCountsResponse.newBuilder();
    byAgent.forEach((id, n) -> addCounts(id, n, counts::addByAgent));
    byFramework.forEach((id, n) -> addCounts(id, n, counts::addByFramework));
    return counts.build();
  }

  private static void addCounts(String id, long[] n, java.util.function.Consumer<io.meso.proto.TaskCount> add) {
    for (int state = 0; state < n.length; state++) {
      if (n[state] > 0) {
        add.accept(io.meso.proto.TaskCount.newBuilder().setId(id)
            .setState(io.meso.v1.TaskState.forNumber(state)).setCount(n[state]).build());
      }
    }
  }

  /** Mesos's task_id: the task(s) with that id, in each framework's active tasks and completed history. */
  private GetTaskPageResponse byId(GetTaskPageRequest request, String frameworkId, String principal) {
    List<FrameworkRecord> frameworks = new ArrayList<>();
    if (frameworkId != null) {
      FrameworkRecord f = framework(frameworkId);
      if (f != null) {
        frameworks.add(f);
      }
    } else {
      frameworks.addAll(state.frameworks.values());
      frameworks.addAll(state.completedFrameworks.values());
    }
    String id = request.getTaskId();
    List<TaskRecord> found = new ArrayList<>();
    List<FrameworkRecord> owners = new ArrayList<>();
    for (FrameworkRecord f : frameworks) {
      TaskRecord active = f.tasks.get(id);
      if (active != null) {
        found.add(active);
        owners.add(f);
      }
      for (TaskRecord done : f.completed) {
        if (done.id().equals(id)) {
          found.add(done);
          owners.add(f);
        }
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < found.size(); i++) {
      boolean matches = (!request.hasState() || found.get(i).state == request.getState())
          && visible(principal, owners.get(i), found.get(i));
      if (matches) {
        order.add(i);
      }
    }
    Comparator<Integer> byCreated = Comparator.comparingDouble(i -> found.get(i).createdAt);
    order.sort(request.getAscending() ? byCreated : byCreated.reversed());
    GetTaskPageResponse.Builder page = GetTaskPageResponse.newBuilder().setTotal(order.size())
        .setMore(request.getOffset() + (long) request.getLimit() < order.size());
    for (int i = request.getOffset(); i < order.size() && page.getTasksCount() < request.getLimit(); i++) {
      int at = order.get(i);
      page.addTasks(summary(owners.get(at), found.get(at)));
    }
    return page.build();
  }

  private boolean visible(String principal, FrameworkRecord framework, TaskRecord task) {
    return authz.allows(principal, AclAction.VIEW_FRAMEWORKS, framework.info.getUser())
        && authz.allows(principal, AclAction.VIEW_TASKS, Authorization.userOf(task.info, framework.info));
  }

  private FrameworkRecord framework(String id) {
    FrameworkRecord f = state.frameworks.get(id);
    return f != null ? f : state.completedFrameworks.get(id);
  }

  TaskSummary summary(FrameworkRecord framework, TaskRecord task) {
    AgentRecord agent = state.agents.get(task.agentId);
    return TaskSummary.newBuilder()
        .setTask(task.toProto())
        .setHostname(agent == null ? "" : agent.hostname())
        .setFrameworkName(framework.info.getName())
        .setCreatedAt(task.createdAt)
        .build();
  }
}
