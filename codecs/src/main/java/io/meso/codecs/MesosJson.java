package io.meso.codecs;

import com.google.protobuf.Message;
import io.meso.proto.AgentSummary;
import io.meso.proto.FrameworkSummary;
import io.meso.proto.GetMetricsResponse;
import io.meso.proto.GetStateResponse;
import io.meso.proto.GetTasksResponse;
import io.meso.proto.MasterEvent;
import io.meso.proto.TaskSummary;
import io.meso.v1.Resource;
import io.meso.v1.Task;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the master's operator replies as Mesos renders its endpoints: the v0 {@code /state}
 * and {@code /state-summary} documents (resources as {"cpus": 1.0, ...}, ids as strings), and
 * the v1 operator API responses (protobuf JSON with proto field names). Part of the wire
 * contract, so it lives with the codecs: the operator HTTP API ({@code io.meso.api.operator})
 * answers with these documents and the web UI's event stream sends {@link #event} records.
 */
public final class MesosJson {

  private MesosJson() {}

  public static JsonObject proto(Message message) {
    return ProtoJson.toJsonObject(message);
  }

  /** Mesos v0 resources object: scalars by name, ranges as "[a-b, c-d]", sets as "{a, b}". */
  static JsonObject resources(List<Resource> resources) {
    JsonObject out = new JsonObject();
    for (String name : List.of("cpus", "mem", "disk", "gpus")) {
      out.put(name, 0.0);
    }
    for (Resource r : resources) {
      switch (r.getType()) {
        case SCALAR -> out.put(r.getName(), out.getDouble(r.getName(), 0.0) + r.getScalar().getValue());
        case RANGES -> {
          StringBuilder s = new StringBuilder("[");
          for (var range : r.getRanges().getRangeList()) {
            if (s.length() > 1) {
              s.append(", ");
            }
            s.append(range.getBegin()).append('-').append(range.getEnd());
          }
          out.put(r.getName(), s.append(']').toString());
        }
        case SET -> out.put(r.getName(), "{" + String.join(", ", r.getSet().getItemList()) + "}");
        default -> { }
      }
    }
    return out;
  }

  static JsonObject v0Task(TaskSummary summary) {
    Task t = summary.getTask();
    JsonArray statuses = new JsonArray();
    for (TaskStatus s : t.getStatusesList()) {
      JsonObject status = new JsonObject().put("state", s.getState().name()).put("timestamp", s.getTimestamp());
      if (s.hasMessage()) {
        status.put("message", s.getMessage());
      }
      if (s.hasReason()) {
        status.put("reason", s.getReason().name());
      }
      if (s.hasSource()) {
        status.put("source", s.getSource().name());
      }
      statuses.add(status);
    }
    return new JsonObject()
        .put("id", t.getTaskId().getValue())
        .put("name", t.getName())
        .put("framework_id", t.getFrameworkId().getValue())
        .put("executor_id", "")
        .put("slave_id", t.getAgentId().getValue())
        .put("agent_id", t.getAgentId().getValue())
        .put("hostname", summary.getHostname())
        .put("state", t.getState().name())
        .put("resources", resources(t.getResourcesList()))
        .put("statuses", statuses)
        .put("created_at", summary.getCreatedAt());
  }

  static JsonObject v0Agent(AgentSummary a) {
    JsonObject attributes = new JsonObject();
    for (var attr : a.getAgentInfo().getAttributesList()) {
      attributes.put(attr.getName(), attr.hasText() ? attr.getText().getValue()
          : attr.hasScalar() ? (Object) attr.getScalar().getValue() : attr.toString());
    }
    JsonObject agent = new JsonObject()
        .put("id", a.getAgentInfo().getId().getValue())
        .put("hostname", a.getAgentInfo().getHostname())
        .put("port", a.getAgentInfo().getPort())
        .put("pid", "slave(1)@" + a.getAgentInfo().getHostname() + ":" + a.getAgentInfo().getPort())
        .put("registered_time", a.getRegisteredTime())
        .put("active", a.getActive())
        .put("deactivated", a.getDraining())
        .put("attributes", attributes)
        .put("resources", resources(a.getTotalList()))
        .put("used_resources", resources(a.getUsedList()))
        .put("offered_resources", resources(a.getOfferedList()))
        .put("unreserved_resources", resources(a.getTotalList()));
    if (a.hasNotReadyReason()) {
      // Meso's own: the agent answers pings but says it is not fully serving, and why.
      agent.put("not_ready_reason", a.getNotReadyReason());
    }
    return agent;
  }

