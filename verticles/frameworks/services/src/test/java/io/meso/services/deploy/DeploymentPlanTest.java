package io.meso.services.deploy;

import static io.meso.services.deploy.Apps.T0;
import static io.meso.services.deploy.Apps.T1;
import static io.meso.services.deploy.Apps.app;
import static io.meso.services.deploy.Apps.dependsOn;
import static io.meso.services.deploy.Apps.id;
import static io.meso.services.deploy.Apps.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.PathId;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Plan construction, as Marathon's DeploymentPlanTest: each case lists the steps as
 * {@code "Type /app"} strings, one list per step.
 */
class DeploymentPlanTest {

  static final App FOO = app("/foo", 2, "sleep 1000", T0);
  static final App BAR = app("/bar", 1, "sleep 1000", T0);

  static Stream<Arguments> cases() {
    App fooScaled = AppChange.stamp(FOO, FOO.withInstances(5), T1);
    App fooChanged = AppChange.stamp(FOO, FOO.toBuilder().cmd("sleep 2000").build(), T1);
    App fooRestarted = AppChange.restarted(FOO, T1);
    App fooChangedToZero = AppChange.stamp(FOO, FOO.toBuilder().cmd("x").instances(0).build(), T1);
    return Stream.of(
        Arguments.of("new app: start at 0, then scale", set(), set(FOO),
            List.of(List.of("START /foo"), List.of("SCALE /foo"))),
        Arguments.of("removed app: stop", set(FOO), set(),
            List.of(List.of("STOP /foo"))),
        Arguments.of("scale only", set(FOO), set(fooScaled),
            List.of(List.of("SCALE /foo"))),
        Arguments.of("config change: restart", set(FOO), set(fooChanged),
            List.of(List.of("RESTART /foo"))),
        Arguments.of("same config, new version (POST restart): restart", set(FOO), set(fooRestarted),
            List.of(List.of("RESTART /foo"))),
        Arguments.of("config change to 0 instances: scale", set(FOO), set(fooChangedToZero),
            List.of(List.of("SCALE /foo"))),
        Arguments.of("nothing changed: no steps", set(FOO, BAR), set(FOO, BAR), List.of()),
        Arguments.of("stop, start and change at once; unchanged app left alone", set(FOO, BAR),
            set(fooChanged, app("/baz", 1, "x", T1)),
            List.of(List.of("STOP /bar"), List.of("START /baz"), List.of("SCALE /baz", "RESTART /foo"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void steps(String name, Map<PathId, App> original, Map<PathId, App> target, List<List<String>> expected) {
    assertThat(describe(DeploymentPlan.of(original, target, T1))).isEqualTo(expected);
  }

  @Test
  void dependencyLevelsOrderTheScaleSteps() {
    // db <- cache <- web; db <- worker; web, worker and db are new, so levels: db(1), cache+worker(2), web(3).
    App db = app("/prod/db", 1, "db", T1);
    App cache = dependsOn(app("/prod/cache", 1, "cache", T1), "/prod/db");
    App worker = dependsOn(app("/prod/worker", 1, "w", T1), "/prod/db");
    App web = dependsOn(app("/prod/web", 1, "web", T1), "/prod/cache", "/prod/db");
    DeploymentPlan plan = DeploymentPlan.of(set(), set(web, worker, cache, db), T1);
    assertThat(describe(plan)).containsExactly(
        List.of("START /prod/cache", "START /prod/db", "START /prod/web", "START /prod/worker"),
        List.of("SCALE /prod/db"),
        List.of("SCALE /prod/cache", "SCALE /prod/worker"),
        List.of("SCALE /prod/web"));
  }

  @Test
  void anUnchangedDependencyStillLiftsItsDependents() {
    // db exists unchanged, app is new: app is on level 2 and alone in its step.
    App db = app("/db", 1, "db", T0);
    App web = dependsOn(app("/web", 1, "web", T1), "/db");
    assertThat(describe(DeploymentPlan.of(set(db), set(db, web), T1)))
        .containsExactly(List.of("START /web"), List.of("SCALE /web"));
  }

  @Test
  void aDependencyOnAGroupMeansEveryAppInIt() {
    App a = app("/data/a", 1, "a", T1);
    App b = dependsOn(app("/data/b", 1, "b", T1), "/data/a");
    App web = dependsOn(app("/web", 1, "web", T1), "/data");
    assertThat(describe(DeploymentPlan.of(set(), set(a, b, web), T1)).subList(1, 4)).containsExactly(
        List.of("SCALE /data/a"), List.of("SCALE /data/b"), List.of("SCALE /web"));
  }

  @Test
  void aCycleIsRefusedNamingTheLoop() {
    App a = dependsOn(app("/a", 1, "a", T1), "/b");
    App b = dependsOn(app("/b", 1, "b", T1), "/c");
    App c = dependsOn(app("/c", 1, "c", T1), "/a");
    assertThatThrownBy(() -> DeploymentPlan.of(set(), set(a, b, c, app("/d", 1, "d", T1)), T1))
        .isInstanceOf(CyclicDependencyException.class)
        .hasMessage("Dependency graph has cyclic dependencies. /a -> /b -> /c -> /a")
        .satisfies(e -> assertThat(((CyclicDependencyException) e).cycle())
            .containsExactly(id("/a"), id("/b"), id("/c"), id("/a")));
  }

  @Test
  void aMissingDependencyIsIgnored() {
    App a = dependsOn(app("/a", 1, "a", T1), "/nowhere");
    assertThat(describe(DeploymentPlan.of(set(), set(a), T1))).containsExactly(
        List.of("START /a"), List.of("SCALE /a"));
  }

  @Test
  void dependingOnItselfOrItsOwnGroupIsACycle() {
    assertThatThrownBy(() -> DeploymentPlan.of(set(), set(dependsOn(app("/a", 1, "a", T1), "/a")), T1))
        .hasMessageEndingWith("/a -> /a");
    assertThatThrownBy(() -> DeploymentPlan.of(set(), set(dependsOn(app("/g/a", 1, "a", T1), "/g")), T1))
        .hasMessageEndingWith("/g/a -> /g/a");
  }

  @Test
  void planCarriesIdVersionAffectedAppsAndSentencedInstances() {
    App fooDown = AppChange.stamp(FOO, FOO.withInstances(1), T1);
    DeploymentPlan plan = DeploymentPlan.of("d-1", set(FOO, BAR), set(fooDown), T1,
        Map.of(id("/foo"), List.of("foo.1")));
    assertThat(plan.id()).isEqualTo("d-1");
    assertThat(plan.version()).isEqualTo(T1);
    assertThat(plan.affectedApps()).containsExactly(id("/bar"), id("/foo"));
    assertThat(plan.steps().get(1).actions().get(0).toKill()).containsExactly("foo.1");
  }

  @Test
  void randomIdsAreUuids() {
    String planId = DeploymentPlan.of(set(), set(FOO), T1).id();
    assertThat(java.util.UUID.fromString(planId).toString()).isEqualTo(planId);
    assertThat(DeploymentPlan.of(set(), set(FOO), T1).id()).isNotEqualTo(planId);
  }

  @Test
  void conflictsWhenTouchingACommonApp() {
    DeploymentPlan foo = DeploymentPlan.of(set(), set(FOO), T1);
    DeploymentPlan bar = DeploymentPlan.of(set(), set(BAR), T1);
    DeploymentPlan both = DeploymentPlan.of(set(FOO), set(BAR), T1);
    assertThat(foo.conflictsWith(bar)).isFalse();
    assertThat(foo.conflictsWith(both)).isTrue();
    assertThat(both.conflictsWith(bar)).isTrue();
  }

  /** The steps as lists of "TYPE /app". */
  static List<List<String>> describe(DeploymentPlan plan) {
    return plan.steps().stream()
        .map(s -> s.actions().stream().map(a -> a.type() + " " + a.app().id()).toList())
        .toList();
  }
}
