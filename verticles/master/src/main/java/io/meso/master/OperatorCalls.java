package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.proto.AgentSummary;
import io.meso.proto.FrameworkSummary;
import io.meso.proto.GetStateResponse;
import io.meso.proto.GetTasksRequest;
import io.meso.proto.GetTasksResponse;
import io.meso.proto.KillTaskRequest;
import io.meso.proto.KillTaskResponse;
import io.meso.proto.ReadFileResponse;
import io.meso.proto.TaskSummary;
import io.meso.codecs.Addresses;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkID;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.List;

/**
 * Operator calls on {@link Addresses#OPERATOR}: cluster state, task listing (whole, or a page:
 * {@link TaskPages}), killing a task by
 * id, reading a file of a task's sandbox and a task's usage over time (both proxied to the agent
 * that holds the task); "MarkAgentGone"
 * (Mesos MARK_AGENT_GONE) is handled by {@link GoneAgents}.
 */
final class OperatorCalls {

  private static final long MAX_READ = 1 << 20;
  private final MasterVerticle m;

  private final RoleCalls roleCalls;
  private final TaskPages taskPages;

  OperatorCalls(MasterVerticle master) {
    this.m = master;
    this.roleCalls = new RoleCalls(master);
    this.taskPages = new TaskPages(master.state, master.authz);
  }

  void handle(Message<Object> message) {
    String action = message.headers().get(Addresses.ACTION_HEADER);
    String principal = Authorization.principal(message);
    try {
      if (action == null) {
        throw CallException.invalid("operator call without the '" + Addresses.ACTION_HEADER
            + "' header; expected " + io.meso.codecs.OperatorActions.expected());
      }
      switch (action) {
        case "GetState" -> message.reply(state(principal));
        case "GetTasks" -> message.reply(tasks(message.body() instanceof GetTasksRequest r ? r
            : GetTasksRequest.getDefaultInstance(), principal));
        case "GetTaskPage" -> message.reply(taskPages.page(expect(message, io.meso.proto.GetTaskPageRequest.class),
            principal));
        case "GetTaskCounts" -> message.reply(taskPages.counts(principal));
        case "KillTask" -> message.reply(kill(expect(message, KillTaskRequest.class), principal));
        case "ReadFile" -> readFile(message, expect(message, io.meso.proto.ReadFileRequest.class), principal);
        case "ListFiles" -> listFiles(message, expect(message, io.meso.proto.ListFilesRequest.class), principal);
        case "GetTaskUsage" -> taskUsage(message, expect(message, io.meso.proto.GetTaskUsageRequest.class), principal);
        case "GetMetrics" -> message.reply(metricsSnapshot());
        case "Teardown" -> message.reply(teardown(expect(message, io.meso.proto.TeardownRequest.class), principal));
        case "SetWeights", "GetRoles", "SetQuota", "GetQuota", "GetOfferSkips", "DrainAgent" ->
            roleCalls.handle(action, message, principal);
        case "MarkAgentGone" -> m.goneAgents.mark(message, expect(message, io.meso.proto.MarkAgentGoneRequest.class),
            principal);
        default -> throw CallException.invalid("operator action '" + action
            + "' is unknown; expected " + io.meso.codecs.OperatorActions.expected());
      }
    } catch (CallException e) {
      MasterVerticle.fail(message, e);
    }
  }

  private static <T> T expect(Message<Object> message, Class<T> type) {
    if (!type.isInstance(message.body())) {
      throw CallException.invalid("operator call body must be " + type.getSimpleName());
    }
    return type.cast(message.body());
  }

  /** The whole state, as an operator without ACLs sees it. */
  GetStateResponse state() {
    return state(null, false);
  }

  /** The state {@code principal} may see: view_agents (hostname or id) and view_frameworks (framework user). */
  GetStateResponse state(String principal) {
    return state(principal, true);
  }