  static JsonObject v0Framework(FrameworkSummary f, List<TaskSummary> tasks) {
    JsonArray active = new JsonArray();
    JsonArray completed = new JsonArray();
    for (TaskSummary t : tasks) {
      (TaskStates.COMPLETED.contains(t.getTask().getState()) ? completed : active).add(v0Task(t));
    }
    var info = f.getFrameworkInfo();
    JsonArray roles = new JsonArray();
    info.getRolesList().forEach(roles::add);
    return new JsonObject()
        .put("id", info.getId().getValue())
        .put("name", info.getName())
        .put("user", info.getUser())
        .put("role", info.getRole())
        .put("roles", roles.isEmpty() ? new JsonArray().add(info.getRole()) : roles)
        .put("hostname", info.getHostname())
        .put("failover_timeout", info.getFailoverTimeout())
        .put("active", f.getConnected())
        .put("connected", f.getConnected())
        .put("tasks", active)
        .put("completed_tasks", completed)
        .put("used_resources", resources(f.getUsedList()))
        .put("offered_resources", resources(f.getOfferedList()))
        .put("resources", resources(f.getUsedList()));
  }

  static Map<String, List<TaskSummary>> tasksByFramework(GetTasksResponse tasks) {
    Map<String, List<TaskSummary>> by = new LinkedHashMap<>();
    for (TaskSummary t : tasks.getTasksList()) {
      by.computeIfAbsent(t.getTask().getFrameworkId().getValue(), k -> new java.util.ArrayList<>()).add(t);
    }
    return by;
  }

  /** Mesos's {@code /tasks} document: {@code {"tasks": [...]}}, each task as in {@code /state}. */
  public static JsonObject taskPage(io.meso.proto.GetTaskPageResponse page) {
    JsonArray tasks = new JsonArray();
    for (TaskSummary t : page.getTasksList()) {
      tasks.add(v0Task(t));
    }
    return new JsonObject().put("tasks", tasks);
  }

  /** The v0 {@code /state} document. */
  public static JsonObject state(GetStateResponse state, GetTasksResponse tasks) {
    var info = state.getMasterInfo();
    String pid = "master@" + info.getHostname() + ":" + info.getPort();
    Map<String, List<TaskSummary>> by = tasksByFramework(tasks);
    JsonArray agents = new JsonArray();
    int activated = 0;
    for (AgentSummary a : state.getAgentsList()) {
      agents.add(v0Agent(a));
      activated += a.getActive() ? 1 : 0;
    }
    JsonArray frameworks = new JsonArray();
    for (FrameworkSummary f : state.getFrameworksList()) {
      frameworks.add(v0Framework(f, by.getOrDefault(f.getFrameworkInfo().getId().getValue(), List.of())));
    }
    return new JsonObject()
        .put("version", info.getVersion())
        .put("id", info.getId())
        .put("pid", pid)
        .put("hostname", info.getHostname())
        .put("start_time", state.getStartTime())
        .put("elected_time", state.getStartTime())
        .put("leader", pid)
        .put("leader_info", proto(info))
        .put("activated_slaves", activated)
        .put("deactivated_slaves", state.getAgentsCount() - activated)
        .put("slaves", agents)
        .put("frameworks", frameworks)
        .put("completed_frameworks", new JsonArray())
        .put("orphan_tasks", new JsonArray())
        .put("unregistered_frameworks", new JsonArray());
  }

