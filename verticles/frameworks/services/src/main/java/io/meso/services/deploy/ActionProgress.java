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

  /** This action's progress as plain data, for the store ({@link DeploymentProgress}). */
  abstract DeploymentProgress.ActionState state();

  /**
   * Puts back a {@link #state} taken by the leader before, against the instances as this leader
   * found them; adds what must be done now to {@code out} (readiness checks to start again, and
   * whatever follows from instances that ended while no leader was watching).
   *
   * @throws IllegalArgumentException if the state is not of this action's kind
   */
  abstract void restore(DeploymentProgress.ActionState state, InstanceView view, List<Command> out);

  /** The action's state of the kind {@code type}, or an error naming both. */
  final <T extends DeploymentProgress.ActionState> T expect(DeploymentProgress.ActionState state, Class<T> type) {
    if (!type.isInstance(state)) {
      throw new IllegalArgumentException("the stored progress of " + action.type().wireName() + " of "
          + app.id() + " is " + state.getClass().getSimpleName() + "; expected " + type.getSimpleName());
    }
    if (state.done()) {
      finish();
    }
    return type.cast(state);
  }

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

    @Override
    DeploymentProgress.ActionState state() {
      return new DeploymentProgress.Plain(done());
    }

    @Override
    void restore(DeploymentProgress.ActionState state, InstanceView view, List<Command> out) {
      expect(state, DeploymentProgress.Plain.class);
    }
  }
}
