package io.meso.codecs;

import io.meso.v1.CommandInfo;
import io.meso.v1.HealthCheck;

/**
 * What makes a task's {@link HealthCheck} acceptable, as a pure rule the master applies before
 * a launch (so a bad check is a TASK_ERROR, not a task that the agent cannot check). The rules
 * are Mesos's ({@code validateHealthCheck} in src/common/validation.cpp: a type, the part that
 * type needs, an HTTP scheme of http/https, a path starting with '/', no negative durations),
 * plus what Mesos gets from marking fields {@code required} or leaves to a crash: ports present
 * and in 1..65535, durations finite and small enough to be int64 nanoseconds, a command to run,
 * HTTP statuses that are HTTP status codes.
 */
public final class HealthChecks {

  /** The longest duration allowed: what int64 nanoseconds (Mesos's {@code Duration}) can hold. */
  public static final double MAX_SECONDS = Long.MAX_VALUE / 1e9;

  private HealthChecks() {}

  /**
   * Checks {@code check}, found at {@code field} (e.g. "launch.task_infos[0].health_check").
   * Returns null when it is acceptable, else a message naming the field, its value and what is
   * allowed.
   */
  public static String validate(String field, HealthCheck check) {
    if (!check.hasType()) {
      return field + ".type is missing; set it to COMMAND, HTTP or TCP";
    }
    String error = switch (check.getType()) {
      case COMMAND -> command(field + ".command", check);
      case HTTP -> http(field + ".http", check);
      case TCP -> tcp(field + ".tcp", check);
      case UNKNOWN -> field + ".type is UNKNOWN; set it to COMMAND, HTTP or TCP";
    };
    if (error != null) {
      return error;
    }
    error = duration(field + ".delay_seconds", check.hasDelaySeconds(), check.getDelaySeconds());
    if (error == null) {
      error = duration(field + ".interval_seconds", check.hasIntervalSeconds(), check.getIntervalSeconds());
    }
    if (error == null) {
      error = duration(field + ".timeout_seconds", check.hasTimeoutSeconds(), check.getTimeoutSeconds());
    }
    if (error == null) {
      error = duration(field + ".grace_period_seconds", check.hasGracePeriodSeconds(),
          check.getGracePeriodSeconds());
    }
    return error;
  }

  private static String command(String field, HealthCheck check) {
    if (!check.hasCommand()) {
      return field + " is missing; a COMMAND health check needs command.value, the command to run";
    }
    CommandInfo command = check.getCommand();
    if (!command.hasValue() || command.getValue().isBlank()) {
      String expected = command.getShell() ? "a shell command such as 'curl -f localhost:8080/'"
          : "the executable to run";
      return field + ".value is empty; expected " + expected;
    }
    for (int i = 0; i < command.getEnvironment().getVariablesCount(); i++) {
      String name = command.getEnvironment().getVariables(i).getName();
      if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0) {
        return field + ".environment.variables[" + i + "].name '" + name
            + "' is not a valid variable name; it must be non-empty without '=' or NUL";
      }
    }
    return null;
  }

  private static String http(String field, HealthCheck check) {
    if (!check.hasHttp()) {
      return field + " is missing; an HTTP health check needs http.port (and optionally path, scheme, statuses)";
    }
    HealthCheck.HTTPCheckInfo http = check.getHttp();
    String error = port(field + ".port", http.hasPort(), http.getPort());
    if (error != null) {
      return error;
    }
    if (http.hasScheme() && !http.getScheme().equals("http") && !http.getScheme().equals("https")) {
      return field + ".scheme '" + http.getScheme() + "' is not supported; use 'http' or 'https'";
    }
    if (http.hasPath() && !http.getPath().startsWith("/")) {
      return field + ".path '" + http.getPath() + "' must start with '/'";
    }
    for (int i = 0; i < http.getStatusesCount(); i++) {
      long status = Integer.toUnsignedLong(http.getStatuses(i));
      if (status < 100 || status > 599) {
        return field + ".statuses[" + i + "] is " + status + "; an HTTP status code is between 100 and 599";
      }
    }
    return null;
  }

  private static String tcp(String field, HealthCheck check) {
    if (!check.hasTcp()) {
      return field + " is missing; a TCP health check needs tcp.port";
    }
    return port(field + ".port", check.getTcp().hasPort(), check.getTcp().getPort());
  }

  private static String port(String field, boolean present, int value) {
    if (!present) {
      return field + " is missing; set the port to check, 1..65535";
    }
    long port = Integer.toUnsignedLong(value);
    if (port < 1 || port > 65_535) {
      return field + " is " + port + "; a port is between 1 and 65535";
    }
    return null;
  }

  private static String duration(String field, boolean present, double seconds) {
    if (present && !(seconds >= 0 && seconds <= MAX_SECONDS)) {
      return field + " is " + seconds + "; it must be a number of seconds between 0 and " + (long) MAX_SECONDS;
    }
    return null;
  }
}
