package io.meso.services.placement;

import java.util.Optional;

/**
 * One port an instance asks for.
 *
 * @param name the port's name, giving {@code PORT_<NAME>} in the environment; may be empty
 * @param port the port the app asked for (a port definition's port, a port mapping's container
 *     port), 0 for none; gives {@code PORT_<port>} in the environment
 * @param hostPort the host port to bind: 0 for any free port of the offer, else exactly this one
 */
public record PortSpec(Optional<String> name, int port, int hostPort) {

  public PortSpec {
    name = name.filter(n -> !n.isEmpty());
    if (port < 0 || hostPort < 0 || port > 65535 || hostPort > 65535) {
      throw new IllegalArgumentException("ports are 0..65535, got port=" + port + " hostPort=" + hostPort);
    }
  }

  /**
   * A Marathon port definition (host networking). Its port is a service port unless {@code
   * requirePorts}: then the host port must be exactly that port (Marathon's PortsMatcher
   * findPortsInOffer); otherwise any free host port will do (randomPorts).
   */
  public static PortSpec definition(String name, int port, boolean requirePorts) {
    return new PortSpec(Optional.ofNullable(name), port, requirePorts ? port : 0);
  }

  /** A port with a fixed host port (0 = any), as a container port mapping asks for one. */
  public static PortSpec mapping(String name, int containerPort, int hostPort) {
    return new PortSpec(Optional.ofNullable(name), containerPort, hostPort);
  }

  /** Whether this port needs one exact host port. */
  public boolean fixed() {
    return hostPort != 0;
  }
}