  private GetStateResponse state(String principal, boolean filtered) {
    GetStateResponse.Builder state = GetStateResponse.newBuilder().setMasterInfo(m.state.masterInfo).setStartTime(m.startTime);
    for (AgentRecord agent : m.state.agents.values()) {
      if (filtered && !m.authz.allowsAgent(principal, io.meso.security.acl.AclAction.VIEW_AGENTS, agent, agent.id)) {
        continue;
      }
      Resources offered = Resources.EMPTY;
      for (String offerId : agent.offerIds) {
        offered = offered.plus(m.state.offers.get(offerId).resources());
      }
      AgentSummary.Builder summary = AgentSummary.newBuilder();
      if (agent.notReadyReason != null) {
        summary.setNotReadyReason(agent.notReadyReason);
      }
      int activeTasks = 0;
      for (java.util.Map<String, TaskRecord> byId : agent.tasks.values()) {
        activeTasks += byId.size();
      }
      state.addAgents(summary
          .setActiveTasks(activeTasks)
          .setAgentInfo(agent.info)
          .addAllTotal(agent.total.toProto())
          .addAllUsed(agent.used().toProto())
          .addAllOffered(offered.toProto())
          .setActive(agent.status == AgentRecord.Status.ACTIVE)
          .setDraining(m.policies.draining().contains(agent.id))
          .setRegisteredTime(agent.registeredAt));
    }
    for (FrameworkRecord framework : m.state.frameworks.values()) {
      if (filtered && !m.authz.allows(principal, io.meso.security.acl.AclAction.VIEW_FRAMEWORKS, framework.info.getUser())) {
        continue;
      }
      Resources used = Resources.EMPTY;
      int active = 0;
      for (TaskRecord task : framework.tasks.values()) {
        if (!task.terminal()) {
          used = used.plus(task.resources);
          active++;
        }
      }
      Resources offered = Resources.EMPTY;
      for (String offerId : framework.offerIds) {
        offered = offered.plus(m.state.offers.get(offerId).resources());
      }
      state.addFrameworks(FrameworkSummary.newBuilder()
          .setFrameworkInfo(framework.info)
          .setConnected(framework.connected())
          .setActiveTasks(active)
          .addAllUsed(used.toProto())
          .addAllOffered(offered.toProto()));
    }
    return state.build();
  }

  GetTasksResponse tasks(GetTasksRequest request) {
    return tasks(request, null, false);
  }

  /** The tasks {@code principal} may see: view_frameworks (framework user) and view_tasks (task user). */
  GetTasksResponse tasks(GetTasksRequest request, String principal) {
    return tasks(request, principal, true);
  }

  private GetTasksResponse tasks(GetTasksRequest request, String principal, boolean filtered) {
    GetTasksResponse.Builder response = GetTasksResponse.newBuilder();
    List<FrameworkRecord> all = new ArrayList<>(m.state.frameworks.values());
    if (request.getIncludeCompleted()) {
      all.addAll(m.state.completedFrameworks.values());
    }
    for (FrameworkRecord framework : all) {
      if (filtered && !m.authz.allows(principal, io.meso.security.acl.AclAction.VIEW_FRAMEWORKS, framework.info.getUser())) {
        continue;
      }
      for (TaskRecord task : framework.tasks.values()) {
        if (!filtered || m.authz.allows(principal, io.meso.security.acl.AclAction.VIEW_TASKS, Authorization.userOf(task.info, framework.info))) {
          response.addTasks(summary(framework, task));
        }
      }
      if (request.getIncludeCompleted()) {
        for (TaskRecord task : framework.completed) {
          if (!filtered || m.authz.allows(principal, io.meso.security.acl.AclAction.VIEW_TASKS,
              Authorization.userOf(task.info, framework.info))) {
            response.addTasks(summary(framework, task));
          }
        }
      }
    }
    return response.build();
  }

  private TaskSummary summary(FrameworkRecord framework, TaskRecord task) {
    return taskPages.summary(framework, task);
  }

  /** The info of the framework a task belongs to (active or removed), or null. */
  private io.meso.v1.FrameworkInfo frameworkOf(TaskRecord task) {
    FrameworkRecord framework = m.state.frameworks.get(task.frameworkId);
    if (framework == null) {
      framework = m.state.completedFrameworks.get(task.frameworkId);
    }
    return framework == null ? null : framework.info;
  }