  /**
   * A task as in {@code /state} and {@code /tasks}, for documents written a page at a time.
   */
  public static JsonObject v0TaskJson(TaskSummary summary) {
    return v0Task(summary);
  }

  /** A framework as in {@code /state}, without its {@code tasks} and {@code completed_tasks}. */
  public static JsonObject v0FrameworkWithoutTasks(FrameworkSummary f) {
    JsonObject fw = v0Framework(f, List.of());
    fw.remove("tasks");
    fw.remove("completed_tasks");
    return fw;
  }

  /** Whether a task goes in a framework's {@code completed_tasks} (else in its {@code tasks}). */
  public static boolean completed(TaskSummary summary) {
    return TaskStates.COMPLETED.contains(summary.getTask().getState());
  }

  /** The v0 {@code /state-summary} document: agents and frameworks with task counts by state. */
  public static JsonObject stateSummary(GetStateResponse state, GetTasksResponse tasks) {
    Map<String, Map<String, Integer>> byAgent = new TreeMap<>();
    Map<String, Map<String, Integer>> byFramework = new TreeMap<>();
    countTasks(tasks.getTasksList(), byAgent, byFramework);
    return stateSummary(state, byAgent, byFramework);
  }

  /** Adds these tasks to the per-agent and per-framework counts by state (for {@code /state-summary} a page at a time). */
  public static void countTasks(List<TaskSummary> tasks, Map<String, Map<String, Integer>> byAgent,
      Map<String, Map<String, Integer>> byFramework) {
    for (TaskSummary t : tasks) {
      String s = t.getTask().getState().name();
      byAgent.computeIfAbsent(t.getTask().getAgentId().getValue(), k -> new TreeMap<>()).merge(s, 1, Integer::sum);
      byFramework.computeIfAbsent(t.getTask().getFrameworkId().getValue(), k -> new TreeMap<>()).merge(s, 1, Integer::sum);
    }
  }

  /** The v0 {@code /state-summary} document from task counts by state per agent and per framework. */
  public static JsonObject stateSummary(GetStateResponse state, Map<String, Map<String, Integer>> byAgent,
      Map<String, Map<String, Integer>> byFramework) {
    JsonArray agents = new JsonArray();
    for (AgentSummary a : state.getAgentsList()) {
      JsonObject agent = v0Agent(a);
      String id = a.getAgentInfo().getId().getValue();
      countStates(agent, byAgent.getOrDefault(id, Map.of()));
      agents.add(agent);
    }
    JsonArray frameworks = new JsonArray();
    for (FrameworkSummary f : state.getFrameworksList()) {
      JsonObject fw = v0Framework(f, List.of());
      fw.remove("tasks");
      fw.remove("completed_tasks");
      countStates(fw, byFramework.getOrDefault(f.getFrameworkInfo().getId().getValue(), Map.of()));
      frameworks.add(fw);
    }
    return new JsonObject()
        .put("hostname", state.getMasterInfo().getHostname())
        .put("cluster", "meso")
        .put("slaves", agents)
        .put("frameworks", frameworks);
  }

  private static void countStates(JsonObject target, Map<String, Integer> counts) {
    for (TaskState s : TaskState.values()) {
      target.put(s.name(), counts.getOrDefault(s.name(), 0));
    }
  }

  public static JsonObject metricsSnapshot(GetMetricsResponse metrics) {
    JsonObject out = new JsonObject();
    new TreeMap<>(metrics.getMetricsMap()).forEach(out::put);
    return out;
  }

  // ---- v1 operator API -----------------------------------------------------------------

