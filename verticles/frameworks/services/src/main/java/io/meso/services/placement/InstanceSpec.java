package io.meso.services.placement;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one instance of an app needs from an offer. The app model maps onto it; placement knows
 * nothing else about apps.
 *
 * @param role the role the instance runs under; offers allocated to another role do not fit
 * @param acceptedResourceRoles the resource roles it may use; empty = {@code {role, "*"}}, the
 *     default of Marathon's {@code --accepted_resource_roles_default_behavior=any}
 * @param cpus cpus, 0 for none (Marathon skips zero requests)
 * @param mem memory in MB
 * @param disk disk in MB
 * @param gpus whole GPUs
 * @param ports the ports, in order (PORT0, PORT1, ...)
 * @param constraints the placement constraints
 * @param reservationLabels for an instance that must land on its own reservation: the labels its
 *     reserved resources carry; empty for an ordinary instance, which then never uses resources
 *     reserved for a specific instance (labelled with {@link #RESERVATION_LABEL_KEYS})
 */
public record InstanceSpec(
    String role,
    Set<String> acceptedResourceRoles,
    double cpus,
    double mem,
    double disk,
    int gpus,
    List<PortSpec> ports,
    List<Constraint> constraints,
    Map<String, String> reservationLabels) {

  /** The role of unreserved resources. */
  public static final String UNRESERVED = "*";

  /** Label keys marking a resource as reserved for one instance (Marathon's TaskLabels). */
  public static final Set<String> RESERVATION_LABEL_KEYS =
      Set.of("marathon_framework_id", "marathon_task_id");

  public InstanceSpec {
    Objects.requireNonNull(role, "role");
    acceptedResourceRoles = Set.copyOf(acceptedResourceRoles);
    ports = List.copyOf(ports);
    constraints = List.copyOf(constraints);
    reservationLabels = Map.copyOf(reservationLabels);
    if (cpus < 0 || mem < 0 || disk < 0 || gpus < 0) {
      throw new IllegalArgumentException("resources must be >= 0: cpus=" + cpus + " mem=" + mem
          + " disk=" + disk + " gpus=" + gpus);
    }
  }

  /** An ordinary instance: default roles, no reservation. */
  public static InstanceSpec of(String role, double cpus, double mem, double disk, int gpus,
      List<PortSpec> ports, List<Constraint> constraints) {
    return new InstanceSpec(role, Set.of(), cpus, mem, disk, gpus, ports, constraints, Map.of());
  }

  /** The resource roles this instance may use. */
  public Set<String> rolesToConsider() {
    if (!acceptedResourceRoles.isEmpty()) {
      return acceptedResourceRoles;
    }
    return role.equals(UNRESERVED) ? Set.of(UNRESERVED) : Set.of(role, UNRESERVED);
  }
}
