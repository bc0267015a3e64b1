package io.meso.services.deploy;

import io.meso.services.deploy.Command.KillReason;
import io.meso.services.deploy.Command.StartInstances;
import io.meso.services.placement.KillSelection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * ScaleApplication, Marathon's {@code DeploymentActor.scaleRunnable} with its
 * {@code ScalingProposition} and {@code TaskStartActor}:
 *
 * <ol>
 *   <li>Of the instances meant to run, kill {@code max(running − scaleTo, sentenced)}: the ones the
 *       user sentenced first, then the rest in the app's {@code killSelection} order
 *       ({@link KillSelection}: unreachable, staging, starting, running; youngest or oldest first).
 *   <li>When those have terminated, launch {@code max(0, scaleTo − live instances)} new ones and
 *       wait until that many new instances are healthy and ready ({@link ReadinessTracker}).
 * </ol>
 *
 * A live instance that fails (not killed by this deployment) is replaced by a new launch. Left out:
 * Marathon's extra kills to satisfy constraints on scale-down, and its periodic re-sync.
 */
final class ScaleProgress extends ActionProgress {

  private final ReadinessTracker tracker;
  private final Set<String> pendingKills = new LinkedHashSet<>();
  private boolean starting;
  private int toStart;

  ScaleProgress(DeploymentAction action) {
    super(action);
    tracker = new ReadinessTracker(app);
  }

  @Override
  void begin(InstanceView view, List<Command> out) {
    int scaleTo = app.instances();
    List<InstanceStatus> running = view.meantToRun(app.id());
    List<InstanceStatus> sentenced = running.stream().filter(s -> action.toKill().contains(s.id())).toList();
    List<KillSelection.Candidate> rest = running.stream()
        .filter(s -> !action.toKill().contains(s.id())).map(InstanceStatus::candidate).toList();
    int count = Math.max(running.size() - scaleTo, sentenced.size());
    List<String> victims = new ArrayList<>(sentenced.stream().map(InstanceStatus::id).toList());
    KillSelection selection = KillSelection.valueOf(app.killSelection().name());
    selection.order(rest).forEach(c -> victims.add(c.id()));
    List<String> kill = victims.subList(0, Math.max(0, count));
    if (kill.isEmpty()) {
      startNew(view, out);
    } else {
      pendingKills.addAll(kill);
      view.kill(app.id(), kill, KillReason.SCALING, out);
    }
  }

  @Override
  void on(Fact fact, InstanceStatus before, InstanceView view, List<Command> out) {
    if (fact instanceof Fact.InstanceChanged c) {
      instanceChanged(c.instance(), before, view, out);
    } else if (fact instanceof Fact.HealthChanged h) {
      if (starting && isNew(h.version()) && tracker.health(h.instanceId(), h.healthy())) {
        checkDone();
      }
    } else if (fact instanceof Fact.ReadinessChanged r) {
      if (starting && isNew(r.version()) && tracker.readiness(r.result())) {
        checkDone();
      }
    }
  }

  @Override
  List<ReadinessCheckResult> readinessResults() {
    return tracker.results();
  }

  private void instanceChanged(InstanceStatus s, InstanceStatus before, InstanceView view, List<Command> out) {
    if (!s.condition().terminal()) {
      if (starting && isNew(s.version()) && s.condition() == InstanceStatus.Condition.RUNNING
          && tracker.running(s.id(), out)) {
        checkDone();
      }
      return;
    }
    if (pendingKills.remove(s.id())) {
      if (pendingKills.isEmpty() && !starting) {
        startNew(view, out);
      }
      return;
    }
    if (before != null && starting && !view.killRequested(s.id())) {
      // A live instance ended on its own: the deployment owns launches for the app, so replace it.
      // (Before the launches, the count of live instances taken then covers it.)
      tracker.terminated(s.id());
      if (!done()) {
        out.add(new StartInstances(app, 1));
      }
    }
  }

  @Override
  DeploymentProgress.ActionState state() {
    return new DeploymentProgress.Scaling(done(), List.copyOf(pendingKills), starting, toStart, tracker.state());
  }

  /**
   * Takes up where the leader before was: waiting for its kills (those that ended meanwhile no
   * longer count, and when none is left the launches are asked for) or for its new instances.
   */
  @Override
  void restore(DeploymentProgress.ActionState state, InstanceView view, List<Command> out) {
    DeploymentProgress.Scaling s = expect(state, DeploymentProgress.Scaling.class);
    if (s.done()) {
      return;
    }
    pendingKills.addAll(s.pendingKills());
    starting = s.starting();
    toStart = s.toStart();
    tracker.restore(s.readiness(), view, out);
    pendingKills.removeIf(id -> !view.isLive(id));
    if (!starting && pendingKills.isEmpty()) {
      startNew(view, out);
    } else if (starting) {
      checkDone();
    }
  }

  private void startNew(InstanceView view, List<Command> out) {
    starting = true;
    int live = view.meantToRun(app.id()).size();
    toStart = Math.max(0, app.instances() - live);
    if (toStart > 0) {
      out.add(new StartInstances(app, toStart));
    }
    checkDone();
  }

  private void checkDone() {
    if (!done() && tracker.count() >= toStart) {
      finish();
    }
  }

  private boolean isNew(Instant version) {
    return Objects.equals(version, app.version());
  }
}