  public static JsonObject getAgents(GetStateResponse state) {
    JsonArray agents = new JsonArray();
    for (AgentSummary a : state.getAgentsList()) {
      agents.add(new JsonObject()
          .put("agent_info", proto(a.getAgentInfo()))
          .put("active", a.getActive())
          .put("deactivated", a.getDraining())
          .put("version", state.getMasterInfo().getVersion())
          .put("registered_time", new JsonObject().put("nanoseconds", (long) (a.getRegisteredTime() * 1e9)))
          .put("total_resources", protos(a.getTotalList()))
          .put("allocated_resources", protos(a.getUsedList()))
          .put("offered_resources", protos(a.getOfferedList()))
          // Meso's own: its non-terminal tasks, so a UI need not list tasks to count them.
          .put("active_tasks", a.getActiveTasks()));
      if (a.hasNotReadyReason()) {
        // Meso's own: the agent answers pings but says it is not fully serving, and why.
        agents.getJsonObject(agents.size() - 1).put("not_ready_reason", a.getNotReadyReason());
      }
      if (a.getDraining()) {
        // As Mesos 1.9+: a draining agent is deactivated and carries its drain state.
        agents.getJsonObject(agents.size() - 1).put("drain_info", new JsonObject().put("state", "DRAINING"));
      }
    }
    return new JsonObject().put("agents", agents).put("recovered_agents", new JsonArray());
  }

  public static JsonObject getFrameworks(GetStateResponse state) {
    JsonArray frameworks = new JsonArray();
    for (FrameworkSummary f : state.getFrameworksList()) {
      frameworks.add(new JsonObject()
          .put("framework_info", proto(f.getFrameworkInfo()))
          .put("active", f.getConnected())
          .put("connected", f.getConnected())
          .put("recovered", false)
          // Meso's own: its non-terminal tasks, so a UI need not list tasks to count them.
          .put("active_tasks", f.getActiveTasks())
          .put("allocated_resources", protos(f.getUsedList()))
          .put("offered_resources", protos(f.getOfferedList())));
    }
    return new JsonObject().put("frameworks", frameworks).put("completed_frameworks", new JsonArray());
  }

  public static JsonObject getTasks(GetTasksResponse tasks) {
    JsonArray active = new JsonArray();
    JsonArray completed = new JsonArray();
    for (TaskSummary t : tasks.getTasksList()) {
      (TaskStates.COMPLETED.contains(t.getTask().getState()) ? completed : active).add(proto(t.getTask()));
    }
    return new JsonObject().put("tasks", active).put("completed_tasks", completed);
  }

  /** GET_ROLES with the allocator's weights and shares and the roles' quota. */
  public static JsonObject getRoles(GetStateResponse state, io.meso.proto.GetRolesResponse allocatorRoles,
      io.meso.proto.GetQuotaResponse quotas) {
    JsonObject result = getRoles(state);
    Map<String, io.meso.proto.RoleInfo> byName = new TreeMap<>();
    allocatorRoles.getRolesList().forEach(r -> byName.put(r.getRole(), r));
    Map<String, io.meso.proto.RoleQuota> quotaByName = new TreeMap<>();
    quotas.getQuotasList().forEach(q -> quotaByName.put(q.getRole(), q));
    java.util.Set<String> listed = new java.util.HashSet<>();
    JsonArray roles = result.getJsonArray("roles");
    for (int i = 0; i < roles.size(); i++) {
      listed.add(roles.getJsonObject(i).getString("name"));
    }
    // Roles known only for their weight or quota are listed too.
    java.util.Set<String> extra = new java.util.TreeSet<>(byName.keySet());
    extra.addAll(quotaByName.keySet());
    extra.removeAll(listed);
    for (String name : extra) {
      roles.add(new JsonObject().put("name", name).put("weight", 1.0).put("frameworks", new JsonArray())
          .put("resources", new JsonArray()).put("allocated", new JsonObject()));
    }
    for (int i = 0; i < roles.size(); i++) {
      JsonObject role = roles.getJsonObject(i);
      io.meso.proto.RoleInfo info = byName.get(role.getString("name"));
      if (info != null) {
        role.put("weight", info.getWeight()).put("share", info.getShare());
      }
      io.meso.proto.RoleQuota quota = quotaByName.get(role.getString("name"));
      if (quota != null) {
        JsonObject guarantee = new JsonObject();
        quota.getGuaranteesList().forEach(q -> guarantee.put(q.getName(), q.getValue()));
        JsonObject limit = new JsonObject();
        quota.getLimitsList().forEach(q -> limit.put(q.getName(), q.getValue()));
        role.put("quota", new JsonObject().put("guarantee", guarantee).put("limit", limit));
      }
    }
    return result;
  }

