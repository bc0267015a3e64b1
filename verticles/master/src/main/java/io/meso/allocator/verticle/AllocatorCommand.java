package io.meso.allocator.verticle;

import io.meso.allocator.AgentSpec;
import io.meso.allocator.Allocator;
import io.meso.allocator.FrameworkSpec;
import io.meso.allocator.Resources;
import java.util.Map;
import java.util.Set;

/**
 * A mutation of the {@link Allocator}, as an immutable local-only event-bus message to
 * {@link io.meso.codecs.Addresses#ALLOCATOR} (one record per mutator, same parameters). The
 * allocator verticle applies it with the current monotonic time.
 */
public sealed interface AllocatorCommand {

  void apply(Allocator allocator, long nowNanos);

  record AddFramework(String frameworkId, FrameworkSpec spec, Map<String, Resources> usedByAgent, boolean active)
      implements AllocatorCommand {
    public AddFramework {
      usedByAgent = Map.copyOf(usedByAgent);
    }

    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.addFramework(frameworkId, spec, usedByAgent, active);
    }
  }

  record UpdateFramework(String frameworkId, FrameworkSpec spec) implements AllocatorCommand {
    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.updateFramework(frameworkId, spec);
    }
  }

  record ActivateFramework(String frameworkId) implements AllocatorCommand {
    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.activateFramework(frameworkId);
    }
  }

  record DeactivateFramework(String frameworkId) implements AllocatorCommand {
    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.deactivateFramework(frameworkId);
    }
  }

  record RemoveFramework(String frameworkId) implements AllocatorCommand {
    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.removeFramework(frameworkId);
    }
  }

  record AddAgent(String agentId, AgentSpec spec, Map<String, Resources> usedByFramework) implements AllocatorCommand {
    public AddAgent {
      usedByFramework = Map.copyOf(usedByFramework);
    }

    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.addAgent(agentId, spec, usedByFramework);
    }
  }

  record RemoveAgent(String agentId) implements AllocatorCommand {
    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.removeAgent(agentId);
    }
  }

  record ActivateAgent(String agentId) implements AllocatorCommand {
    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.activateAgent(agentId);
    }
  }

  record DeactivateAgent(String agentId) implements AllocatorCommand {
    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.deactivateAgent(agentId);
    }
  }

  record RecoverResources(String frameworkId, String agentId, Resources resources, double refuseSeconds)
      implements AllocatorCommand {
    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.recoverResources(frameworkId, agentId, resources, refuseSeconds, nowNanos);
    }
  }

  record SuppressOffers(String frameworkId, Set<String> roles) implements AllocatorCommand {
    public SuppressOffers {
      roles = Set.copyOf(roles);
    }

    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.suppressOffers(frameworkId, roles);
    }
  }

  record ReviveOffers(String frameworkId, Set<String> roles) implements AllocatorCommand {
    public ReviveOffers {
      roles = Set.copyOf(roles);
    }

    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.reviveOffers(frameworkId, roles);
    }
  }

  record UpdateWeights(Map<String, Double> weights) implements AllocatorCommand {
    public UpdateWeights {
      weights = Map.copyOf(weights);
    }

    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.updateWeights(weights);
    }
  }

  record UpdateQuota(String role, io.meso.allocator.Quota quota) implements AllocatorCommand {
    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.updateQuota(role, quota);
    }
  }

  record SetDraining(String agentId, boolean draining) implements AllocatorCommand {
    @Override
    public void apply(Allocator allocator, long nowNanos) {
      allocator.setDraining(agentId, draining);
    }
  }
}
