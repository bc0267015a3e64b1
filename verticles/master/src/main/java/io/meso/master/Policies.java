package io.meso.master;

import io.meso.allocator.Quota;
import io.meso.allocator.verticle.AllocatorClient;
import io.meso.proto.ResourceQuantity;
import io.meso.proto.RoleQuota;
import io.meso.proto.RoleWeight;
import io.meso.proto.SetQuotaRequest;
import io.meso.proto.SetWeightsRequest;
import io.vertx.core.Future;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators set and a new leader must remember: role weights, quotas and the agents
 * draining for maintenance. Kept in the registry ({@link io.meso.ha.Registry#ROLES} and
 * {@link io.meso.ha.Registry#MAINTENANCE}); an operator change is written there first and only
 * then applied here and to the allocator, so a failed write changes nothing. Changes run one
 * at a time ({@link #change}), each computed from the state the previous one left, so the
 * registry and this copy never disagree. Lives on the master's event loop.
 */
final class Policies {

  private static final Logger LOG = LoggerFactory.getLogger(Policies.class);

  private final Map<String, Double> weights = new TreeMap<>();
  private final Map<String, Quota> quotas = new TreeMap<>();
  private final Set<String> draining = new TreeSet<>();
  private Future<Void> tail = Future.succeededFuture();

  Map<String, Double> weights() {
    return Collections.unmodifiableMap(weights);
  }

  Map<String, Quota> quotas() {
    return Collections.unmodifiableMap(quotas);
  }

  Set<String> draining() {
    return Collections.unmodifiableSet(draining);
  }

  /** Runs {@code step} once every change started before it has finished (succeeded or not). */
  <T> Future<T> change(Supplier<Future<T>> step) {
    Future<T> result = tail.transform(ar -> step.get());
    tail = result.transform(ar -> Future.succeededFuture());
    return result;
  }

  void setWeights(Map<String, Double> next) {
    weights.clear();
    weights.putAll(next);
  }

  void setQuotas(Map<String, Quota> next) {
    quotas.clear();
    quotas.putAll(next);
  }

  void setDraining(String agentId, boolean drain) {
    if (drain) {
      draining.add(agentId);
    } else {
      draining.remove(agentId);
    }
  }

  /**
   * The weights after a SetWeights of {@code changed}. A role set back to the default weight
   * ({@link #DEFAULT_WEIGHT}) has no stored weight any more, so a role that only had a weight is
   * no longer known (GET_ROLES, /roles). Mesos keeps every weight ever set, so such a role could
   * never go away; here setting the default is how to remove it.
   */
  Map<String, Double> withWeights(Map<String, Double> changed) {
    Map<String, Double> next = new TreeMap<>(weights);
    changed.forEach((role, w) -> {
      if (w == DEFAULT_WEIGHT) {
        next.remove(role);
      } else {
        next.put(role, w);
      }
    });
    return next;
  }

  /** A role's weight when none is set. */
  static final double DEFAULT_WEIGHT = 1.0;

  /** The quotas after a SetQuota of {@code changed} (an empty quota removes the role's). */
  Map<String, Quota> withQuotas(Map<String, Quota> changed) {
    Map<String, Quota> next = new TreeMap<>(quotas);
    changed.forEach((role, q) -> {
      if (q.isEmpty()) {
        next.remove(role);
      } else {
        next.put(role, q);
      }
    });
    return next;
  }

  static byte[] encodeWeights(Map<String, Double> weights) {
    SetWeightsRequest.Builder out = SetWeightsRequest.newBuilder();
    weights.forEach((role, w) -> out.addWeights(RoleWeight.newBuilder().setRole(role).setWeight(w)));
    return out.build().toByteArray();
  }

  static byte[] encodeQuotas(Map<String, Quota> quotas) {
    SetQuotaRequest.Builder out = SetQuotaRequest.newBuilder();
    quotas.forEach((role, q) -> {
      RoleQuota.Builder r = RoleQuota.newBuilder().setRole(role);
      q.guarantees().forEach((name, v) -> r.addGuarantees(ResourceQuantity.newBuilder().setName(name).setValue(v)));
      q.limits().forEach((name, v) -> r.addLimits(ResourceQuantity.newBuilder().setName(name).setValue(v)));
      out.addQuotas(r);
    });
    return out.build().toByteArray();
  }

  static byte[] encodeDrain(String agentId) {
    return io.meso.proto.DrainAgentRequest.newBuilder()
        .setAgentId(io.meso.v1.AgentID.newBuilder().setValue(agentId)).setDrain(true).build().toByteArray();
  }

  /**
   * Loads what a previous leader stored (validated as an operator call would be; an unreadable
   * entry is logged and skipped) and applies it to the allocator.
   */
  void restore(Map<String, byte[]> roles, Map<String, byte[]> maintenance, AllocatorClient allocator) {
    byte[] w = roles.get(RegistryEntries.WEIGHTS_KEY);
    if (w != null) {
      try {
        SetWeightsRequest request = SetWeightsRequest.parseFrom(w);
        setWeights(request.getWeightsCount() == 0 ? Map.of() : RoleCalls.validate(request));
      } catch (com.google.protobuf.InvalidProtocolBufferException | CallException e) {
        LOG.error("skipping unreadable registry entry roles/weights: {}", e.getMessage());
      }
    }
    byte[] q = roles.get(RegistryEntries.QUOTAS_KEY);
    if (q != null) {
      try {
        SetQuotaRequest request = SetQuotaRequest.parseFrom(q);
        setQuotas(request.getQuotasCount() == 0 ? Map.of() : RoleCalls.validate(request));
      } catch (com.google.protobuf.InvalidProtocolBufferException | CallException e) {
        LOG.error("skipping unreadable registry entry roles/quotas: {}", e.getMessage());
      }
    }
    draining.addAll(maintenance.keySet());
    if (!weights.isEmpty()) {
      allocator.updateWeights(Map.copyOf(weights));
    }
    quotas.forEach(allocator::updateQuota);
    draining.forEach(agentId -> allocator.setDraining(agentId, true));
    LOG.info("restored from the registry weights={} quotas={} draining={}", weights, quotas.keySet(), draining);
  }
}