  /** Roles in use: every framework role and "*", with their frameworks and allocated resources. */
  static JsonObject getRoles(GetStateResponse state) {
    Map<String, JsonArray> frameworks = new TreeMap<>();
    Map<String, List<Resource>> resources = new TreeMap<>();
    frameworks.put("*", new JsonArray());
    for (FrameworkSummary f : state.getFrameworksList()) {
      var info = f.getFrameworkInfo();
      List<String> roles = info.getRolesCount() > 0 ? info.getRolesList() : List.of(info.getRole());
      for (String role : roles) {
        frameworks.computeIfAbsent(role, k -> new JsonArray()).add(new JsonObject().put("value", info.getId().getValue()));
      }
      for (Resource r : f.getUsedList()) {
        String role = r.hasAllocationInfo() ? r.getAllocationInfo().getRole() : roles.get(0);
        resources.computeIfAbsent(role, k -> new java.util.ArrayList<>()).add(r);
      }
    }
    JsonArray roles = new JsonArray();
    frameworks.forEach((name, fws) -> roles.add(new JsonObject()
        .put("name", name)
        .put("weight", 1.0)
        .put("frameworks", fws)
        .put("resources", protos(resources.getOrDefault(name, List.of())))
        .put("allocated", resources(resources.getOrDefault(name, List.of())))));
    return new JsonObject().put("roles", roles);
  }

  public static JsonObject getMetrics(GetMetricsResponse metrics) {
    JsonArray list = new JsonArray();
    new TreeMap<>(metrics.getMetricsMap()).forEach((k, v) -> list.add(new JsonObject().put("name", k).put("value", v)));
    return new JsonObject().put("metrics", list);
  }

  static JsonArray protos(List<? extends Message> messages) {
    JsonArray out = new JsonArray();
    for (Message m : messages) {
      out.add(proto(m));
    }
    return out;
  }

  /** A master event as a Mesos v1 operator {@code Event} (TASK_ADDED, AGENT_REMOVED, ...). */
  public static JsonObject event(MasterEvent e) {
    JsonObject out = new JsonObject().put("type", e.getType().name());
    switch (e.getType()) {
      case TASK_ADDED -> out.put("task_added", new JsonObject().put("task", proto(e.getTask().getTask())));
      case TASK_UPDATED -> {
        JsonObject u = new JsonObject().put("status", proto(e.getStatus()));
        if (e.hasTask()) {
          Task t = e.getTask().getTask();
          u.put("framework_id", proto(t.getFrameworkId())).put("state", t.getState().name());
        } else {
          u.put("state", e.getStatus().getState().name());
        }
        out.put("task_updated", u);
      }
      case AGENT_ADDED -> out.put("agent_added", new JsonObject().put("agent", new JsonObject()
          .put("agent_info", proto(e.getAgent().getAgentInfo()))
          .put("active", e.getAgent().getActive())
          .put("total_resources", protos(e.getAgent().getTotalList()))));
      case AGENT_REMOVED -> out.put("agent_removed", new JsonObject().put("agent_id", proto(e.getAgentId())));
      case FRAMEWORK_ADDED -> out.put("framework_added", new JsonObject().put("framework", framework(e.getFramework())));
      case FRAMEWORK_UPDATED -> out.put("framework_updated", new JsonObject().put("framework", framework(e.getFramework())));
      case FRAMEWORK_REMOVED -> out.put("framework_removed",
          new JsonObject().put("framework_info", proto(e.getFramework().getFrameworkInfo())));
      default -> { }
    }
    return out;
  }

  private static JsonObject framework(FrameworkSummary f) {
    return new JsonObject().put("framework_info", proto(f.getFrameworkInfo()))
        .put("active", f.getConnected()).put("connected", f.getConnected()).put("recovered", false);
  }
}
