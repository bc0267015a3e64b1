package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.codecs.Addresses;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.scheduler.Call;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Handles scheduler calls, whatever transport they came through. Every call is validated
 * before it changes anything; an invalid call is refused with 400 and a message naming the
 * field and value, a call for a framework that is not subscribed with 403.
 */
final class SchedulerCalls {

  /** Mesos caps decline filters at 365 days. */
  private static final double MAX_REFUSE_SECONDS = 365.0 * 24 * 3600;
  private static final double DEFAULT_REFUSE_SECONDS = 5.0;

  private final MasterVerticle m;
  private final MasterState s;

  SchedulerCalls(MasterVerticle master) {
    this.m = master;
    this.s = master.state;
  }

  void handle(Message<Call> message) {
    String disconnected = message.headers().get(Addresses.DISCONNECTED_HEADER);
    Call call = message.body();
    if (disconnected != null) {
      // Match by the events address: the transport may have lost its subscriber before it
      // learnt the framework id.
      FrameworkRecord framework = s.frameworks.get(call.getFrameworkId().getValue());
      if (framework == null || !disconnected.equals(framework.eventsAddress)) {
        framework = s.frameworks.values().stream().filter(f -> disconnected.equals(f.eventsAddress)).findFirst()
            .orElse(null);
      }
      if (framework != null) {
        s.disconnectFramework(framework);
      }
      return;
    }
    try {
      if (!call.hasType() || call.getType() == Call.Type.UNKNOWN) {
        throw CallException.invalid(io.meso.codecs.CallTypes.unknown(call, null));
      }
      String principal = Authorization.principal(message);
      if (call.getType() == Call.Type.SUBSCRIBE) {
        subscribe(call, message.headers().get(Addresses.EVENTS_HEADER), principal);
        message.reply(null);
        return;
      }
      FrameworkRecord framework = subscribed(call);
      fromCurrentSubscription(framework, call, message.headers().get(Addresses.SUBSCRIPTION_HEADER));
      framework.lastCallNanos = System.nanoTime();
      String owner = Authorization.principalOf(framework.info);
      if (principal != null && !principal.equals(owner)) {
        throw CallException.forbidden("principal '" + principal + "' may not send calls for framework '" + framework.id
            + "', which was registered by " + (owner == null ? "no principal" : "principal '" + owner + "'"));
      }
      switch (call.getType()) {
        case TEARDOWN -> s.removeFramework(framework, "it asked to be torn down (TEARDOWN)");
        case ACCEPT -> accept(framework, call, principal);
        case DECLINE -> decline(framework, call);
        case REVIVE -> revive(framework, call);
        case SUPPRESS -> suppress(framework, call);
        case KILL -> kill(framework, call);
        case ACKNOWLEDGE -> acknowledge(framework, call);
        case RECONCILE -> reconcile(framework, call);
        case SHUTDOWN, MESSAGE, REQUEST -> {
          // No custom executors run on Meso agents, so there is nothing to shut down or message;
          // REQUEST is accepted and ignored, as Mesos's allocator does.
        }
        default -> throw CallException.invalid("call.type " + call.getType() + " is not supported by Meso");
      }
      message.reply(null);
    } catch (CallException e) {
      s.metrics.invalidCalls++;
      MasterVerticle.fail(message, e);
    } catch (RuntimeException e) {
      s.metrics.invalidCalls++;
      s.log("call failed type={} cause={}", call.getType(), e.toString());
      message.fail(500, "the master could not process the " + call.getType() + " call: " + e.getMessage());
    }
  }

  private FrameworkRecord subscribed(Call call) {
    if (!call.hasFrameworkId() || call.getFrameworkId().getValue().isEmpty()) {
      throw CallException.invalid("call.framework_id is missing; every call but SUBSCRIBE must name the framework");
    }
    String id = call.getFrameworkId().getValue();
    FrameworkRecord framework = s.frameworks.get(id);
    if (framework == null) {
      throw CallException.forbidden("framework '" + id + "' is not subscribed; send SUBSCRIBE first");
    }
    if (!framework.connected()) {
      throw CallException.forbidden("framework '" + id + "' is disconnected; re-subscribe with framework_info.id '"
          + id + "'");
    }
    return framework;
  }

