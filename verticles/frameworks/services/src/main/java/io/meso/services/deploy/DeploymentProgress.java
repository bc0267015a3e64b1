package io.meso.services.deploy;

import io.meso.services.placement.RollingRestart;
import java.util.List;
import java.util.Objects;

/**
 * How far a running {@link Deployment} got, as plain data: the current step, the instances it
 * asked to kill, and the progress of each action of the step. The services framework stores it
 * beside the plan after every change, so that a new leader takes the deployment up exactly where
 * the old one left it ({@link Deployment#resume}) instead of beginning the step again: begun
 * again, a rolling restart would count the instances anew and could kill a healthy old instance
 * before the new one that should replace it is up.
 *
 * @param step the current step, 1-based; 0 before the first (then the deployment starts afresh)
 * @param killRequested every instance the deployment asked to kill, in the order it asked
 * @param actions the progress of each action of the current step, in the step's order
 */
public record DeploymentProgress(int step, List<String> killRequested, List<ActionState> actions) {

  public DeploymentProgress {
    if (step < 0) {
      throw new IllegalArgumentException("deployment step is " + step + "; expected 0 or more");
    }
    killRequested = List.copyOf(killRequested);
    actions = List.copyOf(actions);
  }

  /** The progress of one action. */
  public sealed interface ActionState permits Plain, Scaling, Restarting {
    /** True once the action is done. */
    boolean done();
  }

  /** StartApplication and StopApplication: nothing but whether it is done. */
  public record Plain(boolean done) implements ActionState {}

  /**
   * ScaleApplication.
   *
   * @param pendingKills the instances killed to scale down that have not ended yet
   * @param starting true once the kills are over and the new instances were asked for
   * @param toStart how many new instances were asked for
   * @param readiness the new instances up so far
   */
  public record Scaling(boolean done, List<String> pendingKills, boolean starting, int toStart,
      Readiness readiness) implements ActionState {
    public Scaling {
      pendingKills = List.copyOf(pendingKills);
      Objects.requireNonNull(readiness, "readiness");
    }
  }

  /**
   * RestartApplication.
   *
   * @param oldActive the old instances that have not ended yet
   * @param toKill the old instances not told to die yet, in the order they will be
   * @param counts the rolling restart's counts; null only for a restart to 0 instances
   * @param readiness the new instances up so far
   */
  public record Restarting(boolean done, List<String> oldActive, List<String> toKill, RollingRestart counts,
      Readiness readiness) implements ActionState {
    public Restarting {
      oldActive = List.copyOf(oldActive);
      toKill = List.copyOf(toKill);
      Objects.requireNonNull(readiness, "readiness");
    }
  }

  /**
   * Which new instances passed their health and readiness checks, and which are being checked for
   * readiness (those checks are started again after a failover).
   */
  public record Readiness(List<String> healthy, List<String> ready, List<String> checking) {
    public static final Readiness NONE = new Readiness(List.of(), List.of(), List.of());

    public Readiness {
      healthy = List.copyOf(healthy);
      ready = List.copyOf(ready);
      checking = List.copyOf(checking);
    }
  }
}
