package io.meso.services.deploy;

import io.meso.services.deploy.Command.KillReason;
import io.meso.services.deploy.Command.ResetLaunchDelay;
import io.meso.services.deploy.Command.StartInstances;
import io.meso.services.placement.RollingRestart;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * RestartApplication, a rolling restart as Marathon's {@code TaskReplaceActor} does it, with the
 * counts of {@link RollingRestart}:
 *
 * <ul>
 *   <li>At the start, instances of the new version already there count as started (a restart
 *       picked up again); the old ones meant to run queue up to be killed, unhealthy ones first.
 *       Kill {@code healthy − ceil(n × minimumHealthCapacity)} of them at once, launch new ones up
 *       to {@code floor(n × (1 + maximumOverCapacity))} instances in all, reset the launch delay.
 *   <li>Each new instance that becomes healthy and ready ({@link ReadinessTracker}) lets one more
 *       old one be killed; each old one that terminates frees capacity for more launches.
 *   <li>A new instance that fails is replaced; an old one that fails on its own is treated as killed.
 *   <li>Done when n new instances are healthy and ready and no old one is left.
 * </ul>
 *
 * An app restarted to 0 instances is done at once, as in Marathon.
 */
final class RestartProgress extends ActionProgress {

  private final ReadinessTracker tracker;
  private final Set<String> oldActive = new LinkedHashSet<>();
  /** Old instances not yet told to die, in the order they will be (a set: an old one that ends is removed at once). */
  private final Set<String> toKill = new LinkedHashSet<>();
  private RollingRestart state;

  RestartProgress(DeploymentAction action) {
    super(action);
    tracker = new ReadinessTracker(app);
  }

  @Override
  void begin(InstanceView view, List<Command> out) {
    if (app.instances() == 0) {
      finish();
      return;
    }
    boolean hasHealthChecks = !app.healthChecks().isEmpty();
    List<InstanceStatus> current = view.of(app.id());
    List<InstanceStatus> started = current.stream().filter(s -> isNew(s.version())).toList();
    List<InstanceStatus> old = current.stream()
        .filter(s -> !isNew(s.version()) && view.meantToRun(s)).toList();
    started.forEach(s -> tracker.reconcile(s, out));
    old.forEach(s -> oldActive.add(s.id()));
    // Unhealthy old instances go first, the rest in the order the runtime listed them.
    old.stream().filter(s -> !s.consideredHealthy(hasHealthChecks)).forEach(s -> toKill.add(s.id()));
    old.stream().filter(s -> s.consideredHealthy(hasHealthChecks)).forEach(s -> toKill.add(s.id()));
    int healthy = (int) current.stream()
        .filter(s -> view.meantToRun(s) && s.consideredHealthy(hasHealthChecks)).count();
    RollingRestart.Step step = RollingRestart.begin(app.instances(),
        app.upgradeStrategy().minimumHealthCapacity(), app.upgradeStrategy().maximumOverCapacity(),
        oldActive.size(), started.size(), healthy);
    apply(step, view, out);
    out.add(new ResetLaunchDelay(app.id()));
    checkDone();
  }

  @Override
  void on(Fact fact, InstanceStatus before, InstanceView view, List<Command> out) {
    if (done()) {
      return;
    }
    if (fact instanceof Fact.InstanceChanged c) {
      instanceChanged(c.instance(), before, view, out);
    } else if (fact instanceof Fact.HealthChanged h) {
      if (isNew(h.version()) && tracker.health(h.instanceId(), h.healthy())) {
        newInstanceUp(view, out);
      }
    } else if (fact instanceof Fact.ReadinessChanged r) {
      if (isNew(r.version()) && tracker.readiness(r.result())) {
        newInstanceUp(view, out);
      }
    }
  }

  @Override
  List<ReadinessCheckResult> readinessResults() {
    return tracker.results();
  }

  private void instanceChanged(InstanceStatus s, InstanceStatus before, InstanceView view, List<Command> out) {
    boolean terminal = s.condition().terminal();
    if (isNew(s.version())) {
      if (!terminal && s.condition() == InstanceStatus.Condition.RUNNING && tracker.running(s.id(), out)) {
        newInstanceUp(view, out);
      } else if (terminal && before != null && !view.killRequested(s.id())) {
        // Marathon's launch queue would relaunch it (its goal is still Running): ask for that.
        tracker.terminated(s.id());
        out.add(new StartInstances(app, 1));
      }
      return;
    }
    if (terminal && oldActive.remove(s.id())) {
      // Killed by us, or ended on its own: either way its capacity is free now.
      toKill.remove(s.id());
      apply(state.oldInstanceTerminated(), view, out);
      checkDone();
    }
  }

  @Override
  DeploymentProgress.ActionState state() {
    return new DeploymentProgress.Restarting(done(), List.copyOf(oldActive), List.copyOf(toKill), state,
        tracker.state());
  }

  /**
   * Takes up where the leader before was, with its counts as they were (begun again, the restart
   * would count healthy instances afresh and could kill an old one before its replacement is up).
   * Old instances that ended while no leader was watching free their capacity now.
   */
  @Override
  void restore(DeploymentProgress.ActionState stored, InstanceView view, List<Command> out) {
    DeploymentProgress.Restarting r = expect(stored, DeploymentProgress.Restarting.class);
    if (r.done()) {
      return;
    }
    if (r.counts() == null) {
      throw new IllegalArgumentException("the stored progress of the restart of " + app.id()
          + " has no counts although it is not done");
    }
    oldActive.addAll(r.oldActive());
    toKill.addAll(r.toKill());
    state = r.counts();
    tracker.restore(r.readiness(), view, out);
    for (String id : List.copyOf(oldActive)) {
      if (!view.isLive(id)) {
        oldActive.remove(id);
        toKill.remove(id);
        apply(state.oldInstanceTerminated(), view, out);
      }
    }
    checkDone();
  }

  private void newInstanceUp(InstanceView view, List<Command> out) {
    apply(state.newInstanceHealthy(), view, out);
    checkDone();
  }

  private void apply(RollingRestart.Step step, InstanceView view, List<Command> out) {
    state = step.next();
    List<String> kill = new ArrayList<>();
    java.util.Iterator<String> next = toKill.iterator();
    for (int i = 0; i < step.killNow() && next.hasNext(); i++) {
      kill.add(next.next());
      next.remove();
    }
    view.kill(app.id(), kill, KillReason.UPGRADING, out);
    if (step.startNow() > 0) {
      out.add(new StartInstances(app, step.startNow()));
    }
  }

  private void checkDone() {
    if (!done() && tracker.count() >= app.instances() && oldActive.isEmpty()) {
      finish();
    }
  }

  private boolean isNew(Instant version) {
    return Objects.equals(version, app.version());
  }
}