  private TaskRecord find(io.meso.v1.TaskID taskId, FrameworkID frameworkId, boolean includeCompleted) {
    if (taskId == null || taskId.getValue().isEmpty()) {
      throw CallException.invalid("task_id is missing; name the task");
    }
    String id = taskId.getValue();
    TaskRecord found = null;
    List<FrameworkRecord> all = new ArrayList<>(m.state.frameworks.values());
    if (includeCompleted) {
      all.addAll(m.state.completedFrameworks.values());
    }
    for (FrameworkRecord framework : all) {
      if (frameworkId != null && !frameworkId.getValue().isEmpty() && !framework.id.equals(frameworkId.getValue())) {
        continue;
      }
      TaskRecord task = framework.tasks.get(id);
      if (task == null && includeCompleted) {
        for (TaskRecord c : framework.completed) {
          if (c.id().equals(id)) {
            task = c;
          }
        }
      }
      if (task != null) {
        if (found != null && !found.frameworkId.equals(task.frameworkId)) {
          throw CallException.invalid("task id '" + id + "' is used by two frameworks ('" + found.frameworkId
              + "' and '" + task.frameworkId + "'); also give framework_id");
        }
        found = task;
      }
    }
    if (found == null) {
      throw CallException.notFound("task '" + id + "' is unknown; `meso tasks --all` lists the tasks the master knows");
    }
    return found;
  }

