package io.meso.services.deploy;

import static io.meso.services.deploy.Apps.T0;
import static io.meso.services.deploy.Apps.T1;
import static io.meso.services.deploy.Apps.app;
import static io.meso.services.deploy.Apps.set;
import static io.meso.services.deploy.Apps.strategy;
import static io.meso.services.deploy.Apps.withHealthCheck;
import static io.meso.services.deploy.Apps.withReadinessCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.deploy.Command.CheckReadiness;
import io.meso.services.deploy.Command.DeploymentFinished;
import io.meso.services.deploy.InstanceStatus.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * A deployment taken up by a new leader from its stored {@link DeploymentProgress} goes on exactly
 * as the one that was never interrupted: each scenario is played to its end once; then, for every
 * point of it, a deployment is resumed from the progress there and both are given the rest of
 * the facts, which must make them answer with the same commands, fact by fact.
 */
class DeploymentResumeTest {

  /** A scenario: how to start it, and the app its launches are of. */
  record Scenario(String name, Supplier<Harness> start, App next, boolean health, boolean readiness) {
    @Override
    public String toString() {
      return name;
    }
  }

  static App restarted(App old) {
    return AppChange.stamp(old, old.toBuilder().cmd("new " + old.cmd()).build(), T1);
  }

  static Scenario restart(String name, App old, int running) {
    App next = restarted(old);
    boolean health = !old.healthChecks().isEmpty();
    return new Scenario(name, () -> new Harness(DeploymentPlan.of("r", set(old), set(next), T1, Map.of()),
        healthy(Harness.running(old, running, "old"), health)), next, health, !old.readinessChecks().isEmpty());
  }

  static Scenario scale(String name, App old, int running, int to) {
    App next = AppChange.stamp(old, old.withInstances(to), T1);
    boolean health = !old.healthChecks().isEmpty();
    return new Scenario(name, () -> new Harness(DeploymentPlan.of("s", set(old), set(next), T1, Map.of()),
        healthy(Harness.running(old, running, "old"), health)), next, health, false);
  }

  static List<InstanceStatus> healthy(List<InstanceStatus> running, boolean health) {
    return health ? running.stream().map(s -> s.withHealthy(true)).toList() : running;
  }

  static Stream<Arguments> scenarios() {
    App gone = app("/gone", 2, "sleep", T0);
    App kept = app("/kept", 1, "sleep", T0);
    App keptScaled = AppChange.stamp(kept, kept.withInstances(3), T1);
    List<InstanceStatus> both = new ArrayList<>(Harness.running(gone, 2, "gone"));
    both.addAll(Harness.running(kept, 1, "kept"));
    return Stream.of(
        restart("restart one at a time, health checks (1.0, 0.0)",
            strategy(withHealthCheck(app("/web", 3, "sleep", T0)), 1.0, 0.0), 3),
        restart("restart two at a time, no checks (0.5, 0.5)", strategy(app("/web", 4, "sleep", T0), 0.5, 0.5), 4),
        restart("restart with health and readiness checks (1.0, 0.0)",
            strategy(withReadinessCheck(withHealthCheck(app("/web", 2, "sleep", T0))), 1.0, 0.0), 2),
        scale("scale up with health checks", withHealthCheck(app("/web", 2, "sleep", T0)), 2, 5),
        scale("scale down", app("/web", 4, "sleep", T0), 4, 2),
        new Scenario("stop one app, then scale another", () -> new Harness(
            DeploymentPlan.of("two", set(gone, kept), set(keptScaled), T1, Map.of()), both), keptScaled, false, false))
        .map(Arguments::of);
  }

