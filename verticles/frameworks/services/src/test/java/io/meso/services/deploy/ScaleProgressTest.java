package io.meso.services.deploy;

import static io.meso.services.deploy.Apps.T0;
import static io.meso.services.deploy.Apps.T1;
import static io.meso.services.deploy.Apps.app;
import static io.meso.services.deploy.Apps.dependsOn;
import static io.meso.services.deploy.Apps.id;
import static io.meso.services.deploy.Apps.set;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.KillSelection;
import io.meso.services.deploy.Command.AppStopped;
import io.meso.services.deploy.Command.DeploymentFinished;
import io.meso.services.deploy.Command.KillInstances;
import io.meso.services.deploy.Command.KillReason;
import io.meso.services.deploy.Command.ResetLaunchDelay;
import io.meso.services.deploy.Command.StartInstances;
import io.meso.services.deploy.Command.StepFinished;
import io.meso.services.deploy.Command.StepStarted;
import io.meso.services.deploy.InstanceStatus.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scaling, starting and stopping apps, step by step (DeploymentActor.scaleRunnable, TaskStartActor, stopRunnable). */
class ScaleProgressTest {

  static final App WEB = app("/web", 4, "web", T0);

  /** web's four instances: a staging one (youngest), three running started at T0, +1h, +2h. */
  static List<InstanceStatus> mixed() {
    return List.of(
        new InstanceStatus("run-old", WEB.id(), WEB.version(), Condition.RUNNING, T0, null),
        new InstanceStatus("staging", WEB.id(), WEB.version(), Condition.STAGING, T0.plusSeconds(9000), null),
        new InstanceStatus("run-mid", WEB.id(), WEB.version(), Condition.RUNNING, T0.plusSeconds(3600), null),
        new InstanceStatus("run-young", WEB.id(), WEB.version(), Condition.RUNNING, T0.plusSeconds(7200), null));
  }

  static Harness scaleTo(App app, int instances, List<InstanceStatus> now, Map<String, List<String>> toKill) {
    App next = AppChange.stamp(app, app.withInstances(instances), T1);
    return new Harness(DeploymentPlan.of("s", set(app), set(next), T1,
        toKill.isEmpty() ? Map.of() : Map.of(app.id(), toKill.get("web"))), now);
  }

  @Test
  void scaleDownYoungestFirstKillsStagingThenTheYoungestRunning() {
    Harness h = scaleTo(WEB, 2, mixed(), Map.of());
    assertThat(h.commands(KillInstances.class)).containsExactly(
        new KillInstances(WEB.id(), List.of("staging", "run-young"), KillReason.SCALING));
    assertThat(h.deployment.finished()).isFalse();
    h.confirmKills();
    assertThat(h.commands(StartInstances.class)).isEmpty();
    assertThat(h.deployment.finished()).isTrue();
  }

  @Test
  void scaleDownOldestFirst() {
    App oldestFirst = WEB.toBuilder().killSelection(KillSelection.OLDEST_FIRST).build();
    List<InstanceStatus> now = mixed().stream()
        .map(s -> new InstanceStatus(s.id(), s.appId(), oldestFirst.version(), s.condition(), s.since(), null))
        .toList();
    Harness h = scaleTo(oldestFirst, 1, now, Map.of());
    assertThat(h.kills()).containsExactly("staging", "run-old", "run-mid");
  }

  @Test
  void sentencedInstancesGoFirst() {
    Harness h = scaleTo(WEB, 3, mixed(), Map.of("web", List.of("run-old")));
    assertThat(h.kills()).containsExactly("run-old");
  }

  @Test
  void scaleUpStartsTheDifferenceAndWaitsForThemToRun() {
    Harness h = scaleTo(WEB, 6, mixed(), Map.of());
    App next = h.deployment.plan().steps().get(0).actions().get(0).app();
    assertThat(h.commands(StartInstances.class)).containsExactly(new StartInstances(next, 2));
    h.launchRunning(next);
    assertThat(h.deployment.finished()).isFalse();
    h.launchRunning(next);
    assertThat(h.deployment.finished()).isTrue();
  }