  private KillTaskResponse kill(KillTaskRequest request, String principal) {
    TaskRecord task = find(request.getTaskId(), request.hasFrameworkId() ? request.getFrameworkId() : null, true);
    m.authz.check(principal, io.meso.security.acl.AclAction.KILL_TASKS, Authorization.principalOf(frameworkOf(task)));
    if (task.terminal()) {
      throw CallException.invalid("task '" + task.id() + "' already ended (" + task.state + ")");
    }
    m.state.launches.killTask(task, null);
    return KillTaskResponse.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId))
        .setAgentId(AgentID.newBuilder().setValue(task.agentId))
        .build();
  }

  private io.meso.proto.TeardownResponse teardown(io.meso.proto.TeardownRequest request, String principal) {
    String id = request.getFrameworkId().getValue();
    if (id.isEmpty()) {
      throw CallException.invalid("framework_id is missing; name the framework to tear down");
    }
    FrameworkRecord framework = m.state.frameworks.get(id);
    if (framework == null) {
      throw CallException.notFound("framework '" + id + "' is unknown"
          + (m.state.completedFrameworks.containsKey(id) ? " (it was already removed)" : ""));
    }
    m.authz.check(principal, io.meso.security.acl.AclAction.TEARDOWN_FRAMEWORKS, Authorization.principalOf(framework.info));
    m.state.removeFramework(framework, "an operator tore it down");
    return io.meso.proto.TeardownResponse.getDefaultInstance();
  }

  private void listFiles(Message<Object> message, io.meso.proto.ListFilesRequest request, String principal) {
    TaskRecord task = find(request.getTaskId(), request.hasFrameworkId() ? request.getFrameworkId() : null, true);
    m.authz.check(principal, io.meso.security.acl.AclAction.ACCESS_SANDBOXES, Authorization.userOf(task.info, frameworkOf(task)));
    AgentRecord agent = m.state.agents.get(task.agentId);
    if (agent == null || agent.status != AgentRecord.Status.ACTIVE) {
      throw new CallException(503, "agent '" + task.agentId + "' holding task '" + task.id() + "' is not reachable");
    }
    io.meso.proto.ListFilesRequest forward = io.meso.proto.ListFilesRequest.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId))
        .setTaskId(task.info.getTaskId())
        .setPath(request.getPath())
        .build();
    m.bus.<io.meso.proto.ListFilesResponse>request(Addresses.agent(agent.id), forward,
            new DeliveryOptions().setSendTimeout(10_000))
        .onSuccess(reply -> message.reply(reply.body().toBuilder().setAgentId(agent.id).build()))
        .onFailure(e -> {
          int code = e instanceof ReplyException re && re.failureCode() > 0 ? re.failureCode() : 503;
          message.fail(code, e.getMessage());
        });
  }

  /** Mesos-named flat metrics (master/..., allocator/mesos/...) and the allocation run histogram. */
  io.meso.proto.GetMetricsResponse metricsSnapshot() {
    java.util.Map<String, Double> v = new java.util.TreeMap<>();
    MasterMetrics c = m.state.metrics;
    java.util.Map<io.meso.v1.TaskState, Integer> byState = new java.util.EnumMap<>(io.meso.v1.TaskState.class);
    for (FrameworkRecord framework : m.state.frameworks.values()) {
      for (TaskRecord task : framework.tasks.values()) {
        byState.merge(task.state, 1, Integer::sum);
      }
      // Completed tasks the master still remembers count in their terminal state.
      for (TaskRecord task : framework.completed) {
        byState.merge(task.state, 1, Integer::sum);
      }
    }
    for (io.meso.v1.TaskState state : io.meso.v1.TaskState.values()) {
      // Ended states are all-time counts (as in Mesos); the others are how many tasks are in them now.
      double value = MasterMetrics.counted(state) ? c.ended.getOrDefault(state, 0L) : byState.getOrDefault(state, 0);
      v.put("master/" + state.name().toLowerCase(java.util.Locale.ROOT).replace("task_", "tasks_"), value);
    }
    int active = 0;
    int unreachable = 0;
    Resources total = Resources.EMPTY;
    Resources used = Resources.EMPTY;
    Resources offered = Resources.EMPTY;
    for (AgentRecord agent : m.state.agents.values()) {
      if (agent.status == AgentRecord.Status.ACTIVE) {
        active++;
        total = total.plus(agent.total);
        used = used.plus(agent.used());
      } else {
        unreachable++;
      }
    }
    for (OfferRecord offer : m.state.offers.values()) {
      offered = offered.plus(offer.resources());
    }
    v.put("master/slaves_active", (double) active);
    v.put("master/slaves_connected", (double) active);
    v.put("master/slaves_disconnected", (double) unreachable);
    v.put("master/slaves_unreachable", (double) unreachable);
    v.put("master/slave_unreachable_scheduled", (double) c.agentsMarkedUnreachable);
    int connected = 0;
    for (FrameworkRecord framework : m.state.frameworks.values()) {
      if (framework.connected()) {
        connected++;
      }
    }
    v.put("master/frameworks_active", (double) connected);
    v.put("master/frameworks_connected", (double) connected);
    v.put("master/frameworks_disconnected", (double) (m.state.frameworks.size() - connected));
    v.put("master/frameworks_inactive", (double) (m.state.frameworks.size() - connected));
    v.put("master/frameworks_completed", (double) m.state.completedFrameworks.size());
    for (String name : java.util.List.of("cpus", "mem", "disk", "gpus")) {
      double t = total.scalar(name);
      double u = used.scalar(name);
      v.put("master/" + name + "_total", t);
      v.put("master/" + name + "_used", u);
      v.put("master/" + name + "_percent", t == 0 ? 0 : u / t);
      v.put("master/" + name + "_offered", offered.scalar(name));
    }
    v.put("master/outstanding_offers", (double) m.state.offers.size());
    v.put("master/messages_decline_offers", (double) c.offersDeclined);
    v.put("master/offers_made", (double) c.offersMade);
    v.put("master/offers_declined", (double) c.offersDeclined);
    v.put("master/offers_rescinded", (double) c.offersRescinded);
    v.put("master/tasks_launched", (double) c.tasksLaunched);
    v.put("master/tasks_rejected", (double) c.tasksRejected);
    v.put("master/messages_status_update", (double) c.statusUpdatesReceived);
    v.put("master/status_updates_forwarded", (double) c.statusUpdatesForwarded);
    v.put("master/invalid_framework_to_executor_messages", 0.0);
    v.put("master/messages_invalid_calls", (double) c.invalidCalls);
    v.put("master/status_update_retries", (double) c.statusUpdateRetries);
    v.put("master/agents_reregistered_from_copy", (double) c.agentsReregisteredFromCopy);
    v.put("master/reregistration_digest_mismatches", (double) c.reregistrationDigestMismatches);
    v.put("master/reregistrations_repeated", (double) c.reregistrationsRepeated);
    v.put("master/tasks_reconciled_with_agents", (double) c.tasksReconciledWithAgents);
    v.put("master/elected", 1.0);
    v.put("master/uptime_secs", Tasks.nowSeconds() - m.startTime);
    v.put("allocator/mesos/allocation_runs", (double) c.allocationRuns);
    v.put("allocator/mesos/allocation_run_ms", c.lastAllocationRunSeconds * 1000);
    io.meso.allocator.verticle.AllocatorVerticle allocator = m.allocatorVerticle();
    if (allocator != null) {
      v.put("allocator/mesos/allocation_runs", (double) allocator.runCount());
      v.put("allocator/mesos/allocation_run_ms/max", allocator.maxRunNanos() / 1e6);
      v.put("allocator/mesos/allocation_run_ms/mean",
          allocator.runCount() == 0 ? 0 : allocator.totalRunNanos() / 1e6 / allocator.runCount());
      v.put("allocator/mesos/allocation_run_ms", allocator.lastRunNanos() / 1e6);
    }
    io.meso.proto.GetMetricsResponse.Builder r = io.meso.proto.GetMetricsResponse.newBuilder().putAllMetrics(v)
        .setAllocationRunSecondsSum(c.allocationRunSecondsSum);
    for (double b : MasterMetrics.ALLOCATION_RUN_BOUNDS) {
      r.addAllocationRunBounds(b);
    }
    for (long n : c.allocationRunCounts) {
      r.addAllocationRunCounts(n);
    }
    return r.build();
  }

  private void readFile(Message<Object> message, io.meso.proto.ReadFileRequest request, String principal) {
    TaskRecord task = find(request.getTaskId(), request.hasFrameworkId() ? request.getFrameworkId() : null, true);
    m.authz.check(principal, io.meso.security.acl.AclAction.ACCESS_SANDBOXES, Authorization.userOf(task.info, frameworkOf(task)));
    AgentRecord agent = m.state.agents.get(task.agentId);
    if (agent == null || agent.status != AgentRecord.Status.ACTIVE) {
      throw new CallException(503, "agent '" + task.agentId + "' holding task '" + task.id() + "' is not reachable");
    }
    if (request.getOffset() < 0) {
      throw CallException.invalid("offset is " + request.getOffset() + "; expected a byte offset >= 0");
    }
    long length = request.hasLength() ? request.getLength() : MAX_READ;
    if (length < 0) {
      throw CallException.invalid("length is " + length + "; expected a byte count >= 0");
    }
    io.meso.proto.ReadFileRequest forward = io.meso.proto.ReadFileRequest.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId))
        .setTaskId(task.info.getTaskId())
        .setPath(request.getPath())
        .setOffset(request.getOffset())
        .setLength(Math.min(length, MAX_READ))
        .build();
    m.bus.<ReadFileResponse>request(Addresses.agent(agent.id), forward,
            new DeliveryOptions().setSendTimeout(10_000))
        .onSuccess(reply -> message.reply(reply.body()))
        .onFailure(e -> {
          int code = e instanceof ReplyException re && re.failureCode() > 0 ? re.failureCode() : 503;
          message.fail(code, e.getMessage());
        });
  }

  /**
   * A task's usage over time: the samples are kept by the task's agent (a ring per task), so the
   * master only finds the agent and forwards the request there, once per operator request. An
   * agent that is not active, or does not answer, is a 503 naming it.
   */
  private void taskUsage(Message<Object> message, io.meso.proto.GetTaskUsageRequest request, String principal) {
    TaskRecord task = find(request.getTaskId(), request.hasFrameworkId() ? request.getFrameworkId() : null, true);
    m.authz.check(principal, io.meso.security.acl.AclAction.ACCESS_SANDBOXES, Authorization.userOf(task.info, frameworkOf(task)));
    AgentRecord agent = m.state.agents.get(task.agentId);
    if (agent == null || agent.status != AgentRecord.Status.ACTIVE) {
      throw new CallException(503, "agent '" + task.agentId + "' holding task '" + task.id() + "' is not reachable"
          + (agent == null ? " (it is no longer registered)" : " (the master lost contact with it)"));
    }
    io.meso.proto.GetTaskUsageRequest forward = io.meso.proto.GetTaskUsageRequest.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId))
        .setTaskId(task.info.getTaskId())
        .build();
    m.bus.<io.meso.proto.GetTaskUsageResponse>request(Addresses.agent(agent.id), forward,
            new DeliveryOptions().setSendTimeout(10_000))
        .onSuccess(reply -> message.reply(reply.body().toBuilder()
            .setTaskId(task.info.getTaskId())
            .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId))
            .setAgentId(AgentID.newBuilder().setValue(agent.id))
            .setState(task.state)
            .build()))
        .onFailure(e -> {
          if (e instanceof ReplyException re && re.failureCode() > 0) {
            message.fail(re.failureCode(), e.getMessage());
          } else {
            message.fail(503, "agent '" + agent.id + "' holding task '" + task.id() + "' did not answer: " + e.getMessage());
          }
        });
  }
}
