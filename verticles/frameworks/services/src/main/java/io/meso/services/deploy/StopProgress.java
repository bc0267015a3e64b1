package io.meso.services.deploy;

import io.meso.services.deploy.Command.AppStopped;
import io.meso.services.deploy.Command.KillReason;
import io.meso.services.deploy.Command.ResetLaunchDelay;
import java.util.List;

/**
 * StopApplication, Marathon's {@code DeploymentActor.stopRunnable}: kill every instance of the
 * removed app, wait until none is left, then reset its launch delay and report it stopped.
 */
final class StopProgress extends ActionProgress {

  StopProgress(DeploymentAction action) {
    super(action);
  }

  @Override
  void begin(InstanceView view, List<Command> out) {
    List<String> ids = view.of(app.id()).stream().map(InstanceStatus::id).toList();
    view.kill(app.id(), ids, KillReason.DELETING, out);
    checkDone(view, out);
  }

  @Override
  void on(Fact fact, InstanceStatus before, InstanceView view, List<Command> out) {
    if (fact instanceof Fact.InstanceChanged changed && !view.killRequested(changed.instance().id())
        && !changed.instance().condition().terminal()) {
      // An instance that appeared after the stop began (a late launch) goes too.
      view.kill(app.id(), List.of(changed.instance().id()), KillReason.DELETING, out);
    }
    checkDone(view, out);
  }

  @Override
  DeploymentProgress.ActionState state() {
    return new DeploymentProgress.Plain(done());
  }

  /**
   * Its kills were asked for already (the runtime sends them again); a late instance not asked to
   * die yet is, and the instances may all be gone by now.
   */
  @Override
  void restore(DeploymentProgress.ActionState state, InstanceView view, List<Command> out) {
    if (!expect(state, DeploymentProgress.Plain.class).done()) {
      view.kill(app.id(), view.of(app.id()).stream().map(InstanceStatus::id).toList(), KillReason.DELETING, out);
      checkDone(view, out);
    }
  }

  private void checkDone(InstanceView view, List<Command> out) {
    if (!done() && view.of(app.id()).isEmpty()) {
      out.add(new ResetLaunchDelay(app.id()));
      out.add(new AppStopped(app.id()));
      finish();
    }
  }
}
