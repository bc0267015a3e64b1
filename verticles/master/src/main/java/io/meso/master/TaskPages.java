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
 * master's launch-order list ({@link TaskOrder}) from the requested end and builds messages only
 * for the page. It stops after the page when the total is known without counting (no ACLs, no
 * state or prefix filter); otherwise it walks on to count the matching tasks, one cheap check per
 * task and no allocation. An exact task id is looked up per framework instead of walked.
 */
final class TaskPages {

  private final MasterVerticle m;

  TaskPages(MasterVerticle master) {
    this.m = master;
  }

  GetTaskPageResponse page(GetTaskPageRequest request, String principal) {
    if (request.getLimit() < 0) {
      throw CallException.invalid("limit is " + request.getLimit() + "; expected a number of tasks >= 0");
    }
    if (request.getOffset() < 0) {
      throw CallException.invalid("offset is " + request.getOffset() + "; expected a number of tasks >= 0");
    }
    boolean acls = m.authz.configured();
    String frameworkId = request.getFrameworkId().isEmpty() ? null : request.getFrameworkId();
    if (!request.getTaskId().isEmpty()) {
      return byId(request, frameworkId, principal);
    }
    boolean scanFilter = request.hasState() || !request.getTaskIdPrefix().isEmpty();
    long knownTotal = -1;
    if (!acls && !scanFilter) {
      if (frameworkId == null) {
        knownTotal = m.state.taskOrder.size();
      } else {
        FrameworkRecord f = framework(frameworkId);
        knownTotal = f == null ? 0 : f.tasks.size() + f.completed.size();
      }
    }
    GetTaskPageResponse.Builder page = GetTaskPageResponse.newBuilder();
    long[] matched = {0};
    int offset = request.getOffset();
    int limit = request.getLimit();
    boolean stopAtPage = knownTotal >= 0;
    m.state.taskOrder.walk(request.getAscending(), task -> {
      if (frameworkId != null && !frameworkId.equals(task.frameworkId)) {
        return true;
      }
      if (request.hasState() && task.state != request.getState()) {
        return true;
      }
      if (!request.getTaskIdPrefix().isEmpty() && !task.id().startsWith(request.getTaskIdPrefix())) {
        return true;
      }
      FrameworkRecord framework = framework(task.frameworkId);
      if (framework == null || acls && !visible(principal, framework, task)) {
        return true;
      }
      long index = matched[0]++;
      if (index >= offset && page.getTasksCount() < limit) {
        page.addTasks(summary(framework, task));
      }
      return !(stopAtPage && page.getTasksCount() >= limit);
    });
    return page.setTotal(knownTotal >= 0 ? knownTotal : matched[0]).build();
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
      frameworks.addAll(m.state.frameworks.values());
      frameworks.addAll(m.state.completedFrameworks.values());
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
    GetTaskPageResponse.Builder page = GetTaskPageResponse.newBuilder().setTotal(order.size());
    for (int i = request.getOffset(); i < order.size() && page.getTasksCount() < request.getLimit(); i++) {
      int at = order.get(i);
      page.addTasks(summary(owners.get(at), found.get(at)));
    }
    return page.build();
  }

  private boolean visible(String principal, FrameworkRecord framework, TaskRecord task) {
    return m.authz.allows(principal, AclAction.VIEW_FRAMEWORKS, framework.info.getUser())
        && m.authz.allows(principal, AclAction.VIEW_TASKS, Authorization.userOf(task.info, framework.info));
  }

  private FrameworkRecord framework(String id) {
    FrameworkRecord f = m.state.frameworks.get(id);
    return f != null ? f : m.state.completedFrameworks.get(id);
  }

  TaskSummary summary(FrameworkRecord framework, TaskRecord task) {
    AgentRecord agent = m.state.agents.get(task.agentId);
    return TaskSummary.newBuilder()
        .setTask(task.toProto())
        .setHostname(agent == null ? "" : agent.hostname())
        .setFrameworkName(framework.info.getName())
        .setCreatedAt(task.createdAt)
        .build();
  }
}
