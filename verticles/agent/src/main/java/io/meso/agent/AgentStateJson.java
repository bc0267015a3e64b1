package io.meso.agent;

import io.meso.codecs.ProtoJson;
import io.meso.codecs.TaskStates;
import io.meso.executor.TaskUsage;
import io.meso.v1.Attribute;
import io.meso.v1.CommandInfo;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Resource;
import io.meso.v1.TaskInfo;
import io.meso.v1.Value;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The JSON of the agent's {@code /state} and {@code /monitor/statistics}, shaped as a Mesos 1.11
 * agent writes them (src/slave/http.cpp: {@code Http::state}, {@code Http::_statistics}, the
 * {@code ExecutorWriter} and {@code FrameworkWriter}): resources as an object of name to number
 * (scalars) or {@code "[a-b, c-d]"} (ranges) or {@code "{a, b}"} (sets); attributes as an object
 * of name to value. Each task runs under its own command executor, as in Mesos: executor id =
 * task id, named {@code Command Executor (Task: <id>) (Command: sh -c '<command>')}, source =
 * task id, directory = the sandbox. Running tasks are an executor's {@code tasks}; ended tasks
 * whose terminal update is not acknowledged yet are its {@code completed_tasks}.
 */
final class AgentStateJson {

  private AgentStateJson() {}

  /** {@code GET /state}, everything shown. */
  static JsonObject state(AgentView agent) {
    return state(agent, new AgentVisibility(io.meso.security.acl.Acls.allowAll(), null));
  }

  /**
   * {@code GET /state} as {@code visible} allows: a framework the caller may not view is left out,
   * and so is a task (with its executor and sandbox path) it may not view.
   */
  static JsonObject state(AgentView agent, AgentVisibility visible) {
    JsonObject state = new JsonObject()
        .put("version", AgentVerticle.VERSION)
        .put("start_time", agent.startMillis() / 1000.0)
        .put("id", agent.agentId())
        .put("pid", "slave(1)@" + agent.info().getHostname() + ":" + agent.info().getPort())
        .put("hostname", agent.info().getHostname())
        .put("port", agent.info().getPort())
        .put("resources", resources(agent.info().getResourcesList()))
        .put("attributes", attributes(agent.info().getAttributesList()))
        .put("registered", agent.registered());
    Map<String, JsonObject> frameworks = new LinkedHashMap<>();
    for (AgentTask task : agent.tasks()) {
      if (!visible.framework(task.framework)) {
        continue;
      }
      JsonObject framework = frameworks.computeIfAbsent(task.key.frameworkId(), id -> framework(task.framework));
      if (visible.task(task)) {
        framework.getJsonArray("executors").add(executor(agent.agentId(), task));
      }
    }
    return state.put("frameworks", new JsonArray(List.copyOf(frameworks.values())))
        .put("completed_frameworks", new JsonArray());
  }

  /** {@code GET /monitor/statistics}: one entry per running task. */
  static JsonArray statistics(List<TaskUsage> usage) {
    JsonArray entries = new JsonArray();
    for (TaskUsage u : usage) {
      String taskId = u.task().getTaskId().getValue();
      entries.add(new JsonObject()
          .put("executor_id", taskId)
          .put("executor_name", executorName(u.task()))
          .put("framework_id", u.frameworkId())
          .put("source", taskId)
          .put("statistics", ProtoJson.toJsonObject(u.statistics())));
    }
    return entries;
  }

  private static JsonObject framework(FrameworkInfo info) {
    JsonObject framework = new JsonObject()
        .put("id", info.getId().getValue())
        .put("name", info.getName())
        .put("user", info.getUser())
        .put("failover_timeout", info.getFailoverTimeout())
        .put("checkpoint", info.getCheckpoint())
        .put("hostname", info.getHostname());
    if (info.getRolesCount() > 0) {
      framework.put("roles", new JsonArray(List.copyOf(info.getRolesList())));
    } else {
      framework.put("role", info.getRole());
    }
    return framework.put("executors", new JsonArray()).put("completed_executors", new JsonArray());
  }

  private static JsonObject executor(String agentId, AgentTask task) {
    String taskId = task.key.taskId();
    JsonArray running = new JsonArray();
    JsonArray completed = new JsonArray();
    (TaskStates.isTerminal(task.state) ? completed : running).add(task(agentId, task));
    return new JsonObject()
        .put("id", taskId)
        .put("name", executorName(task.info))
        .put("source", taskId)
        .put("container", "")
        .put("directory", task.sandbox.toString())
        .put("resources", resources(task.info.getResourcesList()))
        .put("tasks", running)
        .put("queued_tasks", new JsonArray())
        .put("completed_tasks", completed);
  }

  private static JsonObject task(String agentId, AgentTask task) {
    JsonObject json = new JsonObject()
        .put("id", task.key.taskId())
        .put("name", task.info.getName())
        .put("framework_id", task.key.frameworkId())
        .put("executor_id", "")
        .put("slave_id", agentId)
        .put("state", task.state.name())
        .put("resources", resources(task.info.getResourcesList()));
    JsonArray statuses = new JsonArray();
    if (task.latestStatus != null) {
      JsonObject status = new JsonObject().put("state", task.latestStatus.getState().name())
          .put("timestamp", task.latestStatus.getTimestamp());
      if (task.latestStatus.hasHealthy()) {
        status.put("healthy", task.latestStatus.getHealthy());
      }
      statuses.add(status);
    }
    json.put("statuses", statuses);
    if (task.info.hasLabels()) {
      json.put("labels", ProtoJson.toJsonObject(task.info.getLabels()).getJsonArray("labels", new JsonArray()));
    }
    return json;
  }

  /** Mesos's command executor name: {@code Command Executor (Task: <id>) (Command: sh -c '<value>')}. */
  static String executorName(TaskInfo task) {
    CommandInfo command = task.getCommand();
    String shown = command.getShell() ? "sh -c '" + command.getValue() + "'"
        : "[" + String.join(", ", command.getArgumentsList()) + "]";
    return "Command Executor (Task: " + task.getTaskId().getValue() + ") (Command: " + shown + ")";
  }

  /** Resources as Mesos's {@code model(Resources)}: scalars summed by name, ranges and sets as text. */
  static JsonObject resources(List<Resource> resources) {
    JsonObject json = new JsonObject();
    for (Resource r : resources) {
      switch (r.getType()) {
        case SCALAR -> json.put(r.getName(), json.getDouble(r.getName(), 0.0) + r.getScalar().getValue());
        case RANGES -> json.put(r.getName(), ranges(r.getRanges()));
        case SET -> json.put(r.getName(), "{" + String.join(", ", r.getSet().getItemList()) + "}");
        default -> { }
      }
    }
    return json;
  }

  private static JsonObject attributes(List<Attribute> attributes) {
    JsonObject json = new JsonObject();
    for (Attribute a : attributes) {
      switch (a.getType()) {
        case SCALAR -> json.put(a.getName(), a.getScalar().getValue());
        case RANGES -> json.put(a.getName(), ranges(a.getRanges()));
        case SET -> json.put(a.getName(), "{" + String.join(", ", a.getSet().getItemList()) + "}");
        default -> json.put(a.getName(), a.getText().getValue());
      }
    }
    return json;
  }

  private static String ranges(Value.Ranges ranges) {
    StringJoiner text = new StringJoiner(", ", "[", "]");
    for (Value.Range range : ranges.getRangeList()) {
      text.add(range.getBegin() + "-" + range.getEnd());
    }
    return text.toString();
  }
}
