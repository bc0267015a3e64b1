package io.meso.services.placement;

/**
 * Why an offer did not fit an instance, declared in Marathon's funnel order
 * ({@code mesosphere/mesos/NoOfferMatchReason.scala} reasonFunnel): an unmatched offer is counted
 * under the first of its reasons in this order. The names are the strings {@code /v2/queue}
 * shows.
 */
public enum NoOfferMatchReason {
  UnfulfilledRole,
  UnfulfilledConstraint,
  NoCorrespondingReservationFound,
  AgentMaintenance,
  InsufficientCpus,
  InsufficientMemory,
  InsufficientDisk,
  InsufficientGpus,
  InsufficientPorts,
  DeclinedScarceResources
}
