package io.meso.services.app;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One port an app's tasks need on the agent (host networking). Port 0 asks the framework to pick a
 * service port; with {@code requirePorts} a non-zero port is also the host port.
 */
public record PortDefinition(int port, String protocol, String name, Map<String, String> labels) {

  public static final String DEFAULT_PROTOCOL = "tcp";

  /** What an app gets when it names no ports: one random tcp port called "default". */
  public static final PortDefinition DEFAULT = new PortDefinition(0, DEFAULT_PROTOCOL, "default", Map.of());

  public PortDefinition {
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }
}
