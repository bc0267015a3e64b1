package io.meso.services.app.json;

import io.meso.services.app.HealthCheck;
import io.meso.services.app.HealthCheck.IpProtocol;
import io.meso.services.app.HealthCheck.Protocol;
import io.meso.services.app.ReadinessCheck;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads an app's {@code healthChecks} and {@code readinessChecks} with the defaults of Marathon's
 * docs types/healthCheck.raml and types/readinessCheck.raml. Rules that need the rest of the app
 * (port indices, at most one Mesos check, port names) are in {@link AppRules}.
 */
final class CheckReader {

  /** Marathon's {@code LegacyName}: a port name. */
  static final Pattern PORT_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final int MAX_PORT = 65535;

  private CheckReader() {}

  static List<HealthCheck> healthChecks(JsonArray array, String path, List<Violation> out) {
    return Fields.each(array, path, "health check", out, CheckReader::healthCheck);
  }

  private static HealthCheck healthCheck(JsonObject o, String at, List<Violation> out) {
    Fields f = new Fields(o, at, out);
    Protocol protocol = f.enumValue("protocol", Protocol.class, Protocol.HTTP);
    String command = null;
    JsonObject cmd = f.object("command");
    if (cmd != null) {
      Fields c = new Fields(cmd, f.path("command"), out);
      command = c.nonEmptyString("value", null);
      if (command == null && !c.has("value")) {
        c.bad("value", null, "the shell command to run");
      }
    }
    if (protocol == Protocol.COMMAND && cmd == null) {
      f.bad("command", null, "{\"value\": \"<shell command>\"} for protocol COMMAND");
    }
    if (protocol != Protocol.COMMAND && cmd != null) {
      f.bad("protocol", protocol.name(), "COMMAND when a command is given");
    }
    String path = f.string("path", null);
    Integer portIndex = f.integer("portIndex", null, 0, MAX_PORT);
    Integer port = f.integer("port", null, 0, MAX_PORT);
    Boolean ignore1xx = f.bool("ignoreHttp1xx", null);
    int grace = f.integer("gracePeriodSeconds", HealthCheck.DEFAULT_GRACE_PERIOD_SECONDS, 0, Integer.MAX_VALUE);
    int interval = f.integer("intervalSeconds", HealthCheck.DEFAULT_INTERVAL_SECONDS, 0, Integer.MAX_VALUE);
    int timeout = f.integer("timeoutSeconds", HealthCheck.DEFAULT_TIMEOUT_SECONDS, 0, Integer.MAX_VALUE);
    int failures = f.integer("maxConsecutiveFailures", HealthCheck.DEFAULT_MAX_CONSECUTIVE_FAILURES, 0, Integer.MAX_VALUE);
    int delay = f.integer("delaySeconds", HealthCheck.DEFAULT_DELAY_SECONDS, 0, Integer.MAX_VALUE);
    IpProtocol ip = f.enumValue("ipProtocol", IpProtocol.class, IpProtocol.IPv4);
    if (protocol == Protocol.HTTP || protocol == Protocol.HTTPS) {
      // Marathon renders ignoreHttp1xx for its own HTTP checks only, false when not given.
      ignore1xx = ignore1xx != null && ignore1xx;
    } else {
      ignore1xx = null;
    }
    if (protocol == Protocol.COMMAND) {
      path = null;
      portIndex = null;
      port = null;
    }
    return new HealthCheck(protocol, command, path, portIndex, port, ignore1xx, grace, interval, timeout,
        failures, delay, ip);
  }

  static List<ReadinessCheck> readinessChecks(JsonArray array, String path, List<Violation> out) {
    return Fields.each(array, path, "readiness check", out, CheckReader::readinessCheck);
  }

  private static ReadinessCheck readinessCheck(JsonObject o, String at, List<Violation> out) {
    Fields f = new Fields(o, at, out);
    String name = f.nonEmptyString("name", ReadinessCheck.DEFAULT_NAME);
    String protocol = f.oneOf("protocol", ReadinessCheck.DEFAULT_PROTOCOL, List.of("HTTP", "HTTPS"));
    String path = f.nonEmptyString("path", ReadinessCheck.DEFAULT_PATH);
    String portName = f.string("portName", ReadinessCheck.DEFAULT_PORT_NAME);
    if (!PORT_NAME.matcher(portName).matches()) {
      f.bad("portName", portName, "a port name matching " + PORT_NAME.pattern());
    }
    int interval = f.integer("intervalSeconds", ReadinessCheck.DEFAULT_INTERVAL_SECONDS, 0, Integer.MAX_VALUE);
    int timeout = f.integer("timeoutSeconds", ReadinessCheck.DEFAULT_TIMEOUT_SECONDS, 1, Integer.MAX_VALUE);
    List<Integer> codes = new ArrayList<>();
    JsonArray rawCodes = f.array("httpStatusCodesForReady");
    if (rawCodes != null) {
      String codesPath = f.path("httpStatusCodesForReady");
      for (int i = 0; i < rawCodes.size(); i++) {
        Long code = Fields.integral(rawCodes.getValue(i));
        if (code == null || code < 100 || code > 999) {
          out.add(new Violation(Violation.element(codesPath, i), "httpStatusCodesForReady(" + i + "): got "
              + Fields.describe(rawCodes.getValue(i)) + ", expected an HTTP status code between 100 and 999"));
        } else if (!codes.contains(code.intValue())) {
          codes.add(code.intValue());
        }
      }
    }
    if (codes.isEmpty()) {
      // Marathon's AppNormalization: an absent or empty list means [200].
      codes = ReadinessCheck.DEFAULT_HTTP_STATUS_CODES_FOR_READY;
    }
    boolean preserve = f.bool("preserveLastResponse", false);
    return new ReadinessCheck(name, protocol, path, portName, interval, timeout, codes, preserve);
  }
}