  /** Plays {@code s} to its end: launches show up running (healthy, ready), kills are confirmed. */
  static List<Fact> play(Scenario s) {
    Harness h = s.start().get();
    for (int guard = 0; !h.deployment.finished(); guard++) {
      assertThat(guard).as("%s: facts played", s).isLessThan(1000);
      if (h.pending(s.next()) > 0) {
        String id = h.launchRunning(s.next());
        if (s.health()) {
          h.healthy(id);
        }
        if (s.readiness()) {
          h.readiness(id, false);
          h.readiness(id, true);
        }
        continue;
      }
      int before = h.facts.size();
      h.confirmKills();
      assertThat(h.facts.size()).as("%s: stuck with nothing to launch or kill", s).isGreaterThan(before);
    }
    return List.copyOf(h.facts);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void resumedAnywhereItGoesOnAsTheOriginal(Scenario s) {
    List<Fact> facts = play(s);
    for (int cut = 0; cut < facts.size(); cut++) {
      Harness original = s.start().get();
      facts.subList(0, cut).forEach(original::fact);
      if (original.deployment.finished()) {
        break; // a finished deployment leaves the store
      }
      DeploymentProgress progress = original.deployment.progress();
      List<Command> onResume = new ArrayList<>();
      Deployment resumed = Deployment.resume(original.deployment.plan(), progress,
          List.copyOf(original.instances.values()), onResume);
      // Nothing to redo, except the readiness checks of new instances that run and are not ready yet.
      for (Command c : onResume) {
        assertThat(c).as("%s, resumed after %d facts", s, cut).isInstanceOf(CheckReadiness.class);
        String id = ((CheckReadiness) c).instanceId();
        assertThat(original.instances.get(id).condition()).isEqualTo(Condition.RUNNING);
      }
      assertThat(resumed.currentStep()).isEqualTo(original.deployment.currentStep());
      assertThat(resumed.progress()).as("%s: progress right after resuming at %d", s, cut).isEqualTo(progress);
      for (int i = cut; i < facts.size(); i++) {
        Fact f = facts.get(i);
        assertThat(resumed.handle(f)).as("%s, resumed after %d facts: commands for fact %d %s", s, cut, i, f)
            .isEqualTo(original.fact(f));
      }
      assertThat(resumed.finished()).as("%s resumed after %d facts finished", s, cut).isTrue();
    }
  }

  @Test
  void killsThatEndedWhileNoLeaderWatchedAreTakenAsDone() {
    // Scale 4 -> 2 asks for two kills; both end before the new leader takes over: it finds the
    // deployment done at once.
    Harness h = scale("scale down", app("/web", 4, "sleep", T0), 4, 2).start().get();
    assertThat(h.kills()).hasSize(2);
    List<InstanceStatus> left = h.instances.values().stream().filter(i -> !h.kills().contains(i.id())).toList();
    List<Command> out = new ArrayList<>();
    Deployment resumed = Deployment.resume(h.deployment.plan(), h.deployment.progress(), left, out);
    assertThat(resumed.finished()).isTrue();
    assertThat(out).contains(new DeploymentFinished());
  }

  @Test
  void anOldInstanceThatEndedMeanwhileFreesItsCapacity() {
    // One at a time (1.0, 0.0) with 3 healthy old instances: one new is started, nothing killed.
    // If an old one ends while no leader watches, the new leader starts the next new instance.
    App old = strategy(withHealthCheck(app("/web", 3, "sleep", T0)), 1.0, 0.0);
    Harness h = restart("r", old, 3).start().get();
    App next = restarted(old);
    assertThat(h.pending(next)).isEqualTo(1);
    List<InstanceStatus> left = h.instances.values().stream().filter(i -> !i.id().equals("old2")).toList();
    List<Command> out = new ArrayList<>();
    Deployment.resume(h.deployment.plan(), h.deployment.progress(), left, out);
    assertThat(out).containsExactly(new Command.StartInstances(next, 1));
  }

  @Test
  void progressThatDoesNotFitThePlanIsRefused() {
    Harness h = restart("r", app("/web", 2, "sleep", T0), 2).start().get();
    DeploymentPlan plan = h.deployment.plan();
    assertThatThrownBy(() -> Deployment.resume(plan, new DeploymentProgress(3, List.of(), List.of()), List.of(),
        new ArrayList<>())).hasMessageContaining("at step 3; its plan has 1");
    assertThatThrownBy(() -> Deployment.resume(plan, new DeploymentProgress(1, List.of(),
        List.of(new DeploymentProgress.Plain(false))), List.of(), new ArrayList<>()))
        .hasMessageContaining("is Plain; expected Restarting");
  }
}
