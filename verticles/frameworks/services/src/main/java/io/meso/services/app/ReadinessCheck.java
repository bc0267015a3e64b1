package io.meso.services.app;

import java.util.List;

/**
 * The readiness check of an app: during a deployment a new task counts as ready once an HTTP GET
 * of {@code path} on its port named {@code portName} answers one of {@code httpStatusCodesForReady}.
 */
public record ReadinessCheck(
    String name,
    String protocol,
    String path,
    String portName,
    int intervalSeconds,
    int timeoutSeconds,
    List<Integer> httpStatusCodesForReady,
    boolean preserveLastResponse) {

  public static final String DEFAULT_NAME = "readinessCheck";
  public static final String DEFAULT_PROTOCOL = "HTTP";
  public static final String DEFAULT_PATH = "/";
  public static final String DEFAULT_PORT_NAME = "http-api";
  public static final int DEFAULT_INTERVAL_SECONDS = 30;
  public static final int DEFAULT_TIMEOUT_SECONDS = 10;
  public static final List<Integer> DEFAULT_HTTP_STATUS_CODES_FOR_READY = List.of(200);

  public ReadinessCheck {
    httpStatusCodesForReady = List.copyOf(httpStatusCodesForReady);
  }
}
