package io.meso.master;

import io.meso.allocator.Quota;
import io.meso.allocator.RoleSummary;
import io.meso.proto.GetQuotaResponse;
import io.meso.proto.ResourceQuantity;
import io.meso.proto.RoleQuota;
import io.meso.proto.SetQuotaRequest;
import io.meso.proto.SetQuotaResponse;
import io.meso.proto.GetRolesResponse;
import io.meso.proto.RoleInfo;
import io.meso.proto.RoleWeight;
import io.meso.proto.SetWeightsRequest;
import io.meso.proto.SetWeightsResponse;
import io.meso.ha.Registry;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Operator calls about roles, dispatched from {@link OperatorCalls}: "SetWeights" (validated:
 * valid role names, each once, positive finite weights; applied to the allocator at once),
 * "GetRoles" (the allocator's view: weight, rolled-up share, what the role's frameworks hold),
 * "SetQuota" (validated as a whole before anything is applied: role names, known scalar
 * resources, finite non-negative values, guarantee at most limit), "GetQuota", "GetOfferSkips"
 * (why frameworks get no offers: counts by reason, per framework and role) and "DrainAgent"
 * (maintenance: the agent gets no new offers). Weights, quotas and draining are stored in the
 * HA registry before they are applied ({@link Policies}): a failed write fails the call (503)
 * and changes nothing, and a new leader restores them.
 */
final class RoleCalls {

  static final Set<String> ACTIONS = Set.of("SetWeights", "GetRoles", "SetQuota", "GetQuota", "GetOfferSkips",
      "DrainAgent");
  /** Scalar resources a quota may name. */
  static final Set<String> QUOTA_RESOURCES = new java.util.TreeSet<>(Set.of("cpus", "mem", "disk", "gpus"));

  private final MasterVerticle m;

  RoleCalls(MasterVerticle master) {
    this.m = master;
  }