  /**
   * Only the framework's current subscription may act for it: a call must carry, in
   * {@link Addresses#SUBSCRIPTION_HEADER}, the events address of that subscription (each door
   * derives it from the stream id its client was given at SUBSCRIBE). The current address is
   * never named in the answer: it is what proves a subscription.
   */
  private static void fromCurrentSubscription(FrameworkRecord framework, Call call, String subscription) {
    if (subscription == null || subscription.isEmpty()) {
      throw CallException.preconditionFailed("the " + call.getType() + " call for framework '" + framework.id
          + "' does not say which subscription it comes from: send the 'mesos-stream-id' the framework's Subscribe "
          + "response carried (gRPC metadata; on the event bus, header '" + Addresses.SUBSCRIPTION_HEADER
          + "' with the subscription's events address)");
    }
    if (!subscription.equals(framework.eventsAddress)) {
      throw CallException.forbidden("the " + call.getType() + " call for framework '" + framework.id
          + "' does not come from the framework's current subscription (it names subscription '" + subscription
          + "'); only the subscription that received the latest SUBSCRIBED may send calls for it");
    }
  }

  // ---- SUBSCRIBE -----------------------------------------------------------------------

  private void subscribe(Call call, String eventsAddress, String principal) {
    if (eventsAddress == null || eventsAddress.isEmpty()) {
      throw CallException.invalid("SUBSCRIBE needs the '" + Addresses.EVENTS_HEADER + "' header naming the event address");
    }
    if (!call.hasSubscribe() || !call.getSubscribe().hasFrameworkInfo()) {
      throw CallException.invalid("subscribe.framework_info is missing; SUBSCRIBE must describe the framework");
    }
    FrameworkInfo info = call.getSubscribe().getFrameworkInfo();
    validateFrameworkInfo(info);
    if (call.hasFrameworkId() && info.hasId() && !call.getFrameworkId().equals(info.getId())) {
      throw CallException.invalid("call.framework_id '" + call.getFrameworkId().getValue()
          + "' differs from subscribe.framework_info.id '" + info.getId().getValue() + "'; they must match");
    }
    Set<String> roles = FrameworkRecord.rolesOf(info);
    Set<String> suppressed = new LinkedHashSet<>(call.getSubscribe().getSuppressedRolesList());
    for (String role : suppressed) {
      if (!roles.contains(role)) {
        throw CallException.invalid("subscribe.suppressed_roles contains '" + role
            + "', which is not one of the framework's roles " + roles);
      }
    }
    info = authorizeSubscription(info, roles, principal);
    s.subscribe(info, suppressed, eventsAddress);
  }

  /**
   * ACLs of a SUBSCRIBE, checked before anything changes: framework_info.principal, if set, must
   * be the authenticated principal (and is set to it if not); each role needs register_frameworks;
   * a framework that exists may only be re-subscribed by the principal that registered it (a
   * hijack is refused with 403 and its live subscription keeps going). Returns the info to use.
   */
  private FrameworkInfo authorizeSubscription(FrameworkInfo info, Set<String> roles, String principal) {
    if (principal != null) {
      if (info.hasPrincipal() && !info.getPrincipal().isEmpty() && !info.getPrincipal().equals(principal)) {
        throw CallException.forbidden("framework_info.principal '" + info.getPrincipal()
            + "' differs from the authenticated principal '" + principal + "'; leave it out or set it to '"
            + principal + "'");
      }
      if (!info.hasPrincipal() || info.getPrincipal().isEmpty()) {
        info = info.toBuilder().setPrincipal(principal).build();
      }
    }
    for (String role : roles) {
      m.authz.check(principal, io.meso.security.acl.AclAction.REGISTER_FRAMEWORKS, role);
    }
    if (info.hasId() && !info.getId().getValue().isEmpty()) {
      FrameworkRecord existing = s.frameworks.get(info.getId().getValue());
      if (existing != null) {
        String owner = Authorization.principalOf(existing.info);
        String claimant = principal != null ? principal : Authorization.principalOf(info);
        if (!java.util.Objects.equals(owner, claimant)) {
          s.log("framework subscription refused framework={} registered_by={} attempted_by={}", existing.id,
              owner, claimant);
          throw CallException.forbidden("framework '" + existing.id + "' was registered by "
              + (owner == null ? "no principal" : "principal '" + owner + "'") + "; "
              + (claimant == null ? "an unauthenticated request" : "principal '" + claimant + "'")
              + " may not subscribe as it");
        }
      }
    }
    return info;
  }

