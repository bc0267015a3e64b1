package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.v1.Offer;
import java.util.List;

/**
 * RESERVE and UNRESERVE operations of an ACCEPT, checked and applied to resources: the same
 * function serves the dry run that refuses an invalid call before anything changes and the
 * {@link Launches#accept} that applies them.
 */
final class ReservationOperations {

  private ReservationOperations() {}

  /**
   * Applies one RESERVE or UNRESERVE to the resources the offers have left and to the agent's
   * dynamic reservations; returns both updated. RESERVE turns offered unreserved resources into
   * resources reserved for one of the framework's roles; UNRESERVE gives offered dynamically
   * reserved resources back to the unreserved pool. Static reservations cannot be unreserved.
   */
  static Resources[] apply(FrameworkRecord framework, Offer.Operation op, String field,
      Resources available, Resources dynamic) {
    boolean reserve = op.getType() == Offer.Operation.Type.RESERVE;
    String listField = field + (reserve ? ".reserve.resources" : ".unreserve.resources");
    List<io.meso.v1.Resource> list = reserve ? op.getReserve().getResourcesList() : op.getUnreserve().getResourcesList();
    for (int j = 0; j < list.size(); j++) {
      io.meso.v1.Resource r = list.get(j);
      String resRole = r.getReservationsCount() > 0 ? r.getReservations(r.getReservationsCount() - 1).getRole()
          : r.getRole();
      if (resRole.isEmpty() || resRole.equals("*")) {
        throw CallException.invalid(listField + "[" + j + "] '" + r.getName() + "' has no reservation role; set "
            + "reservations [{type: DYNAMIC, role: R}] with one of the framework's roles " + framework.roles);
      }
      if (!framework.roles.contains(resRole)) {
        throw CallException.invalid(listField + "[" + j + "] '" + r.getName() + "' names role '" + resRole
            + "', which is not one of the framework's roles " + framework.roles);
      }
      String principal = r.getReservationsCount() > 0 ? r.getReservations(r.getReservationsCount() - 1).getPrincipal()
          : r.getReservation().getPrincipal();
      if (reserve && !principal.isEmpty() && !principal.equals(framework.info.getPrincipal())) {
        throw CallException.invalid(listField + "[" + j + "] principal '" + principal
            + "' differs from the framework's principal '" + framework.info.getPrincipal() + "'");
      }
    }
    Resources reserved;
    try {
      reserved = Resources.fromProto(list);
    } catch (IllegalArgumentException e) {
      throw CallException.invalid(listField + ": " + e.getMessage());
    }
    Resources unreserved = Reservations.unreservedCopy(reserved);
    if (reserve) {
      if (!available.contains(unreserved)) {
        throw CallException.invalid(field + ": RESERVE needs " + unreserved + " unreserved but the offers have "
            + available + "; reserve only offered unreserved resources");
      }
      return new Resources[] {available.minus(unreserved).plus(reserved), dynamic.plus(reserved)};
    }
    if (!dynamic.contains(reserved)) {
      throw CallException.invalid(field + ": UNRESERVE of " + reserved + " but the agent's dynamic reservations are "
          + (dynamic.isEmpty() ? "none" : dynamic) + "; only dynamically reserved resources can be unreserved");
    }
    if (!available.contains(reserved)) {
      throw CallException.invalid(field + ": UNRESERVE of " + reserved + " but the offers have " + available
          + "; unreserve only offered resources that no task uses");
    }
    return new Resources[] {available.minus(reserved).plus(unreserved), dynamic.minus(reserved)};
  }
}