  /** Handles one of {@link #ACTIONS}; throws CallException on bad input. */
  void handle(String action, Message<Object> message, String principal) {
    switch (action) {
      case "SetWeights" -> {
        if (!(message.body() instanceof SetWeightsRequest request)) {
          throw CallException.invalid("operator call body must be SetWeightsRequest");
        }
        Map<String, Double> changed = validate(request);
        for (String role : changed.keySet()) {
          m.authz.check(principal, io.meso.security.acl.AclAction.UPDATE_WEIGHTS, role);
        }
        reply(message, m.policies.change(() -> {
          Map<String, Double> next = m.policies.withWeights(changed);
          return m.persist(Registry.ROLES, RegistryEntries.WEIGHTS_KEY, Policies.encodeWeights(next)).map(v -> {
            m.policies.setWeights(next);
            m.allocator.updateWeights(changed);
            return SetWeightsResponse.getDefaultInstance();
          });
        }));
      }
      case "GetRoles" -> m.allocator.roles().onComplete(ar -> {
        if (ar.failed()) {
          message.fail(500, "the allocator did not answer: " + ar.cause().getMessage());
          return;
        }
        GetRolesResponse.Builder out = GetRolesResponse.newBuilder();
        for (RoleSummary r : ar.result().values()) {
          if (!m.authz.allows(principal, io.meso.security.acl.AclAction.VIEW_ROLES, r.role())) {
            continue;
          }
          out.addRoles(RoleInfo.newBuilder().setRole(r.role()).setWeight(r.weight()).setShare(r.share())
              .addAllAllocated(r.allocated().toProto()).addAllFrameworks(r.frameworks()).setActive(r.active()));
        }
        message.reply(out.build());
      });
      case "SetQuota" -> {
        if (!(message.body() instanceof SetQuotaRequest request)) {
          throw CallException.invalid("operator call body must be SetQuotaRequest");
        }
        Map<String, Quota> changed = validate(request);
        for (String role : changed.keySet()) {
          m.authz.check(principal, io.meso.security.acl.AclAction.UPDATE_QUOTAS, role);
        }
        reply(message, m.policies.change(() -> {
          Map<String, Quota> next = m.policies.withQuotas(changed);
          return m.persist(Registry.ROLES, RegistryEntries.QUOTAS_KEY, Policies.encodeQuotas(next)).map(v -> {
            m.policies.setQuotas(next);
            changed.forEach(m.allocator::updateQuota);
            return SetQuotaResponse.getDefaultInstance();
          });
        }));
      }
      case "GetQuota" -> m.allocator.quotas().onComplete(ar -> {
        if (ar.failed()) {
          message.fail(500, "the allocator did not answer: " + ar.cause().getMessage());
          return;
        }
        GetQuotaResponse.Builder out = GetQuotaResponse.newBuilder();
        ar.result().forEach((role, q) -> {
          if (m.authz.allows(principal, io.meso.security.acl.AclAction.VIEW_ROLES, role)) {
            out.addQuotas(RoleQuota.newBuilder().setRole(role)
                .addAllGuarantees(quantities(q.guarantees())).addAllLimits(quantities(q.limits())));
          }
        });
        message.reply(out.build());
      });
      case "GetOfferSkips" -> {
        io.meso.proto.GetOfferSkipsRequest request = message.body() instanceof io.meso.proto.GetOfferSkipsRequest r ? r
            : io.meso.proto.GetOfferSkipsRequest.getDefaultInstance();
        if (request.hasFrameworkId() && request.getFrameworkId().getValue().isEmpty()) {
          throw CallException.invalid("framework_id.value is empty; give a framework id or leave framework_id out");
        }
        m.allocator.skipCounts().onComplete(ar -> {
          if (ar.failed()) {
            message.fail(500, "the allocator did not answer: " + ar.cause().getMessage());
            return;
          }
          String only = request.hasFrameworkId() ? request.getFrameworkId().getValue() : null;
          if (only != null && !ar.result().byFramework().containsKey(only)) {
            message.fail(404, "framework_id '" + only + "' is not known to the allocator");
            return;
          }
          io.meso.proto.GetOfferSkipsResponse.Builder out = io.meso.proto.GetOfferSkipsResponse.newBuilder()
              .addAllHeldOffers(heldOffers(principal));
          ar.result().byFramework().forEach((frameworkId, counts) -> {
            if ((only == null || only.equals(frameworkId)) && viewsFramework(principal, frameworkId)) {
              io.meso.proto.FrameworkSkips.Builder f = io.meso.proto.FrameworkSkips.newBuilder()
                  .setFrameworkId(io.meso.v1.FrameworkID.newBuilder().setValue(frameworkId))
                  .addAllCounts(skipCounts(counts));
              ar.result().byRole().getOrDefault(frameworkId, Map.of()).forEach((role, byReason) -> {
                if (m.authz.allows(principal, io.meso.security.acl.AclAction.VIEW_ROLES, role)) {
                  f.addRoles(io.meso.proto.RoleSkips.newBuilder().setRole(role).addAllCounts(skipCounts(byReason)));
                }
              });
              out.addFrameworks(f);
            }
          });
          message.reply(out.build());
        });
      }
      case "DrainAgent" -> {
        if (!(message.body() instanceof io.meso.proto.DrainAgentRequest request)) {
          throw CallException.invalid("operator call body must be DrainAgentRequest");
        }
        if (!request.hasAgentId() || request.getAgentId().getValue().isEmpty()) {
          throw CallException.invalid("agent_id is missing; name the agent to drain (see GetState)");
        }
        String agentId = request.getAgentId().getValue();
        if (!m.state.agents.containsKey(agentId) && !m.state.recoveringAgents.contains(agentId)
            && !m.state.unreachableAgents.containsKey(agentId) && !m.policies.draining().contains(agentId)) {
          throw CallException.notFound("agent_id '" + agentId + "' is not a registered agent");
        }
        m.authz.checkAgent(principal, io.meso.security.acl.AclAction.DRAIN_AGENTS, m.state.agents.get(agentId), agentId);
        boolean drain = request.getDrain();
        reply(message, m.policies.change(() -> m.persist(Registry.MAINTENANCE, agentId,
            drain ? Policies.encodeDrain(agentId) : null).map(v -> {
              m.policies.setDraining(agentId, drain);
              m.allocator.setDraining(agentId, drain);
              m.state.log("agent maintenance agent={} draining={}", agentId, drain);
              return io.meso.proto.DrainAgentResponse.getDefaultInstance();
            })));
      }
      default -> throw new IllegalArgumentException(action);
    }
  }

