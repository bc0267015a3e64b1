package io.meso.services.placement;

import io.meso.services.placement.MatchResult.Match;
import io.meso.services.placement.MatchResult.NoMatch;
import io.meso.services.placement.PortPicker.Chosen;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches one offer against one instance, as Marathon's {@code mesosphere/mesos/ResourceMatcher}
 * matchResources and {@code RunSpecOfferMatcher} do. Every check runs and adds its reason;
 * ports are only looked at once all else fits:
 *
 * <ol>
 *   <li>role: the offer is allocated to another role, or no resource has an accepted role →
 *       UnfulfilledRole (for an instance bound to a reservation, none with its labels →
 *       NoCorrespondingReservationFound instead);
 *   <li>constraints → UnfulfilledConstraint;
 *   <li>maintenance → AgentMaintenance, plus UnfulfilledConstraint, as Marathon adds both, so
 *       {@code /v2/queue} counts such offers under UnfulfilledConstraint;
 *   <li>cpus, mem, disk, gpus (non-zero requests, accepted roles only) → Insufficient*;
 *   <li>GPUs offered to an instance that needs none, when scarce resources are declined (Marathon's
 *       default {@code gpu_scheduling_behavior=restricted}) → DeclinedScarceResources;
 *   <li>then ports → InsufficientPorts.
 * </ol>
 *
 * A match consumes what it takes: {@link Match#remaining()} is the offer left for the next
 * instance. Left out: persistent volumes and disk sources, the local-region check (Meso offers
 * carry no fault domain yet), scheduler plugins.
 */
public final class OfferMatcher {

  private static final Logger LOG = LoggerFactory.getLogger(OfferMatcher.class);

  /** Whether an agent is out of maintenance at a time (Marathon's Availability.offerAvailable). */
  @FunctionalInterface
  public interface AgentAvailability {
    AgentAvailability ALWAYS = (offer, now) -> true;

    boolean available(Offer offer, Instant now);
  }

  private final AgentAvailability availability;
  private final boolean declineScarceGpus;
  private final PortPicker ports;

  /**
   * @param availability tells agents in maintenance apart
   * @param declineScarceGpus refuse GPU agents for instances that need no GPU
   * @param random picks dynamic host ports
   */
  public OfferMatcher(AgentAvailability availability, boolean declineScarceGpus, Random random) {
    this.availability = availability;
    this.declineScarceGpus = declineScarceGpus;
    this.ports = new PortPicker(random);
  }

  /** A matcher with Marathon's defaults: no maintenance, scarce GPUs declined. */
  public OfferMatcher() {
    this(AgentAvailability.ALWAYS, true, new Random());
  }

  /**
   * Whether one more instance fits {@code offer}, given where the app's instances of the current
   * configuration run.
   */
  public MatchResult match(Offer offer, InstanceSpec spec, List<AgentFacts> placed, Instant now) {
    ResourcePool pool = new ResourcePool(offer.getResourcesList());
    Predicate<Resource> usable = selector(spec);
    List<NoOfferMatchReason> reasons = new ArrayList<>();

    boolean otherRole = offer.hasAllocationInfo()
        && !offer.getAllocationInfo().getRole().equals(spec.role());
    if (spec.reservationLabels().isEmpty()) {
      if (otherRole || !pool.any(usable)) {
        reasons.add(NoOfferMatchReason.UnfulfilledRole);
      }
    } else {
      if (otherRole) {
        reasons.add(NoOfferMatchReason.UnfulfilledRole);
      }
      if (!pool.any(usable)) {
        reasons.add(NoOfferMatchReason.NoCorrespondingReservationFound);
      }
    }
    List<Constraint> failing = ConstraintChecker.failing(spec.constraints(), AgentFacts.of(offer), placed);
    if (!failing.isEmpty()) {
      reasons.add(NoOfferMatchReason.UnfulfilledConstraint);
      LOG.debug("offer={} constraints not met: {}", offer.getId().getValue(), failing);
    }
    if (!availability.available(offer, now)) {
      reasons.add(NoOfferMatchReason.UnfulfilledConstraint);
      reasons.add(NoOfferMatchReason.AgentMaintenance);
    }
    Map<String, Long> scalars = scalars(spec);
    for (Map.Entry<String, Long> want : scalars.entrySet()) {
      if (pool.available(want.getKey(), usable) < want.getValue()) {
        reasons.add(reasonFor(want.getKey()));
      }
    }
    if (declineScarceGpus && spec.gpus() == 0 && pool.totalMillis("gpus") > 0) {
      reasons.add(NoOfferMatchReason.DeclinedScarceResources);
    }
    if (!reasons.isEmpty()) {
      return new NoMatch(offer, reasons);
    }
    Optional<List<Chosen>> chosen = ports.pick(spec.ports(), pool.portSlots(usable));
    if (chosen.isEmpty()) {
      return new NoMatch(offer, List.of(NoOfferMatchReason.InsufficientPorts));
    }

    List<Resource> launch = new ArrayList<>();
    scalars.forEach((name, amount) -> launch.addAll(pool.takeScalar(name, amount, usable)));
    launch.addAll(pool.takePorts(PortPicker.byResource(chosen.get())));
    List<Integer> hostPorts = chosen.get().stream().map(c -> (int) c.port()).toList();
    Offer remaining = offer.toBuilder().clearResources().addAllResources(pool.remaining()).build();
    return new Match(offer, launch, hostPorts,
        PortsEnv.of(offer.getHostname(), spec.ports(), hostPorts), remaining);
  }

  /**
   * Which resources the instance may use: an accepted role, and either its own reservation's
   * labels or, for an ordinary instance, no label marking a reservation for one instance.
   */
  private static Predicate<Resource> selector(InstanceSpec spec) {
    if (!spec.reservationLabels().isEmpty()) {
      Set<String> roles = Set.of(spec.role());
      return r -> roles.contains(ResourcePool.reservedRole(r))
          && ResourcePool.reservationLabels(r).entrySet().containsAll(spec.reservationLabels().entrySet());
    }
    Set<String> roles = spec.rolesToConsider();
    return r -> roles.contains(ResourcePool.reservedRole(r))
        && ResourcePool.reservationLabels(r).keySet().stream()
            .noneMatch(InstanceSpec.RESERVATION_LABEL_KEYS::contains);
  }

  /** The non-zero scalar requests in thousandths, in Marathon's order: cpus, mem, gpus, disk. */
  private static Map<String, Long> scalars(InstanceSpec spec) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("cpus", ResourcePool.millis(spec.cpus()));
    out.put("mem", ResourcePool.millis(spec.mem()));
    out.put("gpus", ResourcePool.millis(spec.gpus()));
    out.put("disk", ResourcePool.millis(spec.disk()));
    out.values().removeIf(v -> v == 0);
    return out;
  }

  private static NoOfferMatchReason reasonFor(String scalar) {
    return switch (scalar) {
      case "cpus" -> NoOfferMatchReason.InsufficientCpus;
      case "mem" -> NoOfferMatchReason.InsufficientMemory;
      case "disk" -> NoOfferMatchReason.InsufficientDisk;
      case "gpus" -> NoOfferMatchReason.InsufficientGpus;
      default -> throw new IllegalArgumentException("no reason for resource " + scalar);
    };
  }
}
