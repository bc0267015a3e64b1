package io.meso.allocator.verticle;

import io.meso.allocator.AgentSpec;
import io.meso.allocator.FrameworkSpec;
import io.meso.allocator.Resources;
import io.meso.allocator.RoleSummary;
import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * The master's handle on the allocator verticle: one fire-and-forget method per
 * {@link io.meso.allocator.Allocator} mutator, each sending an {@link AllocatorCommand} to
 * {@link Addresses#ALLOCATOR}. Offers come back as {@link AllocationBatch} messages on
 * {@link Addresses#ALLOCATIONS}. Requires {@link MesoCodecs#register} on the Vert.x instance.
 */
public final class AllocatorClient {

  private final EventBus bus;

  public AllocatorClient(EventBus bus) {
    this.bus = bus;
  }

  public void addFramework(String frameworkId, FrameworkSpec spec, Map<String, Resources> usedByAgent, boolean active) {
    send(new AllocatorCommand.AddFramework(frameworkId, spec, usedByAgent, active));
  }

  public void updateFramework(String frameworkId, FrameworkSpec spec) {
    send(new AllocatorCommand.UpdateFramework(frameworkId, spec));
  }

  public void activateFramework(String frameworkId) {
    send(new AllocatorCommand.ActivateFramework(frameworkId));
  }

  public void deactivateFramework(String frameworkId) {
    send(new AllocatorCommand.DeactivateFramework(frameworkId));
  }

  public void removeFramework(String frameworkId) {
    send(new AllocatorCommand.RemoveFramework(frameworkId));
  }

  public void addAgent(String agentId, AgentSpec spec, Map<String, Resources> usedByFramework) {
    send(new AllocatorCommand.AddAgent(agentId, spec, usedByFramework));
  }

  public void removeAgent(String agentId) {
    send(new AllocatorCommand.RemoveAgent(agentId));
  }

  public void activateAgent(String agentId) {
    send(new AllocatorCommand.ActivateAgent(agentId));
  }

  public void deactivateAgent(String agentId) {
    send(new AllocatorCommand.DeactivateAgent(agentId));
  }

  public void recoverResources(String frameworkId, String agentId, Resources resources, double refuseSeconds) {
    send(new AllocatorCommand.RecoverResources(frameworkId, agentId, resources, refuseSeconds));
  }

  public void suppressOffers(String frameworkId, Set<String> roles) {
    send(new AllocatorCommand.SuppressOffers(frameworkId, roles));
  }

  public void reviveOffers(String frameworkId, Set<String> roles) {
    send(new AllocatorCommand.ReviveOffers(frameworkId, roles));
  }

  public void updateWeights(Map<String, Double> weights) {
    send(new AllocatorCommand.UpdateWeights(weights));
  }

  public void setDraining(String agentId, boolean draining) {
    send(new AllocatorCommand.SetDraining(agentId, draining));
  }

  public void updateQuota(String role, io.meso.allocator.Quota quota) {
    send(new AllocatorCommand.UpdateQuota(role, quota));
  }

  /** Quotas by role path (see {@link io.meso.allocator.Allocator#quotas()}). */
  @SuppressWarnings("unchecked")
  public Future<Map<String, io.meso.allocator.Quota>> quotas() {
    return bus.request(Addresses.ALLOCATOR, AllocatorQuery.QUOTAS, MesoCodecs.LOCAL)
        .map(m -> (Map<String, io.meso.allocator.Quota>) m.body());
  }

  /** Every role the allocator knows, by path (see {@link io.meso.allocator.Allocator#roles()}). */
  @SuppressWarnings("unchecked")
  public Future<SortedMap<String, RoleSummary>> roles() {
    return bus.request(Addresses.ALLOCATOR, AllocatorQuery.ROLES, MesoCodecs.LOCAL)
        .map(m -> (SortedMap<String, RoleSummary>) m.body());
  }

  /**
   * Skip counts by framework id and reason, and by framework, role and reason (see
   * {@link io.meso.allocator.Allocator#skipCounts()}).
   */
  public Future<AllocatorQuery.SkipReport> skipCounts() {
    return bus.request(Addresses.ALLOCATOR, AllocatorQuery.SKIP_COUNTS, MesoCodecs.LOCAL)
        .map(m -> (AllocatorQuery.SkipReport) m.body());
  }

  private void send(AllocatorCommand command) {
    bus.send(Addresses.ALLOCATOR, command, MesoCodecs.LOCAL);
  }
}
