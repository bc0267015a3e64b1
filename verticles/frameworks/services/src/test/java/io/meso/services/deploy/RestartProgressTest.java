package io.meso.services.deploy;

import static io.meso.services.deploy.Apps.T0;
import static io.meso.services.deploy.Apps.T1;
import static io.meso.services.deploy.Apps.app;
import static io.meso.services.deploy.Apps.set;
import static io.meso.services.deploy.Apps.strategy;
import static io.meso.services.deploy.Apps.withHealthCheck;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.deploy.Command.DeploymentFinished;
import io.meso.services.deploy.Command.KillInstances;
import io.meso.services.deploy.Command.KillReason;
import io.meso.services.deploy.Command.ResetLaunchDelay;
import io.meso.services.deploy.Command.StartInstances;
import io.meso.services.deploy.InstanceStatus.Condition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rolling restarts driven step by step, after Marathon's TaskReplaceActorTest. Old instances are
 * old0..; new ones new0.. in launch order. Each scenario checks kills and launches after every
 * fact, and that the app never runs more than maxCapacity instances.
 */
class RestartProgressTest {

  /** A restart of {@code old} (n running instances) to a new command, configured at T1. */
  static Harness restart(App old, int running) {
    App next = AppChange.stamp(old, old.toBuilder().cmd("new " + old.cmd()).build(), T1);
    DeploymentPlan plan = DeploymentPlan.of("r", set(old), set(next), T1, java.util.Map.of());
    assertThat(plan.steps()).hasSize(1);
    return new Harness(plan, Harness.running(old, running, "old"));
  }

  static App target(Harness h) {
    return h.deployment.plan().steps().get(0).actions().get(0).app();
  }

  @Test
  void withoutHealthChecksMinHealthZeroKillsAllAndStartsAll() {
    // 5 instances, (0.0, 1.0): minHealthy 0, maxCapacity 10: kill all 5 and start 5 at once.
    Harness h = restart(strategy(app("/my-app", 5, "sleep", T0), 0.0, 1.0), 5);
    App next = target(h);
    assertThat(h.kills()).containsExactly("old0", "old1", "old2", "old3", "old4");
    assertThat(h.pending(next)).isEqualTo(5);
    assertThat(h.commands(ResetLaunchDelay.class)).hasSize(1);
    assertThat(h.commands(KillInstances.class).get(0).reason()).isEqualTo(KillReason.UPGRADING);
    h.confirmKills();
    for (int i = 0; i < 5; i++) {
      assertThat(h.deployment.finished()).isFalse();
      h.launchRunning(next);
    }
    assertThat(h.deployment.finished()).isTrue();
    assertThat(h.commands(DeploymentFinished.class)).hasSize(1);
  }

  @Test
  void oldInstancesWithoutAHealthVerdictDoNotCountAsHealthy() {
    // 3 instances with health checks, (0.5, 0.0): minHealthy ceil(1.5) = 2, maxCapacity 3. The old
    // ones have no verdict: Marathon's consideredHealthy counts 0 healthy, so none is killed at
    // once, and with 3 old ones at maxCapacity none can start. The runtime must pass the verdicts.
    Harness h = restart(strategy(withHealthCheck(app("/my-app", 3, "sleep", T0)), 0.5, 0.0), 3);
    App next = target(h);
    assertThat(h.kills()).isEmpty();
    assertThat(h.pending(next)).isZero();
  }

  @Test
  void withoutOverCapacityReplacesOneAtATime() {
    App old = strategy(withHealthCheck(app("/my-app", 3, "sleep", T0)), 0.5, 0.0);
    App next = AppChange.stamp(old, old.toBuilder().cmd("new").build(), T1);
    List<InstanceStatus> running = new ArrayList<>();
    Harness.running(old, 3, "old").forEach(s -> running.add(s.withHealthy(true)));
    Harness h = new Harness(DeploymentPlan.of("r", set(old), set(next), T1, java.util.Map.of()), running);
    // kill 3 - 2 = 1 at once; no room to start until it is gone.
    assertThat(h.kills()).containsExactly("old0");
    assertThat(h.pending(next)).isZero();
    for (int i = 0; i < 3; i++) {
      assertThat(h.deployment.finished()).isFalse();
      h.confirmKills();
      assertThat(h.pending(next)).as("round %d", i).isEqualTo(1);
      assertThat(h.alive(next) + h.pending(next)).isLessThanOrEqualTo(3);
      String id = h.launchRunning(next);
      assertThat(h.kills()).as("running is not healthy").hasSize(i + 1);
      h.healthy(id);
      assertThat(h.kills()).hasSize(Math.min(3, i + 2));
    }
    assertThat(h.kills()).containsExactly("old0", "old1", "old2");
    assertThat(h.deployment.finished()).isTrue();
    assertThat(h.atVersion(next)).isEqualTo(3);
  }