  @Test
  void aFailedInstanceDuringAScaleIsReplaced() {
    Harness h = scaleTo(WEB, 5, mixed(), Map.of());
    App next = h.deployment.plan().steps().get(0).actions().get(0).app();
    String id = h.launchRunning(next);
    assertThat(h.deployment.finished()).isTrue();
    // after the deployment, failures are the runtime's business
    assertThat(h.end(id, Condition.FAILED)).isEmpty();

    Harness h2 = scaleTo(WEB, 5, mixed(), Map.of());
    List<Command> out = h2.end("run-mid", Condition.FAILED);
    assertThat(out).containsExactly(new StartInstances(next, 1));
  }

  @Test
  void aNewAppStartsAtZeroThenScalesWithHealthChecks() {
    App api = Apps.withHealthCheck(app("/api", 2, "api", T1));
    Harness h = new Harness(DeploymentPlan.of("n", set(), set(api), T1, Map.of()), List.of());
    assertThat(h.log).startsWith(new StepStarted(1), new StepFinished(1), new StepStarted(2),
        new StartInstances(api, 2));
    String a = h.launchRunning(api);
    String b = h.launchRunning(api);
    assertThat(h.deployment.finished()).as("running is not enough with health checks").isFalse();
    h.healthy(a);
    h.fact(new Fact.HealthChanged(api.id(), b, api.version(), false));
    assertThat(h.deployment.finished()).isFalse();
    h.healthy(b);
    assertThat(h.deployment.finished()).isTrue();
    assertThat(h.log).endsWith(new StepFinished(2), new DeploymentFinished());
  }

  @Test
  void healthOfAnotherVersionDoesNotCount() {
    App api = Apps.withHealthCheck(app("/api", 1, "api", T1));
    Harness h = new Harness(DeploymentPlan.of("n", set(), set(api), T1, Map.of()), List.of());
    String a = h.launchRunning(api);
    h.fact(new Fact.HealthChanged(api.id(), a, Instant.EPOCH, true));
    assertThat(h.deployment.finished()).isFalse();
  }

  @Test
  void stopKillsEverythingThenReportsTheAppStopped() {
    Harness h = new Harness(DeploymentPlan.of("x", set(WEB), set(), T1, Map.of()), mixed());
    assertThat(h.commands(KillInstances.class)).containsExactly(new KillInstances(WEB.id(),
        List.of("run-old", "staging", "run-mid", "run-young"), KillReason.DELETING));
    h.end("run-old", Condition.KILLED);
    h.end("staging", Condition.KILLED);
    h.end("run-mid", Condition.KILLED);
    assertThat(h.commands(AppStopped.class)).isEmpty();
    h.end("run-young", Condition.KILLED);
    assertThat(h.log).endsWith(new ResetLaunchDelay(WEB.id()), new AppStopped(WEB.id()),
        new StepFinished(1), new DeploymentFinished());
  }

  @Test
  void dependentAppsWaitForTheirDependencies() {
    App db = app("/db", 1, "db", T1);
    App web = dependsOn(app("/web", 1, "web", T1), "/db");
    Harness h = new Harness(DeploymentPlan.of("d", set(), set(db, web), T1, Map.of()), List.of());
    assertThat(h.commands(StartInstances.class)).containsExactly(new StartInstances(db, 1));
    assertThat(h.deployment.currentStep()).isEqualTo(2);
    h.fact(new Fact.InstanceChanged(new InstanceStatus("w", id("/web"), T1, Condition.RUNNING, T1, null)));
    assertThat(h.deployment.currentStep()).as("a web instance does not finish db's step").isEqualTo(2);
    h.launchRunning(db);
    assertThat(h.deployment.currentStep()).isEqualTo(3);
    assertThat(h.commands(StartInstances.class)).containsExactly(new StartInstances(db, 1));
    assertThat(h.deployment.finished()).as("w was already there: web has its 1 instance").isTrue();
  }

  @Test
  void factsAboutOtherAppsAreIgnored() {
    Harness h = scaleTo(WEB, 6, mixed(), Map.of());
    assertThat(h.fact(new Fact.InstanceChanged(new InstanceStatus("z", id("/other"), T1,
        Condition.RUNNING, T1, null)))).isEmpty();
  }
}
