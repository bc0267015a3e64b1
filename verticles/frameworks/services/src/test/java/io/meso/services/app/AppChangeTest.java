package io.meso.services.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AppChangeTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00.000Z");
  static final Instant T1 = Instant.parse("2026-01-01T00:01:00.000Z");
  static final Instant T2 = Instant.parse("2026-01-01T00:02:00.123456Z");

  static final App BASE = App.builder(PathId.absolute("/a")).cmd("sleep 1").instances(2)
      .version(T0).versionInfo(VersionInfo.forNewConfig(T0)).build();

  static Stream<Arguments> changes() {
    return Stream.of(
        Arguments.of("same", (UnaryOperator<App.Builder>) b -> b, AppChange.NONE),
        Arguments.of("only the version", (UnaryOperator<App.Builder>) b -> b.version(T1), AppChange.NONE),
        Arguments.of("instances", (UnaryOperator<App.Builder>) b -> b.instances(5), AppChange.SCALE_ONLY),
        Arguments.of("instances to 0", (UnaryOperator<App.Builder>) b -> b.instances(0), AppChange.SCALE_ONLY),
        Arguments.of("cmd", (UnaryOperator<App.Builder>) b -> b.cmd("sleep 2"), AppChange.CONFIG),
        Arguments.of("cmd and instances", (UnaryOperator<App.Builder>) b -> b.cmd("x").instances(3), AppChange.CONFIG),
        Arguments.of("cpus", (UnaryOperator<App.Builder>) b -> b.cpus(0.5), AppChange.CONFIG),
        Arguments.of("labels", (UnaryOperator<App.Builder>) b -> b.labels(Map.of("a", "b")), AppChange.CONFIG),
        Arguments.of("env", (UnaryOperator<App.Builder>) b -> b.env(Map.of("A", new EnvValue.Literal("1"))), AppChange.CONFIG),
        Arguments.of("killSelection", (UnaryOperator<App.Builder>) b -> b.killSelection(KillSelection.OLDEST_FIRST), AppChange.CONFIG),
        Arguments.of("upgradeStrategy", (UnaryOperator<App.Builder>) b -> b.upgradeStrategy(new UpgradeStrategy(0.5, 0)), AppChange.CONFIG),
        Arguments.of("unreachableStrategy", (UnaryOperator<App.Builder>) b -> b.unreachableStrategy(UnreachableStrategy.DISABLED), AppChange.CONFIG),
        Arguments.of("container", (UnaryOperator<App.Builder>) b -> b.container(new JsonObject().put("type", "MESOS")), AppChange.CONFIG),
        Arguments.of("constraints", (UnaryOperator<App.Builder>) b -> b.constraints(
            List.of(new Constraint("hostname", Constraint.Operator.UNIQUE, null))), AppChange.CONFIG));
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("changes")
  void classifiesChanges(String name, UnaryOperator<App.Builder> change, AppChange expected) {
    App after = change.apply(BASE.toBuilder()).build();
    assertThat(AppChange.between(BASE, after)).isEqualTo(expected);
  }

  @Test
  void configChangeMovesEveryStampToNowCutToMillis() {
    App after = AppChange.stamp(BASE, BASE.toBuilder().cmd("other").build(), T2);
    Instant millis = Instant.parse("2026-01-01T00:02:00.123Z");
    assertThat(after.version()).isEqualTo(millis);
    assertThat(after.versionInfo()).isEqualTo(new VersionInfo(millis, millis));
  }

  @Test
  void scaleChangeKeepsLastConfigChange() {
    App after = AppChange.stamp(BASE, BASE.withInstances(9), T1);
    assertThat(after.version()).isEqualTo(T1);
    assertThat(after.versionInfo()).isEqualTo(new VersionInfo(T1, T0));
  }

  @Test
  void scaleOfAnAppWithOnlyAVersionCountsItsVersionAsTheLastConfigChange() {
    App old = BASE.withVersion(T0, null);
    assertThat(AppChange.stamp(old, old.withInstances(3), T1).versionInfo()).isEqualTo(new VersionInfo(T1, T0));
  }

  @Test
  void noChangeKeepsTheOldStamps() {
    App after = AppChange.stamp(BASE, BASE.withVersion(null, null), T1);
    assertThat(after.version()).isEqualTo(T0);
    assertThat(after.versionInfo()).isEqualTo(BASE.versionInfo());
  }

  @Test
  void restartMovesVersionAndLastConfigChangeOnly() {
    App scaled = BASE.withVersion(T1, new VersionInfo(T1, T0));
    App restarted = AppChange.restarted(scaled, T2);
    Instant millis = Instant.parse("2026-01-01T00:02:00.123Z");
    assertThat(restarted.version()).isEqualTo(millis);
    assertThat(restarted.versionInfo()).isEqualTo(new VersionInfo(T1, millis));
  }
}
