package io.meso.allocator.verticle;

import io.meso.allocator.AgentSpec;
import io.meso.allocator.FrameworkSpec;
import io.meso.allocator.Resources;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The allocator's mutators as fire-and-forget {@link AllocatorCommand}s handed to a sink: one
 * method per {@link io.meso.allocator.Allocator} mutator. Plain Java, so that the master's state
 * can tell the allocator what changed without knowing how the command travels (the
 * {@link AllocatorClient} sends it over the event bus; a test records it).
 */
public class AllocatorCommands {

  private final Consumer<AllocatorCommand> sink;

  public AllocatorCommands(Consumer<AllocatorCommand> sink) {
    this.sink = sink;
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

  private void send(AllocatorCommand command) {
    sink.accept(command);
  }
}
