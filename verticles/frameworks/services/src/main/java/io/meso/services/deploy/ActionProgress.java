package io.meso.services.deploy;

import io.meso.services.app.App;
import java.util.List;

/**
 * The progress of one action of the current step: begun once, then fed the facts about its app
 * until it is done. Subclasses are Marathon's per-action actors, as state machines without I/O.
 */
abstract class ActionProgress {

  final DeploymentAction action;
  final App app;
  private boolean done;

  ActionProgress(DeploymentAction action) {
    this.action = action;
    this.app = action.app();
  }

  /** The progress object for {@code action}. */
  static ActionProgress of(DeploymentAction action) {
    return switch (action.type()) {
      case START -> new Immediate(action);
      case STOP -> new StopProgress(action);
      case SCALE -> new ScaleProgress(action);
      case RESTART -> new RestartProgress(action);
    };
  }

  /** Starts the action against the instances as they are now; adds commands to {@code out}. */
  abstract void begin(InstanceView view, List<Command> out);

  /**
   * A fact about this action's app, after {@code view} took it in.
   *
   * @param before for an {@link Fact.InstanceChanged}, the instance's status before it (null if new)
   */
  abstract void on(Fact fact, InstanceStatus before, InstanceView view, List<Command> out);

  /** The readiness answers this action has seen, for the deployment's JSON. */
  List<ReadinessCheckResult> readinessResults() {
    return List.of();
  }

  final boolean done() {
    return done;
  }

  final void finish() {
    done = true;
  }

  /** StartApplication: the app is registered with 0 instances; nothing to wait for. */
  private static final class Immediate extends ActionProgress {
    Immediate(DeploymentAction action) {
      super(action);
    }

    @Override
    void begin(InstanceView view, List<Command> out) {
      finish();
    }

    @Override
    void on(Fact fact, InstanceStatus before, InstanceView view, List<Command> out) {}
  }
}
