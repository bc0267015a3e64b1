package io.meso.services.deploy;

import static io.meso.services.deploy.Apps.T0;
import static io.meso.services.deploy.Apps.T1;
import static io.meso.services.deploy.Apps.T2;
import static io.meso.services.deploy.Apps.app;
import static io.meso.services.deploy.Apps.id;
import static io.meso.services.deploy.Apps.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.PathId;
import io.meso.services.deploy.Command.DeploymentFailed;
import io.meso.services.deploy.Command.DeploymentFinished;
import io.meso.services.deploy.InstanceStatus.Condition;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One deployment per app, force, and DELETE /v2/deployments/{id} with and without force. */
class DeploymentRegistryTest {

  static final App A = app("/a", 2, "a", T0);
  static final App B = app("/b", 1, "b", T0);
  static final App GONE = app("/gone", 1, "gone", T0);
  static final App A2 = AppChange.stamp(A, A.toBuilder().cmd("a v2").build(), T1);
  static final App NEW = app("/new", 1, "new", T1);

  final DeploymentRegistry registry = new DeploymentRegistry();
  final List<InstanceStatus> instances = new ArrayList<>(Harness.running(A, 2, "a."));

  Submission.Accepted accept(DeploymentPlan plan, boolean force) {
    Submission s = registry.submit(plan, force, instances);
    assertThat(s).isInstanceOf(Submission.Accepted.class);
    return (Submission.Accepted) s;
  }

