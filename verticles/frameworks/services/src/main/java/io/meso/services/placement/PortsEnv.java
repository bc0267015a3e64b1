package io.meso.services.placement;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The environment Marathon gives a task for its host and ports ({@code
 * mesosphere/mesos/EnvironmentHelper.scala} portsEnv, TaskBuilder's HOST), for host ports that
 * are all bound:
 *
 * <ul>
 *   <li>{@code HOST}: the agent's hostname;
 *   <li>{@code PORT<i>}: the host port of request i;
 *   <li>{@code PORT_<p>}: the host port, where p is the requested port, or the host port itself
 *       when 0 was requested;
 *   <li>{@code PORT_<NAME>}: the host port of a named request, name upper-cased;
 *   <li>{@code PORT}: the first host port; {@code PORTS}: all of them, comma-separated.
 * </ul>
 *
 * Later entries win on a clash, in the order above, as in Marathon's map builder. No ports, no
 * PORT variables.
 */
final class PortsEnv {

  private PortsEnv() {}

  static Map<String, String> of(String host, List<PortSpec> requests, List<Integer> hostPorts) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOST", host);
    if (hostPorts.isEmpty()) {
      return env;
    }
    for (int i = 0; i < hostPorts.size(); i++) {
      env.put("PORT" + i, hostPorts.get(i).toString());
    }
    for (int i = 0; i < hostPorts.size(); i++) {
      int requested = requests.get(i).port();
      int bound = hostPorts.get(i);
      env.put("PORT_" + (requested != 0 ? requested : bound), Integer.toString(bound));
    }
    for (int i = 0; i < hostPorts.size(); i++) {
      int bound = hostPorts.get(i);
      requests.get(i).name().ifPresent(
          name -> env.put("PORT_" + name.toUpperCase(Locale.ROOT), Integer.toString(bound)));
    }
    env.put("PORT", hostPorts.get(0).toString());
    env.put("PORTS", hostPorts.stream().map(String::valueOf).collect(Collectors.joining(",")));
    return env;
  }
}
