package io.meso.services.store;

import io.meso.services.deploy.DeploymentPlan;
import io.meso.services.deploy.DeploymentProgress;
import java.util.Objects;

/**
 * A running deployment as stored: its plan and how far it got, in one value so that a new leader
 * never reads a progress that belongs to another plan. The plan's original and target apps are
 * kept only for the apps the plan changes: that is all a revert and the steps need.
 */
public record StoredDeployment(DeploymentPlan plan, DeploymentProgress progress) {

  public StoredDeployment {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(progress, "progress");
  }
}
