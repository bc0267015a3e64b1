package io.meso.services.deploy;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import java.util.List;

/**
 * What a deployment asks the runtime to do next, or tells it has happened. The runtime carries
 * commands out in the order given and reports the consequences back as {@link Fact}s.
 */
public sealed interface Command {

  /** Step {@code step} (1-based) began: publish {@code deployment_info}. */
  record StepStarted(int step) implements Command {}

  /**
   * Launch {@code count} more instances of {@code app} (its id, at its version). While an app is
   * part of a running deployment only the deployment asks for launches; a new instance that fails
   * is replaced by a further {@code StartInstances}.
   */
  record StartInstances(App app, int count) implements Command {}

  /**
   * Kill these instances of {@code appId}; they will not be restarted. From now on the runtime
   * reports them as {@code KILLING} until they end (Marathon's goal Decommissioned), in facts and
   * in the snapshot it gives a later deployment, which must not count them.
   */
  record KillInstances(PathId appId, List<String> instanceIds, KillReason reason) implements Command {
    public KillInstances {
      instanceIds = List.copyOf(instanceIds);
    }
  }

  /**
   * Start running {@code app}'s readiness checks against the new instance {@code instanceId} and
   * report each answer as {@link Fact.ReadinessChanged}; stop at the first ready answer, when the
   * instance ends, or when the deployment ends.
   */
  record CheckReadiness(App app, String instanceId) implements Command {}

  /** Forget the launch backoff of {@code appId}: a restart or stop starts afresh. */
  record ResetLaunchDelay(PathId appId) implements Command {}

  /** Every instance of the removed app {@code appId} is gone: publish {@code app_terminated_event}. */
  record AppStopped(PathId appId) implements Command {}

  /** Step {@code step} (1-based) is done: publish {@code deployment_step_success}. */
  record StepFinished(int step) implements Command {}

  /** Every step is done: publish {@code deployment_success}, release the apps' locks. */
  record DeploymentFinished() implements Command {}

  /** The deployment was stopped before it was done: publish {@code deployment_failed}. */
  record DeploymentFailed(String reason) implements Command {}

  /** Why instances are killed (Marathon's {@code GoalChangeReason}). */
  enum KillReason {
    /** Scaling an app down. */
    SCALING,
    /** Replacing old instances during a restart. */
    UPGRADING,
    /** Stopping a removed app. */
    DELETING
  }
}