  /** Every outstanding offer, oldest first, with why its resources are not offered to anyone else. */
  /**
   * Under ACLs, offer skips and held offers name frameworks and agents: a principal sees those of
   * frameworks it may view (view_frameworks on the framework's user; one the master no longer
   * knows only with an ANY rule).
   */
  private boolean viewsFramework(String principal, String frameworkId) {
    FrameworkRecord framework = m.state.frameworks.get(frameworkId);
    return m.authz.allows(principal, io.meso.security.acl.AclAction.VIEW_FRAMEWORKS,
        framework == null ? null : framework.info.getUser());
  }

  private List<io.meso.proto.HeldOffer> heldOffers(String principal) {
    List<OfferRecord> outstanding = new ArrayList<>(m.state.offers.values());
    outstanding.sort(java.util.Comparator.comparingDouble(OfferRecord::offeredAt));
    List<io.meso.proto.HeldOffer> out = new ArrayList<>();
    for (OfferRecord o : outstanding) {
      if (!viewsFramework(principal, o.frameworkId())
          || !m.authz.allowsAgent(principal, io.meso.security.acl.AclAction.VIEW_AGENTS, m.state.agents.get(o.agentId()),
              o.agentId())) {
        continue;
      }
      FrameworkRecord framework = m.state.frameworks.get(o.frameworkId());
      String name = framework == null ? "" : framework.info.getName();
      AgentRecord agent = m.state.agents.get(o.agentId());
      out.add(io.meso.proto.HeldOffer.newBuilder()
          .setOfferId(o.offer().getId())
          .setFrameworkId(o.offer().getFrameworkId())
          .setFrameworkName(name)
          .setAgentId(o.offer().getAgentId())
          .setHostname(agent == null ? "" : agent.hostname())
          .addAllResources(o.resources().toProto())
          .setOfferedAt(o.offeredAt())
          .setExpiresAt(o.expiresAt())
          .setMessage(heldMessage(o, name))
          .build());
    }
    return out;
  }

  static String heldMessage(OfferRecord o, String frameworkName) {
    String since = java.time.Instant.ofEpochMilli((long) (o.offeredAt() * 1000)).toString();
    return o.resources() + " of agent " + o.agentId() + " held in offer " + o.id() + " to framework '" + frameworkName
        + "' (" + o.frameworkId() + ") since " + since + (o.expiresAt() > 0
            ? "; rescinded at " + java.time.Instant.ofEpochMilli((long) (o.expiresAt() * 1000))
                + " unless accepted or declined first"
            : "; held until accepted or declined (the master has no --offer-timeout)");
  }

