package io.meso.agent;

import io.meso.allocator.Resources;
import io.meso.codecs.TaskStates;
import io.meso.executor.TaskUsage;
import io.meso.v1.ResourceStatistics;
import io.meso.v1.TaskState;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The agent's metrics: Mesos's {@code /metrics/snapshot} names for an agent (src/slave/metrics.cpp
 * and the resource gauges of src/slave/slave.cpp) that Meso can fill, and the same node-level
 * facts as Prometheus text for {@code /metrics}, plus the usage of the running tasks summed over
 * the node. Prometheus labels are states and resource names only, never task or framework ids.
 */
final class AgentMetrics {

  /** The resources Mesos reports {@code slave/<name>_total|_used|_percent} for. */
  private static final List<String> RESOURCES = List.of("cpus", "gpus", "mem", "disk");
  /** Tasks by current state (gauges, as Mesos's slave/tasks_staging ... slave/tasks_killing). */
  private static final List<TaskState> LIVE = List.of(TaskState.TASK_STAGING, TaskState.TASK_STARTING,
      TaskState.TASK_RUNNING, TaskState.TASK_KILLING);
  /** Ended tasks by state (counters, as Mesos's slave/tasks_finished ... slave/tasks_gone). */
  private static final List<TaskState> ENDED = List.of(TaskState.TASK_FINISHED, TaskState.TASK_FAILED,
      TaskState.TASK_KILLED, TaskState.TASK_LOST, TaskState.TASK_GONE);

  private AgentMetrics() {}

  /** {@code GET /metrics/snapshot}. */
  static JsonObject snapshot(AgentView agent) {
    Map<TaskState, Long> ended = agent.ended();
    JsonObject m = new JsonObject()
        .put("slave/uptime_secs", (System.currentTimeMillis() - agent.startMillis()) / 1000.0)
        .put("slave/registered", agent.registered() ? 1.0 : 0.0);
    Map<TaskState, Integer> live = live(agent);
    for (TaskState state : LIVE) {
      m.put("slave/tasks_" + name(state), (double) live.getOrDefault(state, 0));
    }
    for (TaskState state : ENDED) {
      m.put("slave/tasks_" + name(state), (double) ended.getOrDefault(state, 0L));
    }
    int running = 0;
    java.util.Set<String> frameworks = new java.util.HashSet<>();
    for (AgentTask task : agent.tasks()) {
      if (!TaskStates.isTerminal(task.state)) {
        running++;
        frameworks.add(task.key.frameworkId());
      }
    }
    m.put("slave/executors_running", (double) running).put("slave/frameworks_active", (double) frameworks.size());
    Resources total = Resources.fromProto(agent.info().getResourcesList());
    Resources used = used(agent);
    for (String name : RESOURCES) {
      double t = total.scalar(name);
      double u = used.scalar(name);
      m.put("slave/" + name + "_total", t).put("slave/" + name + "_used", u)
          .put("slave/" + name + "_percent", t > 0 ? u / t : 0.0);
    }
    return m;
  }

  /** {@code GET /metrics}: Prometheus text exposition (version 0.0.4). */
  static String prometheus(AgentView agent, List<TaskUsage> usage) {
    Map<TaskState, Long> ended = agent.ended();
    StringBuilder out = new StringBuilder(2048);
    header(out, "meso_agent_uptime_seconds", "gauge", "Seconds since the agent started.");
    sample(out, "meso_agent_uptime_seconds", "", (System.currentTimeMillis() - agent.startMillis()) / 1000.0);
    header(out, "meso_agent_registered", "gauge", "1 when a master registered the agent, else 0.");
    sample(out, "meso_agent_registered", "", agent.registered() ? 1 : 0);
    header(out, "meso_agent_tasks", "gauge", "Tasks on the agent by current state.");
    Map<TaskState, Integer> live = live(agent);
    for (TaskState state : LIVE) {
      sample(out, "meso_agent_tasks", "{state=\"" + name(state) + "\"}", live.getOrDefault(state, 0));
    }
    header(out, "meso_agent_tasks_ended_total", "counter", "Tasks that ended on the agent since it started, by state.");
    for (TaskState state : ENDED) {
      sample(out, "meso_agent_tasks_ended_total", "{state=\"" + name(state) + "\"}", ended.getOrDefault(state, 0L));
    }
    Resources total = Resources.fromProto(agent.info().getResourcesList());
    Resources used = used(agent);
    header(out, "meso_agent_resources_total", "gauge", "The agent's resources (mem and disk in MB).");
    for (String name : RESOURCES) {
      sample(out, "meso_agent_resources_total", "{resource=\"" + name + "\"}", total.scalar(name));
    }
    header(out, "meso_agent_resources_used", "gauge", "Resources of the agent's live tasks (mem and disk in MB).");
    for (String name : RESOURCES) {
      sample(out, "meso_agent_resources_used", "{resource=\"" + name + "\"}", used.scalar(name));
    }
    total(out, usage, "cpu_user_seconds", "User cpu time", ResourceStatistics::getCpusUserTimeSecs);
    total(out, usage, "cpu_system_seconds", "System cpu time", ResourceStatistics::getCpusSystemTimeSecs);
    total(out, usage, "cpu_throttled_seconds", "Time throttled by CFS quota", ResourceStatistics::getCpusThrottledTimeSecs);
    total(out, usage, "memory_rss_bytes", "Resident anonymous memory", ResourceStatistics::getMemRssBytes);
    total(out, usage, "memory_cache_bytes", "Page cache", ResourceStatistics::getMemCacheBytes);
    total(out, usage, "memory_total_bytes", "Memory charged", ResourceStatistics::getMemTotalBytes);
    total(out, usage, "disk_used_bytes", "Sandbox disk usage", ResourceStatistics::getDiskUsedBytes);
    total(out, usage, "processes", "Processes", ResourceStatistics::getProcesses);
    total(out, usage, "threads", "Threads", ResourceStatistics::getThreads);
    return out.toString();
  }

  private static void total(StringBuilder out, List<TaskUsage> usage, String metric, String what,
      ToDoubleFunction<ResourceStatistics> field) {
    String name = "meso_agent_running_tasks_" + metric;
    header(out, name, "gauge", what + ", summed over the running tasks (drops when a task ends).");
    sample(out, name, "", usage.stream().mapToDouble(u -> field.applyAsDouble(u.statistics())).sum());
  }

  private static Map<TaskState, Integer> live(AgentView agent) {
    Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
    for (AgentTask task : agent.tasks()) {
      counts.merge(task.state, 1, Integer::sum);
    }
    return counts;
  }

  private static Resources used(AgentView agent) {
    Resources used = Resources.EMPTY;
    for (AgentTask task : agent.tasks()) {
      if (!TaskStates.isTerminal(task.state)) {
        used = used.plus(Resources.fromProto(task.info.getResourcesList()));
      }
    }
    return used;
  }

  /** TASK_RUNNING -> running. */
  private static String name(TaskState state) {
    return state.name().substring("TASK_".length()).toLowerCase(Locale.ROOT);
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder out, String name, String labels, double value) {
    out.append(name).append(labels).append(' ');
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      out.append((long) value);
    } else {
      out.append(value);
    }
    out.append('\n');
  }
}
