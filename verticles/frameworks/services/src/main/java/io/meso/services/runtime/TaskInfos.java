package io.meso.services.runtime;

import io.meso.services.app.App;
import io.meso.services.app.EnvValue;
import io.meso.services.app.HealthCheck;
import io.meso.services.app.PortDefinition;
import io.meso.services.app.json.AppWriter;
import io.meso.services.placement.Constraint;
import io.meso.services.placement.InstanceSpec;
import io.meso.services.placement.MatchResult;
import io.meso.services.placement.Operator;
import io.meso.services.placement.PortSpec;
import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
import io.meso.v1.Label;
import io.meso.v1.Labels;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an app and a matched offer into the Mesos task of one instance, as Marathon's
 * {@code mesosphere/mesos/TaskBuilder} does: the command ({@code cmd} through the shell, or
 * {@code args} without it), the matched resources, the environment Marathon sets (the app's env,
 * then HOST and the PORT variables, then MESOS_TASK_ID, MARATHON_APP_ID, MARATHON_APP_VERSION, ...),
 * the app's labels, and the app's first agent-side-capable health check as the task's
 * {@code health_check}, so the agent runs it and reports {@code healthy}. Pure: no I/O.
 *
 * <p>Marathon runs HTTP, HTTPS and TCP checks from the scheduler; here every check runs on the
 * agent (Marathon's scheduler-side checks overloaded under load): HTTP and MESOS_HTTP become an
 * HTTP check, HTTPS and MESOS_HTTPS one with scheme https, TCP and MESOS_TCP a TCP check.
 */
public final class TaskInfos {

  /** The role the framework's instances run under. */
  public static final String ROLE = "*";

  private TaskInfos() {}

  /** What one instance of {@code app} asks of an offer. */
  public static InstanceSpec spec(App app) {
    List<PortSpec> ports = app.hostNetworking()
        ? app.portDefinitions().stream()
            .map(p -> PortSpec.definition(p.name(), p.port(), app.requirePorts())).toList()
        : List.of();
    List<Constraint> constraints = app.constraints().stream()
        .map(c -> Constraint.of(c.field(), Operator.parse(c.operator().name()), c.value())).toList();
    return InstanceSpec.of(ROLE, app.cpus(), app.mem(), app.disk(), app.gpus(), ports, constraints);
  }

  /** The task of instance {@code taskId} of {@code app} launched on {@code match}. */
  public static TaskInfo task(App app, String taskId, MatchResult.Match match) {
    CommandInfo.Builder command = CommandInfo.newBuilder();
    if (app.cmd() != null) {
      command.setShell(true).setValue(app.cmd());
    } else {
      command.setShell(false).setValue(app.args().get(0)).addAllArguments(app.args());
    }
    if (app.user() != null) {
      command.setUser(app.user());
    }
    Environment.Builder env = Environment.newBuilder();
    environment(app, taskId, match).forEach((k, v) ->
        env.addVariables(Environment.Variable.newBuilder().setName(k).setValue(v)));
    command.setEnvironment(env);
    Labels.Builder labels = Labels.newBuilder();
    app.labels().forEach((k, v) -> labels.addLabels(Label.newBuilder().setKey(k).setValue(v)));
    TaskInfo.Builder task = TaskInfo.newBuilder()
        .setName(TaskIds.safeId(app.id()).replace('_', '.'))
        .setTaskId(TaskID.newBuilder().setValue(taskId))
        .setAgentId(match.offer().getAgentId())
        .addAllResources(match.resources())
        .setCommand(command)
        .setLabels(labels);
    healthCheck(app, match.hostPorts()).ifPresent(task::setHealthCheck);
    return task.build();
  }

  /**
   * The task's environment: the app's literal env first, then what Marathon adds, which wins:
   * HOST and PORT*, MESOS_TASK_ID, MARATHON_APP_ID, MARATHON_APP_VERSION,
   * MARATHON_APP_RESOURCE_CPUS/MEM/DISK/GPUS and MARATHON_APP_LABELS with one
   * MARATHON_APP_LABEL_&lt;NAME&gt; each. Secret references are not resolved in this slice.
   */
  static Map<String, String> environment(App app, String taskId, MatchResult.Match match) {
    Map<String, String> env = new LinkedHashMap<>();
    app.env().forEach((k, v) -> {
      if (v instanceof EnvValue.Literal literal) {
        env.put(k, literal.value());
      }
    });
    env.putAll(match.env());
    env.put("MESOS_TASK_ID", taskId);
    env.put("MARATHON_APP_ID", app.id().toString());
    env.put("MARATHON_APP_VERSION", AppWriter.timestamp(app.version()));
    env.put("MARATHON_APP_RESOURCE_CPUS", Double.toString(app.cpus()));
    env.put("MARATHON_APP_RESOURCE_MEM", Double.toString(app.mem()));
    env.put("MARATHON_APP_RESOURCE_DISK", Double.toString(app.disk()));
    env.put("MARATHON_APP_RESOURCE_GPUS", Integer.toString(app.gpus()));
    List<String> labelNames = app.labels().keySet().stream()
        .filter(k -> k.matches("[A-Za-z0-9_]+")).toList();
    env.put("MARATHON_APP_LABELS", String.join(" ", labelNames));
    labelNames.forEach(k -> env.put("MARATHON_APP_LABEL_" + k.toUpperCase(java.util.Locale.ROOT),
        app.labels().get(k)));
    return env;
  }

  /** The Mesos health check of the app's first health check, with its port bound to a host port. */
  static java.util.Optional<io.meso.v1.HealthCheck> healthCheck(App app, List<Integer> hostPorts) {
    if (app.healthChecks().isEmpty()) {
      return java.util.Optional.empty();
    }
    HealthCheck h = app.healthChecks().get(0);
    io.meso.v1.HealthCheck.Builder out = io.meso.v1.HealthCheck.newBuilder()
        .setDelaySeconds(h.delaySeconds())
        .setIntervalSeconds(h.intervalSeconds())
        .setTimeoutSeconds(h.timeoutSeconds())
        .setGracePeriodSeconds(h.gracePeriodSeconds())
        // Marathon's 0 means never kill; Mesos kills at count >= consecutive_failures, so 0 would
        // kill at the first failure: send the largest uint32 instead.
        .setConsecutiveFailures(h.maxConsecutiveFailures() == 0 ? -1 : h.maxConsecutiveFailures());
    if (h.protocol() == HealthCheck.Protocol.COMMAND) {
      return java.util.Optional.of(out.setType(io.meso.v1.HealthCheck.Type.COMMAND)
          .setCommand(CommandInfo.newBuilder().setShell(true).setValue(h.command())).build());
    }
    Integer port = h.port() != null ? h.port()
        : h.portIndex() != null && h.portIndex() < hostPorts.size() ? hostPorts.get(h.portIndex())
        : hostPorts.isEmpty() ? null : hostPorts.get(0);
    if (port == null) {
      return java.util.Optional.empty();
    }
    if (h.protocol().http()) {
      boolean https = h.protocol() == HealthCheck.Protocol.HTTPS || h.protocol() == HealthCheck.Protocol.MESOS_HTTPS;
      return java.util.Optional.of(out.setType(io.meso.v1.HealthCheck.Type.HTTP)
          .setHttp(io.meso.v1.HealthCheck.HTTPCheckInfo.newBuilder().setPort(port)
              .setPath(h.pathOrDefault()).setScheme(https ? "https" : "http"))
          .build());
    }
    return java.util.Optional.of(out.setType(io.meso.v1.HealthCheck.Type.TCP)
        .setTcp(io.meso.v1.HealthCheck.TCPCheckInfo.newBuilder().setPort(port)).build());
  }

  /** The service ports of an app (its port definitions' ports), for task JSON. */
  static List<Integer> servicePorts(App app) {
    return app.portDefinitions().stream().map(PortDefinition::port).toList();
  }
}