  @Test
  void minimalOverCapacityWhenMinHealthyEqualsMaxCapacity() {
    // 3 instances, (1.0, 0.0): minHealthy = maxCapacity = 3, so one extra is allowed (4).
    Harness h = restart(strategy(app("/my-app", 3, "sleep", T0), 1.0, 0.0), 3);
    App next = target(h);
    assertThat(h.kills()).isEmpty();
    assertThat(h.pending(next)).isEqualTo(1);
    for (int i = 0; i < 3; i++) {
      h.launchRunning(next); // no health checks: running is healthy, so one old one goes
      assertThat(h.kills()).hasSize(i + 1);
      assertThat(h.pending(next)).isZero();
      h.confirmKills();
      assertThat(h.pending(next)).isEqualTo(i < 2 ? 1 : 0);
      assertThat(h.instances.size()).isLessThanOrEqualTo(4);
    }
    assertThat(h.deployment.finished()).isTrue();
  }

  @Test
  void twoThirdsOverCapacityStartsTwoAtOnce() {
    // 3 instances, (1.0, 0.7): maxCapacity floor(5.1) = 5, minHealthy 3: start 2, kill none.
    Harness h = restart(strategy(app("/my-app", 3, "sleep", T0), 1.0, 0.7), 3);
    App next = target(h);
    assertThat(h.kills()).isEmpty();
    assertThat(h.pending(next)).isEqualTo(2);
    h.launchRunning(next);
    assertThat(h.kills()).containsExactly("old0");
    h.confirmKills();
    assertThat(h.pending(next)).isEqualTo(2); // one left from before, one more now
    h.launchRunning(next);
    h.launchRunning(next);
    h.confirmKills();
    assertThat(h.kills()).containsExactly("old0", "old1", "old2");
    assertThat(h.deployment.finished()).isTrue();
  }

  @Test
  void fiveInstancesHalfHealthyNoOverCapacity() {
    // 5 instances, (0.5, 0.0): minHealthy ceil(2.5) = 3, maxCapacity 5: kill 2 at once, start as they go.
    Harness h = restart(strategy(app("/my-app", 5, "sleep", T0), 0.5, 0.0), 5);
    App next = target(h);
    assertThat(h.kills()).containsExactly("old0", "old1");
    assertThat(h.pending(next)).isZero();
    h.confirmKills();
    assertThat(h.pending(next)).isEqualTo(2);
    h.launchRunning(next);
    h.launchRunning(next);
    assertThat(h.kills()).hasSize(4);
    h.confirmKills();
    assertThat(h.pending(next)).isEqualTo(2);
    h.launchRunning(next);
    h.launchRunning(next);
    assertThat(h.kills()).hasSize(5);
    h.confirmKills();
    assertThat(h.pending(next)).isEqualTo(1);
    h.launchRunning(next);
    assertThat(h.deployment.finished()).isTrue();
    assertThat(h.atVersion(next)).isEqualTo(5);
    assertThat(h.instances).hasSize(5);
  }

  @Test
  void newInstancesAlreadyThereCountAsStartedAndAreNotKilled() {
    // A restart picked up again: 2 of 5 already run the new version (TaskReplaceActorTest
    // "not kill new and already started tasks"), (0.0, 1.0).
    App old = strategy(app("/my-app", 5, "sleep", T0), 0.0, 1.0);
    App next = AppChange.stamp(old, old.toBuilder().cmd("new").build(), T1);
    List<InstanceStatus> now = new ArrayList<>(Harness.running(old, 3, "old"));
    now.addAll(Harness.running(next, 2, "fresh"));
    Harness h = new Harness(DeploymentPlan.of("r", set(old), set(next), T1, java.util.Map.of()), now);
    assertThat(h.kills()).containsExactly("old0", "old1", "old2");
    assertThat(h.pending(next)).isEqualTo(3);
    h.confirmKills();
    h.launchRunning(next);
    h.launchRunning(next);
    assertThat(h.deployment.finished()).isFalse();
    h.launchRunning(next);
    assertThat(h.deployment.finished()).isTrue();
  }

  @Test
  void aFailedNewInstanceIsReplacedAndAnOldOneEndingFreesCapacity() {
    Harness h = restart(strategy(app("/my-app", 2, "sleep", T0), 1.0, 0.0), 2);
    App next = target(h);
    // minHealthy = maxCapacity = 2: one extra allowed.
    assertThat(h.pending(next)).isEqualTo(1);
    h.fact(new Fact.InstanceChanged(new InstanceStatus("new-x", next.id(), next.version(),
        Condition.STAGING, T1, null)));
    List<Command> out = h.end("new-x", Condition.FAILED);
    assertThat(out).containsExactly(new StartInstances(next, 1));
    // An old instance dies on its own: treated as gone, capacity for one more.
    out = h.end("old1", Condition.FAILED);
    assertThat(out).contains(new StartInstances(next, 1));
    assertThat(h.kills()).isEmpty();
  }

  @Test
  void restartToZeroInstancesIsDoneAtOnce() {
    App old = app("/my-app", 0, "sleep", T0);
    DeploymentPlan plan = DeploymentPlan.of("r", set(old), set(AppChange.restarted(old, T1)), T1, java.util.Map.of());
    Harness h = new Harness(plan, List.of());
    assertThat(h.deployment.finished()).isTrue();
  }
}
