package io.meso.services.deploy;

import io.meso.services.app.PathId;
import io.meso.services.deploy.Command.DeploymentFailed;
import io.meso.services.deploy.Command.DeploymentFinished;
import io.meso.services.deploy.Command.StepFinished;
import io.meso.services.deploy.Command.StepStarted;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A running deployment: a {@link DeploymentPlan} and how far it got, Marathon's
 * {@code DeploymentActor} as a state machine. The runtime {@linkplain #start starts} it with the
 * instances of the apps it touches, feeds it {@link Fact}s and carries out the {@link Command}s it
 * answers with. Steps run one after the other; the actions of a step side by side; the deployment
 * is done when the last step is.
 *
 * <p>Not thread-safe: one deployment lives on one context (the services framework's event loop).
 */
public final class Deployment {

  private final DeploymentPlan plan;
  private final Set<PathId> affected;
  private InstanceView view;
  private int stepIndex; // 0 before the first step, then 1-based
  private List<ActionProgress> current = List.of();
  private boolean finished;
  private boolean cancelled;

  public Deployment(DeploymentPlan plan) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.affected = plan.affectedApps();
    for (DeploymentStep step : plan.steps()) {
      for (DeploymentAction action : step.actions()) {
        if (action.app().version() == null) {
          throw new IllegalArgumentException("app " + action.app().id() + " of deployment "
              + plan.id() + " has no version; deployments need stored (versioned) apps");
        }
      }
    }
  }

  public DeploymentPlan plan() {
    return plan;
  }

  public String id() {
    return plan.id();
  }

  /** The current step, 1-based; 0 before {@link #start} and for a plan without steps. */
  public int currentStep() {
    return stepIndex;
  }

  /** The actions of the current step (empty before the first and after the last). */
  public List<DeploymentAction> currentActions() {
    return finished ? List.of() : current.stream().map(p -> p.action).toList();
  }

  /** The readiness answers seen by the current step's action on {@code action}'s app. */
  public List<ReadinessCheckResult> readinessResults(DeploymentAction action) {
    return current.stream().filter(p -> p.action.equals(action)).findFirst()
        .map(ActionProgress::readinessResults).orElse(List.of());
  }

  /** True once every step is done. */
  public boolean finished() {
    return finished;
  }

  /** True once the deployment was stopped before it was done. */
  public boolean cancelled() {
    return cancelled;
  }

  /**
   * Begins the first step.
   *
   * @param instances every live instance of the apps this plan touches, as the runtime knows them
   */
  public List<Command> start(Collection<InstanceStatus> instances) {
    if (view != null) {
      throw new IllegalStateException("deployment " + id() + " was started already");
    }
    view = new InstanceView(instances.stream()
        .filter(s -> affected.contains(s.appId())).toList());
    List<Command> out = new ArrayList<>();
    advance(out);
    return out;
  }

  /**
   * How far this deployment got, for the store: what {@link #resume} needs to take it up on
   * another leader.
   */
  public DeploymentProgress progress() {
    if (view == null) {
      return new DeploymentProgress(0, List.of(), List.of());
    }
    return new DeploymentProgress(stepIndex, view.killRequested(),
        current.stream().map(ActionProgress::state).toList());
  }

  /**
   * A deployment of {@code plan} taken up by a new leader where {@code progress} says the leader
   * before left it (a deployment that had not begun its first step is started), against the live
   * instances as the new leader found them. The commands to carry out now (readiness checks to
   * start again, what follows from instances that ended meanwhile, further steps if the current one
   * turned out done) are added to {@code out}. The runtime sends the kills the deployment asked for
   * again itself: it stores which instances it was told to kill.
   *
   * @throws IllegalArgumentException if the progress does not fit the plan
   */
  public static Deployment resume(DeploymentPlan plan, DeploymentProgress progress,
      Collection<InstanceStatus> instances, List<Command> out) {
    Deployment d = new Deployment(plan);
    if (progress.step() == 0) {
      out.addAll(d.start(instances));
      return d;
    }
    if (progress.step() > plan.steps().size()) {
      throw new IllegalArgumentException("the stored progress of deployment " + plan.id() + " is at step "
          + progress.step() + "; its plan has " + plan.steps().size());
    }
    List<DeploymentAction> actions = plan.steps().get(progress.step() - 1).actions();
    if (actions.size() != progress.actions().size()) {
      throw new IllegalArgumentException("the stored progress of deployment " + plan.id() + " has "
          + progress.actions().size() + " actions at step " + progress.step() + "; the plan has " + actions.size());
    }
    d.view = new InstanceView(instances.stream().filter(s -> d.affected.contains(s.appId())).toList());
    d.view.restoreKillRequested(progress.killRequested());
    d.stepIndex = progress.step();
    List<ActionProgress> restored = new ArrayList<>();
    for (int i = 0; i < actions.size(); i++) {
      ActionProgress p = ActionProgress.of(actions.get(i));
      p.restore(progress.actions().get(i), d.view, out);
      restored.add(p);
    }
    d.current = List.copyOf(restored);
    d.advance(out);
    return d;
  }

  /** Takes in a fact; facts about apps this plan does not touch are ignored. */
  public List<Command> handle(Fact fact) {
    if (view == null) {
      throw new IllegalStateException("deployment " + id() + " was not started");
    }
    List<Command> out = new ArrayList<>();
    if (finished || cancelled || !affected.contains(fact.appId())) {
      return out;
    }
    InstanceStatus before = null;
    if (fact instanceof Fact.InstanceChanged c) {
      before = view.update(c.instance());
    } else if (fact instanceof Fact.HealthChanged h) {
      view.health(h.instanceId(), h.healthy());
    }
    for (ActionProgress p : current) {
      if (!p.done() && p.app.id().equals(fact.appId())) {
        p.on(fact, before, view, out);
      }
    }
    advance(out);
    return out;
  }

  /**
   * Stops the deployment where it is, without rollback (what {@code force=true} does): instances
   * already replaced stay replaced, so an app may run two versions. Answers the failure to publish.
   */
  public List<Command> cancel(String reason) {
    if (finished || cancelled) {
      return List.of();
    }
    cancelled = true;
    return List.of(new DeploymentFailed(reason));
  }

  /** While the current step is done, finishes it and begins the next, until one has to wait. */
  private void advance(List<Command> out) {
    while (!finished && current.stream().allMatch(ActionProgress::done)) {
      if (stepIndex > 0 && !current.isEmpty()) {
        out.add(new StepFinished(stepIndex));
      }
      if (stepIndex == plan.steps().size()) {
        finished = true;
        out.add(new DeploymentFinished());
        return;
      }
      stepIndex++;
      current = plan.steps().get(stepIndex - 1).actions().stream().map(ActionProgress::of).toList();
      out.add(new StepStarted(stepIndex));
      current.forEach(p -> p.begin(view, out));
    }
  }
}