  static void validateFrameworkInfo(FrameworkInfo info) {
    InputLimits.checkFrameworkInfo(info);
    if (!info.hasName() || info.getName().isBlank()) {
      throw CallException.invalid("framework_info.name is missing; give the framework a name");
    }
    if (!info.hasUser()) {
      throw CallException.invalid("framework_info.user is missing; set the Unix user tasks run as (may be empty)");
    }
    double timeout = info.getFailoverTimeout();
    if (Double.isNaN(timeout) || Double.isInfinite(timeout) || timeout < 0) {
      throw CallException.invalid("framework_info.failover_timeout is " + timeout
          + "; expected a finite number of seconds >= 0");
    }
    boolean multiRole = info.getCapabilitiesList().stream()
        .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE);
    if (!multiRole && info.getRolesCount() > 0) {
      throw CallException.invalid("framework_info.roles is set without the MULTI_ROLE capability; "
          + "add the capability or use framework_info.role");
    }
    if (multiRole && info.hasRole()) {
      throw CallException.invalid("framework_info.role and framework_info.roles are both set; "
          + "with MULTI_ROLE use only roles");
    }
    List<String> roles = multiRole ? info.getRolesList() : List.of(info.getRole());
    Set<String> seen = new HashSet<>();
    for (String role : roles) {
      Roles.validate("framework_info.roles", role);
      if (!seen.add(role)) {
        throw CallException.invalid("framework_info.roles lists '" + role + "' twice; list each role once");
      }
    }
  }

  // ---- ACCEPT / DECLINE ----------------------------------------------------------------

  private void accept(FrameworkRecord framework, Call call, String principal) {
    if (!call.hasAccept()) {
      throw CallException.invalid("call.accept is missing for an ACCEPT call");
    }
    Call.Accept accept = call.getAccept();
    for (int i = 0; i < accept.getOperationsCount(); i++) {
      Offer.Operation op = accept.getOperations(i);
      switch (op.getType()) {
        case LAUNCH -> {
          if (!op.hasLaunch()) {
            throw CallException.invalid("accept.operations[" + i + "].launch is missing for a LAUNCH operation");
          }
        }
        case LAUNCH_GROUP -> {
          if (!op.hasLaunchGroup() || !op.getLaunchGroup().hasTaskGroup()) {
            throw CallException.invalid("accept.operations[" + i + "].launch_group.task_group is missing for a "
                + "LAUNCH_GROUP operation");
          }
        }
        case RESERVE -> {
          if (!op.hasReserve() || op.getReserve().getResourcesCount() == 0) {
            throw CallException.invalid("accept.operations[" + i + "].reserve.resources is empty for a RESERVE "
                + "operation; list the resources to reserve, each with reservations [{type: DYNAMIC, role: R}]");
          }
        }
        case UNRESERVE -> {
          if (!op.hasUnreserve() || op.getUnreserve().getResourcesCount() == 0) {
            throw CallException.invalid("accept.operations[" + i + "].unreserve.resources is empty for an UNRESERVE "
                + "operation; list the reserved resources to give back");
          }
        }
        default -> throw CallException.invalid("accept.operations[" + i + "].type " + op.getType()
            + " is not supported; Meso supports LAUNCH, LAUNCH_GROUP, RESERVE and UNRESERVE");
      }
    }
    double refuse = refuseSeconds(accept.hasFilters() ? accept.getFilters().getRefuseSeconds() : DEFAULT_REFUSE_SECONDS);

    // Check the offers: all must be this framework's, outstanding, distinct and on one agent.
    String invalidOffers = null;
    String agentId = null;
    List<OfferRecord> used = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (accept.getOfferIdsCount() == 0) {
      invalidOffers = "accept.offer_ids is empty; name the offers the operations use";
    }
    for (OfferID offerId : accept.getOfferIdsList()) {
      String id = offerId.getValue();
      OfferRecord offer = s.offers.get(id);
      if (!seen.add(id)) {
        invalidOffers = "offer '" + id + "' is listed twice in accept.offer_ids";
      } else if (offer == null) {
        invalidOffers = "offer '" + id + "' is unknown: it was never made, already used, declined, rescinded or expired";
      } else if (!offer.frameworkId().equals(framework.id)) {
        invalidOffers = "offer '" + id + "' was made to another framework";
        offer = null;
      } else if (agentId != null && !agentId.equals(offer.agentId())) {
        invalidOffers = "offers are on two agents ('" + agentId + "' and '" + offer.agentId()
            + "'); one ACCEPT may only use offers of one agent";
      }
      if (offer != null && offer.frameworkId().equals(framework.id) && !used.contains(offer)) {
        used.add(offer);
        agentId = agentId == null ? offer.agentId() : agentId;
      }
    }
    if (invalidOffers != null) {
      s.launches.refuseOffers(framework, used, accept, invalidOffers);
      return;
    }
    Resources available = Resources.EMPTY;
    for (OfferRecord offer : used) {
      available = available.plus(offer.resources());
    }
    // Reservation operations are checked in full before anything changes: an invalid one
    // refuses the whole call (400) and leaves the offers outstanding.
    Resources dynamic = s.reservations.of(agentId);
    Resources dryRun = available;
    for (int i = 0; i < accept.getOperationsCount(); i++) {
      Offer.Operation op = accept.getOperations(i);
      if (op.getType() == Offer.Operation.Type.RESERVE || op.getType() == Offer.Operation.Type.UNRESERVE) {
        authorizeReservation(op, principal);
        Resources[] next = ReservationOperations.apply(framework, op, "accept.operations[" + i + "]", dryRun, dynamic);
        dryRun = next[0];
        dynamic = next[1];
      }
    }
    s.launches.accept(framework, used, agentId, accept, refuse, task -> {
      String user = Authorization.userOf(task, framework.info);
      return m.authz.allows(principal, io.meso.security.acl.AclAction.RUN_TASKS, user) ? null
          : io.meso.security.acl.AccessDenied.message(principal, io.meso.security.acl.AclAction.RUN_TASKS, user);
    });
  }

  /**
   * RESERVE needs reserve_resources for each resource's role, UNRESERVE unreserve_resources for
   * the principal that reserved it (as the operation states it; Meso's reservations do not keep
   * the reserver): a denial refuses the whole ACCEPT with 403, before anything changes.
   */
  private void authorizeReservation(Offer.Operation op, String principal) {
    boolean reserve = op.getType() == Offer.Operation.Type.RESERVE;
    for (io.meso.v1.Resource r : reserve ? op.getReserve().getResourcesList() : op.getUnreserve().getResourcesList()) {
      io.meso.v1.Resource.ReservationInfo last = r.getReservationsCount() > 0
          ? r.getReservations(r.getReservationsCount() - 1) : r.getReservation();
      if (reserve) {
        m.authz.check(principal, io.meso.security.acl.AclAction.RESERVE_RESOURCES,
            last.getRole().isEmpty() ? r.getRole() : last.getRole());
      } else {
        m.authz.check(principal, io.meso.security.acl.AclAction.UNRESERVE_RESOURCES,
            last.getPrincipal().isEmpty() ? null : last.getPrincipal());
      }
    }
  }

  private void decline(FrameworkRecord framework, Call call) {
    if (!call.hasDecline()) {
      throw CallException.invalid("call.decline is missing for a DECLINE call");
    }
    double refuse = refuseSeconds(call.getDecline().hasFilters()
        ? call.getDecline().getFilters().getRefuseSeconds() : DEFAULT_REFUSE_SECONDS);
    for (OfferID offerId : call.getDecline().getOfferIdsList()) {
      s.declineOffer(framework, offerId.getValue(), refuse); // declining an offer that is gone is harmless
    }
  }

  /** Filters: negative means the default (5 s); more than 365 days is capped, as in Mesos. */
  static double refuseSeconds(double requested) {
    if (Double.isNaN(requested)) {
      throw CallException.invalid("filters.refuse_seconds is NaN; expected a number of seconds");
    }
    if (requested < 0) {
      return DEFAULT_REFUSE_SECONDS;
    }
    return Math.min(requested, MAX_REFUSE_SECONDS);
  }

  // ---- REVIVE / SUPPRESS ---------------------------------------------------------------

  private void revive(FrameworkRecord framework, Call call) {
    Set<String> roles = roles(framework, "revive.roles", call.hasRevive() ? call.getRevive().getRolesList() : List.of());
    s.allocator.reviveOffers(framework.id, roles);
  }

  private void suppress(FrameworkRecord framework, Call call) {
    Set<String> roles = roles(framework, "suppress.roles", call.hasSuppress() ? call.getSuppress().getRolesList() : List.of());
    s.allocator.suppressOffers(framework.id, roles);
  }

  private static Set<String> roles(FrameworkRecord framework, String field, List<String> roles) {
    Set<String> result = new LinkedHashSet<>();
    for (String role : roles) {
      if (!framework.roles.contains(role)) {
        throw CallException.invalid(field + " contains '" + role + "', which is not one of the framework's roles "
            + framework.roles);
      }
      result.add(role);
    }
    return result;
  }

  // ---- KILL / ACKNOWLEDGE / RECONCILE --------------------------------------------------

  private void kill(FrameworkRecord framework, Call call) {
    if (!call.hasKill() || !call.getKill().hasTaskId() || call.getKill().getTaskId().getValue().isEmpty()) {
      throw CallException.invalid("kill.task_id is missing; name the task to kill");
    }
    s.launches.kill(framework, call.getKill().getTaskId(),
        call.getKill().hasAgentId() ? call.getKill().getAgentId().getValue() : null,
        call.getKill().hasKillPolicy() ? call.getKill().getKillPolicy() : null);
  }

  private void acknowledge(FrameworkRecord framework, Call call) {
    if (!call.hasAcknowledge()) {
      throw CallException.invalid("call.acknowledge is missing for an ACKNOWLEDGE call");
    }
    Call.Acknowledge ack = call.getAcknowledge();
    if (!ack.hasAgentId() || ack.getAgentId().getValue().isEmpty()) {
      throw CallException.invalid("acknowledge.agent_id is missing; copy it from the update's status.agent_id");
    }
    if (!ack.hasTaskId() || ack.getTaskId().getValue().isEmpty()) {
      throw CallException.invalid("acknowledge.task_id is missing; copy it from the update's status.task_id");
    }
    if (ack.getUuid().size() != 16) {
      throw CallException.invalid("acknowledge.uuid is " + ack.getUuid().size()
          + " bytes; expected the 16-byte uuid of the update being acknowledged");
    }
    s.launches.acknowledge(framework, ack);
  }

  private void reconcile(FrameworkRecord framework, Call call) {
    List<Call.Reconcile.Task> asked = call.hasReconcile() ? call.getReconcile().getTasksList() : List.of();
    for (int i = 0; i < asked.size(); i++) {
      Call.Reconcile.Task t = asked.get(i);
      if (!t.hasTaskId() || t.getTaskId().getValue().isEmpty()) {
        throw CallException.invalid("reconcile.tasks[" + i + "].task_id is missing");
      }
    }
    s.reconciliation.reconcile(framework, asked, m.agentManager.awaitedCount());
  }
}
