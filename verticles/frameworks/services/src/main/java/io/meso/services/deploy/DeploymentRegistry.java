package io.meso.services.deploy;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The running deployments and the rule that keeps them apart: an app belongs to at most one
 * running deployment (Marathon's {@code DeploymentManagerActor}). A new deployment that touches an
 * app of a running one is refused with 409 ({@link Submission.Locked}) unless {@code force}, which
 * cancels the conflicting deployments where they are, without rollback, and goes ahead.
 *
 * <p>Cancelling a deployment ({@code DELETE /v2/deployments/{id}}) either stops it the same way
 * ({@code force=true}) or starts a new deployment from the current apps back to what the cancelled
 * one changed ({@link DeploymentPlan#revert}), forced over the cancelled one, as
 * {@code api/v2/DeploymentsResource.scala} does.
 *
 * <p>Finished deployments leave the registry. Not thread-safe: one context owns it.
 */
public final class DeploymentRegistry {

  /** The reason given for a deployment stopped by cancel or by a forced deployment. */
  public static final String CANCELLED = "The upgrade has been cancelled";

  private final Map<String, Deployment> running = new LinkedHashMap<>();

  /**
   * Starts {@code plan} unless it conflicts with a running deployment and {@code force} is false.
   *
   * @param instances the live instances of the apps, as the runtime knows them
   */
  public Submission submit(DeploymentPlan plan, boolean force, Collection<InstanceStatus> instances) {
    List<Deployment> conflicts = running.values().stream()
        .filter(d -> d.plan().conflictsWith(plan)).toList();
    if (!conflicts.isEmpty() && !force) {
      return new Submission.Locked(conflicts.stream().map(Deployment::id).toList());
    }
    if (running.containsKey(plan.id())) {
      throw new IllegalArgumentException("deployment " + plan.id() + " is running already");
    }
    List<Outcome> cancelled = new ArrayList<>();
    for (Deployment d : conflicts) {
      running.remove(d.id());
      cancelled.add(new Outcome(d, d.cancel(CANCELLED)));
    }
    Deployment deployment = new Deployment(plan);
    List<Command> commands = deployment.start(instances);
    if (!deployment.finished()) {
      running.put(plan.id(), deployment);
    }
    return new Submission.Accepted(new Outcome(deployment, commands), cancelled);
  }

  /**
   * Keeps a deployment a new leader took up ({@link Deployment#resume}), unless it turned out
   * finished. Resume deployments oldest first, as they were submitted.
   *
   * @throws IllegalArgumentException if a running deployment has its id or touches one of its apps
   */
  public void adopt(Deployment deployment) {
    if (running.containsKey(deployment.id())
        || running.values().stream().anyMatch(d -> d.plan().conflictsWith(deployment.plan()))) {
      throw new IllegalArgumentException("deployment " + deployment.id() + " conflicts with a running one");
    }
    if (!deployment.finished() && !deployment.cancelled()) {
      running.put(deployment.id(), deployment);
    }
  }

  /** Hands {@code fact} to the deployment that holds its app, if any; a finished one leaves. */
  public List<Outcome> handle(Fact fact) {
    List<Outcome> out = new ArrayList<>();
    for (Deployment d : List.copyOf(running.values())) {
      if (d.plan().affectedApps().contains(fact.appId())) {
        List<Command> commands = d.handle(fact);
        if (d.finished()) {
          running.remove(d.id());
        }
        if (!commands.isEmpty()) {
          out.add(new Outcome(d, commands));
        }
      }
    }
    return out;
  }

  /**
   * {@code DELETE /v2/deployments/{id}?force=}.
   *
   * @param current the apps as stored now (the cancelled deployment's targets included)
   * @param now the version of a revert deployment
   * @param instances the live instances of the apps, for starting a revert deployment
   */
  public Cancellation cancel(String id, boolean force, Map<PathId, App> current, Instant now,
      Collection<InstanceStatus> instances) {
    Deployment d = running.get(id);
    if (d == null) {
      return new Cancellation.NotFound(id);
    }
    if (force) {
      running.remove(id);
      return new Cancellation.Stopped(new Outcome(d, d.cancel(CANCELLED)));
    }
    DeploymentPlan revert = DeploymentPlan.of(UUID.randomUUID().toString(), current,
        d.plan().revert(current), now, Map.of());
    return new Cancellation.Reverted((Submission.Accepted) submit(revert, true, instances));
  }

  /** The running deployment with {@code id}. */
  public Optional<Deployment> get(String id) {
    return Optional.ofNullable(running.get(id));
  }

  /** Every running deployment, oldest first. */
  public List<Deployment> running() {
    return List.copyOf(running.values());
  }

  /** The ids of the running deployments that touch {@code appId} (an app's {@code deployments}). */
  public List<String> deploymentsOf(PathId appId) {
    return running.values().stream().filter(d -> d.plan().affectedApps().contains(appId))
        .map(Deployment::id).toList();
  }
}
