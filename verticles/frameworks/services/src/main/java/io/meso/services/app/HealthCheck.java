package io.meso.services.app;

/**
 * One health check of an app. HTTP, HTTPS and TCP checks are run by the framework (Marathon-level:
 * {@code maxConsecutiveFailures} failures in a row kill the task, 0 never kills); COMMAND and the
 * MESOS_* checks are run by the agent (Mesos-level, started after {@code delaySeconds}).
 *
 * <p>The port is {@code port} if given, else the port at {@code portIndex}; {@code command} is the
 * shell command of a COMMAND check; {@code path} and {@code ignoreHttp1xx} are null when not given
 * (the checker then uses {@code /} and false).
 */
public record HealthCheck(
    Protocol protocol,
    String command,
    String path,
    Integer portIndex,
    Integer port,
    Boolean ignoreHttp1xx,
    int gracePeriodSeconds,
    int intervalSeconds,
    int timeoutSeconds,
    int maxConsecutiveFailures,
    int delaySeconds,
    IpProtocol ipProtocol) {

  public static final int DEFAULT_GRACE_PERIOD_SECONDS = 300;
  public static final int DEFAULT_INTERVAL_SECONDS = 60;
  public static final int DEFAULT_TIMEOUT_SECONDS = 20;
  public static final int DEFAULT_MAX_CONSECUTIVE_FAILURES = 3;
  public static final int DEFAULT_DELAY_SECONDS = 15;
  public static final String DEFAULT_PATH = "/";

  /** Who runs the check and how (Marathon's {@code AppHealthCheckProtocol}). */
  public enum Protocol {
    HTTP, HTTPS, TCP, COMMAND, MESOS_HTTP, MESOS_HTTPS, MESOS_TCP;

    /** True for the checks the agent runs (at most one per app). */
    public boolean mesosLevel() {
      return this == COMMAND || this == MESOS_HTTP || this == MESOS_HTTPS || this == MESOS_TCP;
    }

    /** True for the checks that probe a port. */
    public boolean usesPort() {
      return this != COMMAND;
    }

    /** True for the checks that send an HTTP request. */
    public boolean http() {
      return this == HTTP || this == HTTPS || this == MESOS_HTTP || this == MESOS_HTTPS;
    }
  }

  /** The IP version a MESOS_* check probes with; IPv6 needs a Docker container. */
  public enum IpProtocol { IPv4, IPv6 }

  public HealthCheck {
    if (protocol == null || ipProtocol == null) {
      throw new IllegalArgumentException("protocol and ipProtocol are required");
    }
  }

  /** The request path an HTTP check uses. */
  public String pathOrDefault() {
    return path == null ? DEFAULT_PATH : path;
  }
}