  /** Replies with the change's response, or fails the call with why nothing was changed. */
  private static void reply(Message<Object> message, io.vertx.core.Future<?> change) {
    change.onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else if (ar.cause() instanceof CallException e) {
        MasterVerticle.fail(message, e);
      } else {
        message.fail(500, "the change failed: " + ar.cause());
      }
    });
  }

  private static List<io.meso.proto.SkipCount> skipCounts(Map<io.meso.allocator.SkipReason, Long> counts) {
    List<io.meso.proto.SkipCount> out = new ArrayList<>();
    counts.forEach((reason, n) -> out.add(io.meso.proto.SkipCount.newBuilder().setReason(reason.name()).setCount(n)
        .build()));
    return out;
  }

  private static List<ResourceQuantity> quantities(Map<String, Double> values) {
    List<ResourceQuantity> out = new ArrayList<>();
    values.forEach((name, v) -> out.add(ResourceQuantity.newBuilder().setName(name).setValue(v).build()));
    return out;
  }

  /** Quotas by role, all validated before any is applied, or a CallException naming the first bad field. */
  static Map<String, Quota> validate(SetQuotaRequest request) {
    if (request.getQuotasCount() == 0) {
      throw CallException.invalid("quotas is empty; give at least one {role, guarantees, limits}");
    }
    Map<String, Quota> out = new LinkedHashMap<>();
    for (int i = 0; i < request.getQuotasCount(); i++) {
      RoleQuota q = request.getQuotas(i);
      String field = "quotas[" + i + "]";
      if (!q.hasRole()) {
        throw CallException.invalid(field + ".role is missing; expected a role name like 'eng' or 'eng/ml'");
      }
      Roles.validate(field + ".role", q.getRole());
      if (q.getRole().equals("*")) {
        throw CallException.invalid(field + ".role is '*'; quota applies to named roles only");
      }
      Map<String, Double> guarantees = quantities(field + ".guarantees", q.getRole(), q.getGuaranteesList());
      Map<String, Double> limits = quantities(field + ".limits", q.getRole(), q.getLimitsList());
      for (Map.Entry<String, Double> g : guarantees.entrySet()) {
        Double limit = limits.get(g.getKey());
        if (limit != null && g.getValue() > limit) {
          throw CallException.invalid(field + ": guarantee of " + g.getKey() + " is " + g.getValue()
              + ", above its limit " + limit + " for role '" + q.getRole() + "'; a guarantee must be at most the limit");
        }
      }
      if (out.put(q.getRole(), new Quota(guarantees, limits)) != null) {
        throw CallException.invalid(field + ".role '" + q.getRole() + "' is listed twice; list each role once");
      }
    }
    return out;
  }

  private static Map<String, Double> quantities(String field, String role, List<ResourceQuantity> list) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int j = 0; j < list.size(); j++) {
      ResourceQuantity r = list.get(j);
      String f = field + "[" + j + "]";
      if (!r.hasName() || !QUOTA_RESOURCES.contains(r.getName())) {
        throw CallException.invalid(f + ".name is " + (r.hasName() ? "'" + r.getName() + "'" : "missing")
            + "; quota applies to the scalar resources " + QUOTA_RESOURCES);
      }
      if (!r.hasValue() || !(r.getValue() >= 0) || Double.isInfinite(r.getValue())) {
        throw CallException.invalid(f + ".value is " + (r.hasValue() ? r.getValue() : "missing") + " for "
            + r.getName() + " of role '" + role + "'; expected a finite number >= 0 (NaN and infinity are refused)");
      }
      if (out.put(r.getName(), r.getValue()) != null) {
        throw CallException.invalid(f + ".name '" + r.getName() + "' is listed twice; list each resource once");
      }
    }
    return out;
  }

  /** The weights by role, or a CallException naming the first bad field. */
  static Map<String, Double> validate(SetWeightsRequest request) {
    if (request.getWeightsCount() == 0) {
      throw CallException.invalid("weights is empty; give at least one {role, weight}");
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < request.getWeightsCount(); i++) {
      RoleWeight w = request.getWeights(i);
      String field = "weights[" + i + "]";
      if (!w.hasRole()) {
        throw CallException.invalid(field + ".role is missing; expected a role name like 'eng' or 'eng/ml'");
      }
      Roles.validate(field + ".role", w.getRole());
      if (!w.hasWeight()) {
        throw CallException.invalid(field + ".weight is missing for role '" + w.getRole()
            + "'; expected a positive finite number");
      }
      double weight = w.getWeight();
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw CallException.invalid(field + ".weight is " + weight + " for role '" + w.getRole()
            + "'; expected a positive finite number");
      }
      if (out.put(w.getRole(), weight) != null) {
        throw CallException.invalid(field + ".role '" + w.getRole() + "' is listed twice; list each role once");
      }
    }
    return out;
  }
}
