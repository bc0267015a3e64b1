package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.codecs.Addresses;
import io.meso.codecs.TaskEnd;
import io.meso.internal.KillTaskMessage;
import io.meso.internal.RunTaskMessage;
import io.meso.internal.StatusUpdateAcknowledgementMessage;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
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

  SchedulerCalls(MasterVerticle master) {
    this.m = master;
  }

  void handle(Message<Call> message) {
    String disconnected = message.headers().get(Addresses.DISCONNECTED_HEADER);
    Call call = message.body();
    if (disconnected != null) {
      // Match by the events address: the transport may have lost its subscriber before it
      // learnt the framework id.
      FrameworkRecord framework = m.frameworks.get(call.getFrameworkId().getValue());
      if (framework == null || !disconnected.equals(framework.eventsAddress)) {
        framework = m.frameworks.values().stream().filter(f -> disconnected.equals(f.eventsAddress)).findFirst()
            .orElse(null);
      }
      if (framework != null) {
        m.disconnectFramework(framework);
      }
      return;
    }
    try {
      if (!call.hasType() || call.getType() == Call.Type.UNKNOWN) {
        throw CallException.invalid(io.meso.codecs.CallTypes.unknown(call, null));
      }
      if (call.getType() == Call.Type.SUBSCRIBE) {
        subscribe(call, message.headers().get(Addresses.EVENTS_HEADER));
        message.reply(null);
        return;
      }
      FrameworkRecord framework = subscribed(call);
      fromCurrentSubscription(framework, call, message.headers().get(Addresses.SUBSCRIPTION_HEADER));
      switch (call.getType()) {
        case TEARDOWN -> m.removeFramework(framework, "it asked to be torn down (TEARDOWN)");
        case ACCEPT -> accept(framework, call);
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
      m.metrics.invalidCalls++;
      MasterVerticle.fail(message, e);
    } catch (RuntimeException e) {
      m.metrics.invalidCalls++;
      m.log("call failed type={} cause={}", call.getType(), e.toString());
      message.fail(500, "the master could not process the " + call.getType() + " call: " + e.getMessage());
    }
  }

  private FrameworkRecord subscribed(Call call) {
    if (!call.hasFrameworkId() || call.getFrameworkId().getValue().isEmpty()) {
      throw CallException.invalid("call.framework_id is missing; every call but SUBSCRIBE must name the framework");
    }
    String id = call.getFrameworkId().getValue();
    FrameworkRecord framework = m.frameworks.get(id);
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

  private void subscribe(Call call, String eventsAddress) {
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
    FrameworkRecord framework;
    if (info.hasId() && !info.getId().getValue().isEmpty()) {
      String id = info.getId().getValue();
      framework = m.frameworks.get(id);
      if (framework == null && m.completedFrameworks.containsKey(id)) {
        throw CallException.forbidden("framework '" + id + "' was removed; subscribe without an id to start anew");
      }
      if (framework == null) {
        // Unknown id: a framework re-subscribing after a master failover. Its tasks are re-learned from agents.
        framework = new FrameworkRecord(id, info, Tasks.nowSeconds());
        m.frameworks.put(id, framework);
        attach(framework, eventsAddress);
        m.allocator.addFramework(id, m.frameworkSpec(framework, suppressed), m.usedByAgent(framework), true);
      } else {
        // Failover of a known framework: the new subscription replaces the old one.
        if (framework.connected() && !eventsAddress.equals(framework.eventsAddress)) {
          m.sendError(framework, "Framework failed over: a newer subscription for " + id + " replaced this one");
        }
        if (framework.failoverTimerId >= 0) {
          m.vertx().cancelTimer(framework.failoverTimerId);
          framework.failoverTimerId = -1;
        }
        framework.update(info.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build());
        for (String offerId : List.copyOf(framework.offerIds)) {
          m.rescindOffer(offerId);
        }
        attach(framework, eventsAddress);
        m.allocator.updateFramework(id, m.frameworkSpec(framework, suppressed));
        m.allocator.activateFramework(id);
      }
      m.log("framework re-subscribed framework={} name={}", id, info.getName());
      m.events.frameworkUpdated(framework);
    } else {
      String id = m.newFrameworkId();
      framework = new FrameworkRecord(id, info.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build(),
          Tasks.nowSeconds());
      m.frameworks.put(id, framework);
      attach(framework, eventsAddress);
      m.allocator.addFramework(id, m.frameworkSpec(framework, suppressed), java.util.Map.of(), true);
      m.log("framework subscribed framework={} name={} roles={}", id, info.getName(), framework.roles);
      m.events.frameworkAdded(framework);
    }
  }

  private void attach(FrameworkRecord framework, String eventsAddress) {
    framework.eventsAddress = eventsAddress;
    m.registryFramework(framework);
    m.sendEvent(framework, Event.newBuilder().setType(Event.Type.SUBSCRIBED)
        .setSubscribed(Event.Subscribed.newBuilder()
            .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id))
            .setHeartbeatIntervalSeconds(m.options.getHeartbeatIntervalMillis() / 1000.0)
            .setMasterInfo(m.masterInfo))
        .build());
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

  private void accept(FrameworkRecord framework, Call call) {
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
      OfferRecord offer = m.offers.get(id);
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
      for (OfferRecord offer : used) {
        m.removeOffer(offer.id());
        m.allocator.recoverResources(framework.id, offer.agentId(), offer.resources(), 0);
      }
      dropAll(framework, accept, invalidOffers);
      return;
    }
    Resources available = Resources.EMPTY;
    String role = used.isEmpty() ? null : used.get(0).role();
    for (OfferRecord offer : used) {
      available = available.plus(offer.resources());
    }
    // Reservation operations are checked in full before anything changes: an invalid one
    // refuses the whole call (400) and leaves the offers outstanding.
    Resources dynamic = m.reservations.of(agentId);
    Resources dryRun = available;
    for (int i = 0; i < accept.getOperationsCount(); i++) {
      Offer.Operation op = accept.getOperations(i);
      if (op.getType() == Offer.Operation.Type.RESERVE || op.getType() == Offer.Operation.Type.UNRESERVE) {
        Resources[] next = applyReservation(framework, op, "accept.operations[" + i + "]", dryRun, dynamic);
        dryRun = next[0];
        dynamic = next[1];
      }
    }
    for (OfferRecord offer : used) {
      m.removeOffer(offer.id());
    }
    AgentRecord agent = m.agents.get(agentId);
    Resources dynamicBefore = m.reservations.of(agentId);
    dynamic = dynamicBefore;
    // A live view: launch() adds each accepted task to framework.tasks, so later tasks of this
    // call see it too. (Copying it on every ACCEPT was a third of the master's time in `meso bench`.)
    Set<String> activeIds = java.util.Collections.unmodifiableSet(framework.tasks.keySet());
    for (int i = 0; i < accept.getOperationsCount(); i++) {
      Offer.Operation op = accept.getOperations(i);
      String field = "accept.operations[" + i + "]";
      if (op.getType() == Offer.Operation.Type.RESERVE || op.getType() == Offer.Operation.Type.UNRESERVE) {
        Resources[] next = applyReservation(framework, op, field, available, dynamic);
        available = next[0];
        dynamic = next[1];
        continue;
      }
      List<TaskInfo> tasks = op.getType() == Offer.Operation.Type.LAUNCH
          ? op.getLaunch().getTaskInfosList() : op.getLaunchGroup().getTaskGroup().getTasksList();
      String listField = field + (op.getType() == Offer.Operation.Type.LAUNCH ? ".launch.task_infos" : ".launch_group.task_group.tasks");
      if (op.getType() == Offer.Operation.Type.LAUNCH_GROUP) {
        // A group launches atomically: if one task is invalid, none is launched.
        Resources groupAvailable = available;
        Set<String> groupIds = new HashSet<>(activeIds);
        LaunchValidator.Rejection rejection = null;
        for (int t = 0; t < tasks.size() && rejection == null; t++) {
          rejection = LaunchValidator.validate(listField + "[" + t + "]", tasks.get(t), agentId, groupIds, groupAvailable);
          if (rejection == null) {
            groupIds.add(tasks.get(t).getTaskId().getValue());
            groupAvailable = groupAvailable.minus(Resources.fromProto(tasks.get(t).getResourcesList()));
          }
        }
        if (rejection != null) {
          for (TaskInfo task : tasks) {
            reject(framework, task, agentId, TaskState.TASK_ERROR, TaskStatus.Reason.REASON_TASK_GROUP_INVALID,
                "task group is invalid: " + rejection.message());
          }
          continue;
        }
      }
      for (int t = 0; t < tasks.size(); t++) {
        TaskInfo task = tasks.get(t);
        LaunchValidator.Rejection rejection =
            LaunchValidator.validate(listField + "[" + t + "]", task, agentId, activeIds, available);
        if (rejection != null) {
          reject(framework, task, agentId, TaskState.TASK_ERROR, rejection.reason(), rejection.message());
          continue;
        }
        Resources needed = Resources.fromProto(task.getResourcesList());
        available = available.minus(needed);
        launch(framework, agent, task, needed, role);
      }
    }
    if (!dynamic.equals(dynamicBefore)) {
      // The agent's total changed shape (unreserved <-> reserved): other offers on it are stale,
      // and the allocator re-learns the agent with what its tasks use; the unused rest is free.
      Resources reported = agent.total.minus(dynamicBefore).plus(Reservations.unreservedCopy(dynamicBefore));
      m.reservations.set(agentId, dynamic);
      agent.total = m.reservations.applyTo(agentId, reported);
      m.registryReservations(agentId);
      for (String offerId : List.copyOf(agent.offerIds)) {
        m.rescindOffer(offerId);
      }
      m.allocator.removeAgent(agentId);
      m.allocator.addAgent(agentId, m.agentSpec(agent), agent.usedByFramework());
      m.log("reservations changed agent={} framework={} reserved={}", agentId, framework.id, dynamic);
    } else if (!available.isEmpty()) {
      m.allocator.recoverResources(framework.id, agentId, available, refuse);
    }
  }

  /**
   * Applies one RESERVE or UNRESERVE to the resources the offers have left and to the agent's
   * dynamic reservations; returns both updated. RESERVE turns offered unreserved resources into
   * resources reserved for one of the framework's roles; UNRESERVE gives offered dynamically
   * reserved resources back to the unreserved pool. Static reservations cannot be unreserved.
   */
  private Resources[] applyReservation(FrameworkRecord framework, Offer.Operation op, String field,
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

  private void launch(FrameworkRecord framework, AgentRecord agent, TaskInfo task, Resources resources, String role) {
    TaskRecord record = new TaskRecord(task, framework.id, agent.id, resources, Tasks.nowSeconds());
    TaskStatus staging = TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(TaskState.TASK_STAGING)
        .setSource(TaskStatus.Source.SOURCE_MASTER).setTimestamp(record.createdAt)
        .setAgentId(task.getAgentId()).build();
    record.addStatus(staging);
    framework.tasks.put(record.id(), record);
    agent.addTask(record);
    m.metrics.tasksLaunched++;
    m.events.taskAdded(framework, record);
    m.bus.send(Addresses.agent(agent.id), RunTaskMessage.newBuilder().setFramework(framework.info).setTask(task).build());
  }

  /** Offers were invalid: every task of the call is dropped (or lost, for older frameworks). */
  private void dropAll(FrameworkRecord framework, Call.Accept accept, String why) {
    TaskState state = TaskEnd.INVALID_OFFERS.state(framework.partitionAware());
    for (Offer.Operation op : accept.getOperationsList()) {
      List<TaskInfo> tasks = op.getType() == Offer.Operation.Type.LAUNCH
          ? op.getLaunch().getTaskInfosList() : op.getLaunchGroup().getTaskGroup().getTasksList();
      for (TaskInfo task : tasks) {
        reject(framework, task, task.getAgentId().getValue(), state, TaskEnd.INVALID_OFFERS.reason(), why);
      }
    }
  }

  private void reject(FrameworkRecord framework, TaskInfo task, String agentId, TaskState state,
      TaskStatus.Reason reason, String message) {
    m.metrics.tasksRejected++;
    m.metrics.taskEnded(state);
    TaskID taskId = task.hasTaskId() ? task.getTaskId() : TaskID.newBuilder().setValue("").build();
    m.sendUpdate(framework, Tasks.masterStatus(taskId, agentId, state, reason, message));
  }

  private void decline(FrameworkRecord framework, Call call) {
    if (!call.hasDecline()) {
      throw CallException.invalid("call.decline is missing for a DECLINE call");
    }
    double refuse = refuseSeconds(call.getDecline().hasFilters()
        ? call.getDecline().getFilters().getRefuseSeconds() : DEFAULT_REFUSE_SECONDS);
    for (OfferID offerId : call.getDecline().getOfferIdsList()) {
      OfferRecord offer = m.offers.get(offerId.getValue());
      if (offer == null || !offer.frameworkId().equals(framework.id)) {
        continue; // declining an offer that is gone is harmless, as in Mesos
      }
      m.removeOffer(offer.id());
      m.metrics.offersDeclined++;
      m.allocator.recoverResources(framework.id, offer.agentId(), offer.resources(), refuse);
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
    m.allocator.reviveOffers(framework.id, roles);
  }

  private void suppress(FrameworkRecord framework, Call call) {
    Set<String> roles = roles(framework, "suppress.roles", call.hasSuppress() ? call.getSuppress().getRolesList() : List.of());
    m.allocator.suppressOffers(framework.id, roles);
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
    String taskId = call.getKill().getTaskId().getValue();
    TaskRecord task = framework.tasks.get(taskId);
    if (task == null || task.terminal()) {
      if (task == null) {
        m.sendUpdate(framework, Tasks.endStatus(TaskEnd.UNKNOWN, framework, call.getKill().getTaskId(),
            call.getKill().hasAgentId() ? call.getKill().getAgentId().getValue() : null,
            "Task " + taskId + " is unknown to the master"));
      }
      return;
    }
    killTask(m, task, call.getKill().hasKillPolicy() ? call.getKill().getKillPolicy() : null);
  }

  static void killTask(MasterVerticle m, TaskRecord task, io.meso.v1.KillPolicy policy) {
    KillTaskMessage.Builder kill = KillTaskMessage.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(task.frameworkId))
        .setTaskId(task.info.getTaskId());
    if (policy != null) {
      kill.setKillPolicy(policy);
    } else if (task.info.hasKillPolicy()) {
      kill.setKillPolicy(task.info.getKillPolicy());
    }
    m.bus.send(Addresses.agent(task.agentId), kill.build());
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
    TaskRecord task = framework.tasks.get(ack.getTaskId().getValue());
    if (task != null && ack.getUuid().equals(task.pendingUpdateUuid)) {
      task.pendingUpdateUuid = null;
      task.pendingUpdateState = null;
      if (task.terminal()) {
        m.completeTask(framework, task);
      }
    }
    m.bus.send(Addresses.agent(ack.getAgentId().getValue()), StatusUpdateAcknowledgementMessage.newBuilder()
        .setAgentId(ack.getAgentId())
        .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id))
        .setTaskId(ack.getTaskId())
        .setUuid(ack.getUuid())
        .build());
  }

  private void reconcile(FrameworkRecord framework, Call call) {
    List<Call.Reconcile.Task> asked = call.hasReconcile() ? call.getReconcile().getTasksList() : List.of();
    if (asked.isEmpty()) {
      // Implicit reconciliation: the latest state of every task the master knows for this framework.
      for (TaskRecord task : framework.tasks.values()) {
        m.sendUpdate(framework, reconciled(task));
      }
      return;
    }
    for (int i = 0; i < asked.size(); i++) {
      Call.Reconcile.Task t = asked.get(i);
      if (!t.hasTaskId() || t.getTaskId().getValue().isEmpty()) {
        throw CallException.invalid("reconcile.tasks[" + i + "].task_id is missing");
      }
    }
    for (Call.Reconcile.Task t : asked) {
      TaskRecord task = framework.tasks.get(t.getTaskId().getValue());
      if (task == null) {
        task = framework.completed.stream().filter(c -> c.id().equals(t.getTaskId().getValue()))
            .reduce((a, b) -> b).orElse(null);
      }
      if (task != null) {
        m.sendUpdate(framework, reconciled(task));
      } else {
        TaskStatus unknown = unknownTask(framework, t);
        if (unknown != null) {
          m.sendUpdate(framework, unknown);
        }
      }
    }
  }

  /**
   * The answer to reconciling a task the master does not know, as in Mesos, by what the master
   * knows of the agent named: registered, TASK_GONE (the agent would have reported it);
   * unreachable (also one the registry holds as unreachable that has not re-registered since a
   * failover), TASK_UNREACHABLE with its unreachable time; admitted before a failover and not
   * re-registered yet, no answer (the agent reports its tasks when it does, or is recorded
   * unreachable after the re-register timeout); marked gone by the operator, TASK_GONE_BY_OPERATOR;
   * not named while any agent admitted before a failover has not re-registered yet, no answer either;
   * unknown or not named, TASK_UNKNOWN. Frameworks
   * without PARTITION_AWARE get TASK_LOST instead of each of those states.
   */
  private TaskStatus unknownTask(FrameworkRecord framework, Call.Reconcile.Task t) {
    String agentId = t.hasAgentId() && !t.getAgentId().getValue().isEmpty() ? t.getAgentId().getValue() : null;
    AgentRecord agent = agentId == null ? null : m.agents.get(agentId);
    Double unreachableSince = null;
    TaskEnd why;
    String message;
    if (agent != null && agent.status == AgentRecord.Status.ACTIVE) {
      why = TaskEnd.RECONCILED_ON_REGISTERED_AGENT;
      message = "Task is unknown to the master; agent " + agentId + " is registered and does not run it";
    } else if (agent != null) {
      unreachableSince = agent.unreachableSince;
      why = TaskEnd.RECONCILED_ON_UNREACHABLE_AGENT;
      message = "Task is unknown to the master; agent " + agentId + " is unreachable";
    } else if (m.goneAgents.isGone(agentId)) {
      why = TaskEnd.RECONCILED_ON_GONE_AGENT;
      message = "Task is unknown to the master; agent " + agentId + " was marked gone by the operator";
    } else if (agentId != null && m.recoveringAgents.contains(agentId)) {
      return null;
    } else if (agentId == null && m.agentManager.awaitedCount() > 0) {
      // As Mesos: without an agent id the task could be on any agent admitted before the failover
      // that has not re-registered yet, so nothing is answered until every one of them has
      // re-registered, been marked gone, or timed out (the framework retries).
      m.log("dropping reconciliation of task={} framework={}: {} agents have not re-registered since the "
          + "failover", t.getTaskId().getValue(), framework.id, m.agentManager.awaitedCount());
      return null;
    } else if (agentId != null && m.unreachableAgents.containsKey(agentId)) {
      unreachableSince = m.unreachableAgents.get(agentId);
      why = TaskEnd.RECONCILED_ON_UNREACHABLE_AGENT;
      message = "Task is unknown to the master; agent " + agentId + " is unreachable (it did not re-register "
          + "after the master failover)";
    } else {
      why = TaskEnd.UNKNOWN;
      message = agentId == null ? "Task is unknown to the master"
          : "Task is unknown to the master; so is agent " + agentId;
    }
    TaskStatus status = Tasks.endStatus(why, framework, t.getTaskId(), agentId, message);
    if (unreachableSince != null) {
      status = status.toBuilder().setUnreachableTime(io.meso.v1.TimeInfo.newBuilder()
          .setNanoseconds((long) (unreachableSince * 1e9))).build();
    }
    return status;
  }

  private static TaskStatus reconciled(TaskRecord task) {
    TaskStatus latest = task.latestStatus();
    TaskStatus.Builder status = latest == null
        ? TaskStatus.newBuilder().setTaskId(task.info.getTaskId()).setState(task.state)
        : latest.toBuilder().clearUuid();
    return status.setState(task.state)
        .setSource(TaskStatus.Source.SOURCE_MASTER)
        .setReason(TaskStatus.Reason.REASON_RECONCILIATION)
        .setTimestamp(Tasks.nowSeconds())
        .setAgentId(io.meso.v1.AgentID.newBuilder().setValue(task.agentId))
        .build();
  }
}
