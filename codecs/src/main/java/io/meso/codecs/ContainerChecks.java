package io.meso.codecs;

import io.meso.v1.ContainerInfo;
import io.meso.v1.ContainerInfo.DockerInfo;
import io.meso.v1.Resource;
import io.meso.v1.TaskInfo;
import io.meso.v1.Value;
import io.meso.v1.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a task's {@code container} must satisfy to run: one set of rules for the master, which
 * refuses a bad task at launch with TASK_ERROR, and for the agent's docker containerizer, which
 * checks again before it builds {@code docker run} (a task from an older master, or recovered).
 * Each problem names the field (relative to the task), the value and what is allowed.
 */
public final class ContainerChecks {

  private ContainerChecks() {}

  /** The first problem with {@code task}'s container, or null if it has none (or no container). */
  public static String problem(TaskInfo task) {
    if (!task.hasContainer()) {
      return null;
    }
    ContainerInfo container = task.getContainer();
    if (container.getType() == ContainerInfo.Type.MESOS) {
      return null; // the agent's own containerizer: no image to check
    }
    if (!container.hasDocker()) {
      return "container.docker: is required when container.type is DOCKER";
    }
    DockerInfo docker = container.getDocker();
    if (docker.getImage().isBlank()) {
      return "container.docker.image: is required (was '" + docker.getImage() + "')";
    }
    for (int i = 0; i < container.getVolumesCount(); i++) {
      String problem = volume(container.getVolumes(i), "container.volumes[" + i + "]");
      if (problem != null) {
        return problem;
      }
    }
    if (docker.getNetwork() == DockerInfo.Network.USER) {
      if (container.getNetworkInfosCount() != 1) {
        return "container.network_infos: a USER network needs exactly one, got " + container.getNetworkInfosCount();
      }
      if (container.getNetworkInfos(0).getName().isBlank()) {
        return "container.network_infos[0].name: is required for a USER network";
      }
    }
    if (container.hasHostname() && docker.getNetwork() == DockerInfo.Network.HOST) {
      return "container.hostname: cannot be set ('" + container.getHostname() + "') with container.docker.network HOST";
    }
    return portMappings(docker, task);
  }

  private static String volume(Volume volume, String field) {
    if (volume.getContainerPath().isEmpty()) {
      return field + ".container_path: is required";
    }
    if (volume.getHostPath().isEmpty()) {
      return field + ".host_path: is required (docker volumes by source are not supported)";
    }
    if (!volume.hasMode()) {
      return field + ".mode: is required (RW or RO)";
    }
    if (!volume.getHostPath().startsWith("/") && !volume.getContainerPath().startsWith("/")) {
      return field + ": both host_path '" + volume.getHostPath() + "' and container_path '" + volume.getContainerPath()
          + "' are relative; one must be absolute";
    }
    return null;
  }

  private static String portMappings(DockerInfo docker, TaskInfo task) {
    if (docker.getPortMappingsCount() == 0) {
      return null;
    }
    if (docker.getNetwork() == DockerInfo.Network.HOST || docker.getNetwork() == DockerInfo.Network.NONE) {
      return "container.docker.port_mappings: only supported with BRIDGE or USER networks, not "
          + "container.docker.network " + docker.getNetwork();
    }
    List<Value.Range> ports = new ArrayList<>();
    for (Resource r : task.getResourcesList()) {
      if (r.getName().equals("ports") && r.getType() == Value.Type.RANGES) {
        ports.addAll(r.getRanges().getRangeList());
      }
    }
    for (int i = 0; i < docker.getPortMappingsCount(); i++) {
      DockerInfo.PortMapping m = docker.getPortMappings(i);
      String field = "container.docker.port_mappings[" + i + "]";
      if (m.getHostPort() < 1 || m.getHostPort() > 65_535) {
        return field + ".host_port: " + m.getHostPort() + " is not a port (1-65535)";
      }
      if (m.getContainerPort() < 1 || m.getContainerPort() > 65_535) {
        return field + ".container_port: " + m.getContainerPort() + " is not a port (1-65535)";
      }
      long host = m.getHostPort();
      if (ports.stream().noneMatch(r -> host >= r.getBegin() && host <= r.getEnd())) {
        return field + ".host_port: " + host + " is not among the task's ports resources";
      }
      if (m.hasProtocol() && !protocol(m).equals("tcp") && !protocol(m).equals("udp") && !protocol(m).equals("sctp")) {
        return field + ".protocol: '" + m.getProtocol() + "' is not one of tcp, udp, sctp";
      }
    }
    return null;
  }

  /** A port mapping's protocol as docker takes it (lower case). */
  public static String protocol(DockerInfo.PortMapping m) {
    return m.getProtocol().toLowerCase(Locale.ROOT);
  }
}
