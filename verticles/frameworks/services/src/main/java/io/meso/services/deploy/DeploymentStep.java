package io.meso.services.deploy;

import java.util.List;

/** The actions of one deployment step; they run side by side, and the step ends when all have. */
public record DeploymentStep(List<DeploymentAction> actions) {

  public DeploymentStep {
    actions = List.copyOf(actions);
  }
}
