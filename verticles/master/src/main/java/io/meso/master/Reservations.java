package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.v1.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamic reservations per agent: resources a framework reserved for one of its roles with a
 * RESERVE operation, until an UNRESERVE. The master applies them to the total an agent reports
 * when it (re-)registers, and keeps them in the registry so they survive a master failover.
 */
final class Reservations {

  static final String REGISTRY_SECTION = "reservations";

  private final Map<String, Resources> byAgent = new HashMap<>();

  Resources of(String agentId) {
    return byAgent.getOrDefault(agentId, Resources.EMPTY);
  }

  void set(String agentId, Resources reserved) {
    if (reserved.isEmpty()) {
      byAgent.remove(agentId);
    } else {
      byAgent.put(agentId, reserved);
    }
  }

  /** The agent's total with its dynamic reservations carved out of the unreserved resources it reported. */
  Resources applyTo(String agentId, Resources reported) {
    Resources reserved = of(agentId);
    if (reserved.isEmpty()) {
      return reported;
    }
    Resources unreserved = unreservedCopy(reserved);
    if (!reported.contains(unreserved)) {
      // The agent came back smaller than its reservations: keep what it reports.
      return reported;
    }
    return reported.minus(unreserved).plus(reserved);
  }

  /** The same resources without any reservation (what a RESERVE takes and an UNRESERVE gives back). */
  static Resources unreservedCopy(Resources reserved) {
    return Resources.fromProto(strip(reserved.toProto()));
  }

  static List<Resource> strip(List<Resource> resources) {
    List<Resource> stripped = new ArrayList<>(resources.size());
    for (Resource r : resources) {
      stripped.add(r.toBuilder().clearReservations().clearReservation().clearRole().clearAllocationInfo().build());
    }
    return stripped;
  }

  byte[] encode(String agentId) {
    return io.meso.v1.Offer.Operation.Reserve.newBuilder().addAllResources(of(agentId).toProto()).build().toByteArray();
  }

  void decode(String agentId, byte[] value) throws com.google.protobuf.InvalidProtocolBufferException {
    set(agentId, Resources.fromProto(io.meso.v1.Offer.Operation.Reserve.parseFrom(value).getResourcesList()));
  }
}