  @Test
  void aSecondDeploymentOfALockedAppIsRefusedWith409() {
    Submission.Accepted first = accept(DeploymentPlan.of(set(A), set(A2), T1), false);
    String firstId = first.started().deployment().id();
    Submission second = registry.submit(DeploymentPlan.of(set(A2), set(A2.withInstances(5)), T2), false, instances);
    assertThat(second).isInstanceOf(Submission.Locked.class);
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.body()).isEqualTo(new JsonObject()
        .put("message", "App is locked by one or more deployments. Override with the option '?force=true'. "
            + "View details at '/v2/deployments/<DEPLOYMENT_ID>'.")
        .put("deployments", new JsonArray().add(new JsonObject().put("id", firstId))));
    assertThat(registry.running()).extracting(Deployment::id).containsExactly(firstId);
  }

  @Test
  void deploymentsOfOtherAppsRunSideBySide() {
    Submission.Accepted a = accept(DeploymentPlan.of(set(A), set(A2), T1), false);
    Submission.Accepted b = accept(DeploymentPlan.of(set(), set(NEW), T1), false);
    assertThat(registry.running()).hasSize(2);
    assertThat(registry.deploymentsOf(id("/a"))).containsExactly(a.started().deployment().id());
    assertThat(registry.deploymentsOf(id("/new"))).containsExactly(b.started().deployment().id());
    assertThat(registry.deploymentsOf(id("/b"))).isEmpty();
  }

  @Test
  void forceCancelsTheConflictingDeploymentsWithoutRollback() {
    Deployment first = accept(DeploymentPlan.of(set(A), set(A2), T1), false).started().deployment();
    Deployment other = accept(DeploymentPlan.of(set(), set(NEW), T1), false).started().deployment();
    App a3 = AppChange.stamp(A2, A2.withInstances(3), T2);
    Submission.Accepted forced = accept(DeploymentPlan.of(set(A2), set(a3), T2), true);
    assertThat(forced.cancelled()).extracting(o -> o.deployment().id()).containsExactly(first.id());
    assertThat(forced.cancelled().get(0).commands())
        .containsExactly(new DeploymentFailed("The upgrade has been cancelled"));
    assertThat(first.cancelled()).isTrue();
    assertThat(registry.running()).extracting(Deployment::id)
        .containsExactly(other.id(), forced.started().deployment().id());
    assertThat(forced.body().getString("deploymentId")).isEqualTo(forced.started().deployment().id());
  }

  @Test
  void factsGoToTheDeploymentHoldingTheAppAndFinishedOnesLeave() {
    Deployment d = accept(DeploymentPlan.of(set(), set(NEW), T1), false).started().deployment();
    List<Outcome> out = registry.handle(new Fact.InstanceChanged(
        new InstanceStatus("n1", NEW.id(), NEW.version(), Condition.RUNNING, T1, null)));
    assertThat(out).hasSize(1);
    assertThat(out.get(0).deployment()).isSameAs(d);
    assertThat(out.get(0).commands()).endsWith(new DeploymentFinished());
    assertThat(registry.running()).isEmpty();
    assertThat(registry.handle(new Fact.InstanceChanged(
        new InstanceStatus("n2", NEW.id(), NEW.version(), Condition.RUNNING, T1, null)))).isEmpty();
  }

  @Test
  void anEmptyPlanFinishesAtOnceAndHoldsNoLock() {
    Submission.Accepted s = accept(DeploymentPlan.of(set(B), set(B), T1), false);
    assertThat(s.started().commands()).containsExactly(new DeploymentFinished());
    assertThat(registry.running()).isEmpty();
  }

  @Test
  void cancelUnknownIs404() {
    Cancellation c = registry.cancel("nope", false, set(), T2, instances);
    assertThat(c.status()).isEqualTo(404);
    assertThat(c.body()).isEqualTo(new JsonObject().put("message", "DeploymentPlan nope does not exist"));
  }

  @Test
  void forcedCancelJustStops() {
    Harness.running(GONE, 1, "g.").forEach(instances::add);
    Deployment d = accept(DeploymentPlan.of(set(A, GONE), set(A2), T1), false).started().deployment();
    Cancellation c = registry.cancel(d.id(), true, set(A2), T2, instances);
    assertThat(c).isInstanceOf(Cancellation.Stopped.class);
    assertThat(c.status()).isEqualTo(202);
    assertThat(c.body()).isNull();
    assertThat(registry.running()).isEmpty();
    assertThat(d.handle(new Fact.InstanceChanged(instances.get(0).with(Condition.KILLED, T2))))
        .as("a cancelled deployment asks for nothing more").isEmpty();
  }

  @Test
  void cancelWithoutForceRevertsWhatTheDeploymentChanged() {
    // The deployment changed /a, removed /gone and added /new; /b is unchanged and was changed
    // meanwhile by nobody: the revert takes /a back to v1, brings /gone back, removes /new.
    Harness.running(GONE, 1, "g.").forEach(instances::add);
    DeploymentPlan plan = DeploymentPlan.of(set(A, B, GONE), set(A2, B, NEW), T1);
    Submission.Accepted accepted = accept(plan, false);
    Deployment d = accepted.started().deployment();
    // The runtime carried out the kill of /gone's instance: it reports it KILLING from now on.
    assertThat(accepted.started().commands()).contains(
        new Command.KillInstances(id("/gone"), List.of("g.0"), Command.KillReason.DELETING));
    instances.replaceAll(s -> s.id().equals("g.0") ? s.with(Condition.KILLING, T1) : s);
    Map<PathId, App> current = set(A2, B, NEW);
    Cancellation c = registry.cancel(d.id(), false, current, T2, instances);
    assertThat(c).isInstanceOf(Cancellation.Reverted.class);
    Submission.Accepted revert = ((Cancellation.Reverted) c).revert();
    DeploymentPlan rp = revert.started().deployment().plan();
    assertThat(rp.id()).isNotEqualTo(d.id());
    assertThat(rp.version()).isEqualTo(T2);
    assertThat(rp.original()).isEqualTo(current);
    assertThat(rp.target()).isEqualTo(set(A, B, GONE));
    assertThat(DeploymentPlanTest.describe(rp)).containsExactly(
        List.of("STOP /new"), List.of("START /gone"), List.of("RESTART /a", "SCALE /gone"));
    assertThat(revert.cancelled()).extracting(o -> o.deployment().id()).containsExactly(d.id());
    assertThat(c.status()).isEqualTo(200);
    assertThat(c.body()).isEqualTo(DeploymentJson.deploymentResult(rp));
    assertThat(registry.running()).extracting(Deployment::id).containsExactly(rp.id());
    // /a's instances already run v1, so only /gone needs a new instance (its old one is dying).
    assertThat(revert.started().commands()).contains(new Command.StartInstances(GONE, 1));
    assertThat(revert.started().commands()).noneMatch(cmd -> cmd instanceof Command.KillInstances);
  }

  @Test
  void revertKeepsOtherAppsChangedMeanwhile() {
    DeploymentPlan plan = DeploymentPlan.of(set(A, B), set(A2, B), T1);
    App bChanged = AppChange.stamp(B, B.withInstances(4), T2);
    assertThat(plan.revert(set(A2, bChanged))).isEqualTo(set(A, bChanged));
  }
}
