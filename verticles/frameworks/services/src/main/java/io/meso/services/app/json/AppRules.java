package io.meso.services.app.json;

import io.meso.services.app.App;
import io.meso.services.app.HealthCheck;
import io.meso.services.app.HealthCheck.Protocol;
import io.meso.services.app.PortDefinition;
import io.meso.services.app.ReadinessCheck;
import io.meso.services.app.UpgradeStrategy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rules that look at more than one field of an app, with the messages and paths of Marathon's
 * {@code api/v2/validation/AppValidation.scala} and {@code SchedulingValidation.scala}. They run
 * on an app whose fields all read cleanly ({@link AppReader}), as Marathon runs its validators
 * after the JSON has been read.
 */
final class AppRules {

  static final String CMD_ARGS_OR_CONTAINER =
      "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.";
  static final String PORT_INDEX =
      "Health check port indices must address an element of the ports array or container port mappings.";
  static final String ONE_MESOS_CHECK = "AppDefinition can contain at most one Mesos health check";
  static final String IPV6 = "IPv6 can only be used for container type DOCKER and Mesos http/https/tcp health checks";
  static final String SINGLE_INSTANCE_LABEL = "MARATHON_SINGLE_INSTANCE_APP";
  static final String SINGLE_INSTANCE = "Single instance app may only have one instance";
  static final String GPU_DOCKER = "GPU resources only work with the Mesos containerizer";

  private AppRules() {}

  static void check(App app, List<Violation> out) {
    commandRule(app, out);
    healthCheckRules(app, out);
    readinessRules(app, out);
    singleInstanceRules(app, out);
    if (app.gpus() > 0 && "DOCKER".equals(containerType(app))) {
      out.add(new Violation("/", GPU_DOCKER));
    }
  }

  /** Exactly one of cmd and args, unless a container supplies the command (then at most one). */
  private static void commandRule(App app, List<Violation> out) {
    boolean cmd = app.cmd() != null;
    boolean args = !app.args().isEmpty();
    JsonObject c = app.container();
    boolean container = c != null && (c.getValue("docker") != null || "MESOS".equals(containerType(app)));
    if (!((cmd ^ args) || (!(cmd && args) && container))) {
      out.add(new Violation("/", CMD_ARGS_OR_CONTAINER));
    }
  }

  private static void healthCheckRules(App app, List<Violation> out) {
    int ports = portMappings(app) != null ? portMappings(app).size() : app.portDefinitions().size();
    int mesosChecks = 0;
    for (int i = 0; i < app.healthChecks().size(); i++) {
      HealthCheck hc = app.healthChecks().get(i);
      String at = Violation.element("/healthChecks", i);
      boolean marathonLevel = !hc.protocol().mesosLevel();
      if (marathonLevel) {
        boolean ok = hc.portIndex() != null ? hc.portIndex() < ports : hc.port() != null || ports == 1;
        if (!ok) {
          out.add(new Violation(at, PORT_INDEX + " (portIndex " + hc.portIndex() + ", " + ports + " port(s) defined)"));
        }
      }
      boolean mesosPortCheck = hc.protocol().mesosLevel() && hc.protocol() != Protocol.COMMAND;
      if (hc.ipProtocol() == HealthCheck.IpProtocol.IPv6 && !(mesosPortCheck && "DOCKER".equals(containerType(app)))) {
        out.add(new Violation(at, IPV6));
      }
      if (mesosPortCheck) {
        mesosChecks++;
      }
    }
    // COMMAND checks are not counted: older Marathons stored several, and they must stay valid.
    if (mesosChecks > 1) {
      out.add(new Violation("/", ONE_MESOS_CHECK));
    }
  }

  private static void readinessRules(App app, List<Violation> out) {
    List<ReadinessCheck> checks = app.readinessChecks();
    if (checks.size() > 1) {
      out.add(new Violation("/readinessChecks", "readinessChecks: got " + checks.size() + ", expected at most 1"));
    }
    List<String> portNames = new ArrayList<>();
    JsonArray mappings = portMappings(app);
    if (mappings != null) {
      for (Object m : mappings) {
        if (m instanceof JsonObject o && o.getValue("name") instanceof String name) {
          portNames.add(name);
        }
      }
    } else {
      app.portDefinitions().stream().map(PortDefinition::name).filter(Objects::nonNull).forEach(portNames::add);
    }
    for (int i = 0; i < checks.size(); i++) {
      ReadinessCheck rc = checks.get(i);
      String at = Violation.element("/readinessChecks", i);
      if (!portNames.contains(rc.portName())) {
        out.add(new Violation(at + "/portName", "No port definition reference for portName " + rc.portName()
            + " (port names: " + portNames + ")"));
      }
      if (rc.timeoutSeconds() >= rc.intervalSeconds()) {
        out.add(new Violation(at + "/timeoutSeconds", "timeoutSeconds: got " + rc.timeoutSeconds()
            + ", expected less than intervalSeconds (" + rc.intervalSeconds() + ")"));
      }
    }
  }

  /** Marathon's single-instance label: at most one instance, replaced without overlap. */
  private static void singleInstanceRules(App app, List<Violation> out) {
    if (!"true".equals(app.labels().get(SINGLE_INSTANCE_LABEL))) {
      return;
    }
    if (app.instances() > 1) {
      out.add(new Violation("/", SINGLE_INSTANCE));
    }
    if (app.autoscale() != null && app.autoscale().maxInstances() > 1) {
      out.add(new Violation("/autoscale/maxInstances", "maxInstances: got " + app.autoscale().maxInstances()
          + ", expected 1 for a single instance app (label " + SINGLE_INSTANCE_LABEL + ")"));
    }
    UpgradeStrategy us = app.upgradeStrategy();
    if (us.minimumHealthCapacity() != 0.0) {
      out.add(new Violation("/upgradeStrategy/minimumHealthCapacity",
          "got " + us.minimumHealthCapacity() + ", expected 0.0 for a single instance app"));
    }
    if (us.maximumOverCapacity() != 0.0) {
      out.add(new Violation("/upgradeStrategy/maximumOverCapacity",
          "got " + us.maximumOverCapacity() + ", expected 0.0 for a single instance app"));
    }
  }

  /** The container's {@code type} (default DOCKER), or null without a container. */
  static String containerType(App app) {
    JsonObject c = app.container();
    return c == null ? null : c.getString("type", "DOCKER");
  }

  /** The container's port mappings ({@code container.portMappings} or the older docker ones), or null. */
  static JsonArray portMappings(App app) {
    JsonObject c = app.container();
    if (c == null) {
      return null;
    }
    if (c.getValue("portMappings") instanceof JsonArray a && !a.isEmpty()) {
      return a;
    }
    if (c.getValue("docker") instanceof JsonObject d && d.getValue("portMappings") instanceof JsonArray a
        && !a.isEmpty()) {
      return a;
    }
    return null;
  }
}
