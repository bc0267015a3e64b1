package io.meso.executor;

import io.meso.v1.Environment;
import io.meso.v1.Resource;
import io.meso.v1.TaskInfo;
import io.meso.v1.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment a task's command sees: the agent's PATH and LANG, then the command's own
 * variables, then what Meso tells the task about itself (these win over the command's):
 * MESOS_SANDBOX/MESO_SANDBOX, MESOS_TASK_ID/MESO_TASK_ID, MESOS_FRAMEWORK_ID/MESO_FRAMEWORK_ID,
 * MESOS_AGENT_ID/MESO_AGENT_ID, and the task's assigned ports as PORTS (comma list, in the order
 * of its "ports" ranges), PORT0..PORTn and PORT (= PORT0).
 */
final class TaskEnvironment {

  private static final Logger LOG = LoggerFactory.getLogger(TaskEnvironment.class);
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private TaskEnvironment() {}

  /** What tasks inherit from the agent's own environment. */
  static Map<String, String> inherited() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", DEFAULT_PATH));
    String lang = System.getenv("LANG");
    if (lang != null) {
      env.put("LANG", lang);
    }
    return Map.copyOf(env);
  }

  static Map<String, String> build(Map<String, String> inherited, String agentId, LaunchTask launch) {
    Map<String, String> env = new HashMap<>(inherited);
    TaskInfo task = launch.task();
    for (Environment.Variable v : task.getCommand().getEnvironment().getVariablesList()) {
      if (v.getType() == Environment.Variable.Type.SECRET) {
        LOG.warn("secret environment variables are not supported, skipping name={} task_id={}", v.getName(),
            launch.taskId());
      } else if (!v.getName().isEmpty()) {
        env.put(v.getName(), v.getValue());
      }
    }
    put(env, "SANDBOX", launch.sandbox());
    put(env, "TASK_ID", launch.taskId());
    put(env, "FRAMEWORK_ID", launch.frameworkId());
    put(env, "AGENT_ID", agentId);
    List<Long> ports = ports(task);
    if (!ports.isEmpty()) {
      StringJoiner all = new StringJoiner(",");
      for (int i = 0; i < ports.size(); i++) {
        String port = Long.toString(ports.get(i));
        all.add(port);
        env.put("PORT" + i, port);
      }
      env.put("PORTS", all.toString());
      env.put("PORT", Long.toString(ports.get(0)));
    }
    return env;
  }

  /** Every port of the task's "ports" ranges resources, in order. */
  static List<Long> ports(TaskInfo task) {
    List<Long> ports = new ArrayList<>();
    for (Resource r : task.getResourcesList()) {
      if (!r.getName().equals("ports") || r.getType() != Value.Type.RANGES) {
        continue;
      }
      for (Value.Range range : r.getRanges().getRangeList()) {
        for (long p = range.getBegin(); p <= range.getEnd() && ports.size() <= 65_535; p++) {
          ports.add(p);
        }
      }
    }
    return ports;
  }

  private static void put(Map<String, String> env, String suffix, String value) {
    env.put("MESOS_" + suffix, value);
    env.put("MESO_" + suffix, value);
  }
}
