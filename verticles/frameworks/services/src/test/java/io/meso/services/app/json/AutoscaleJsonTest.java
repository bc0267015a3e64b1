package io.meso.services.app.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.AutoscalePolicy;
import io.meso.services.app.PathId;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The app's {@code autoscale} object: defaults, every bad value a 422 detail at
 * {@code /autoscale/<field>} naming the value and what is allowed, rendering that reads back equal,
 * the read-only {@code lastDecision} ignored on the way in, and a policy change being scale-only.
 */
class AutoscaleJsonTest {

  static final String APP = "{'id':'/a','cmd':'sleep 1','cpus':0.5,'autoscale':%s}";
  static final String TARGET = "expected a fraction of the app's cpus per instance, greater than 0 and at most 1";

  static App parse(String autoscale) {
    AppResult r = AppJson.parse(String.format(APP, autoscale).replace('\'', '"'));
    assertThat(r).as(autoscale).isInstanceOf(AppResult.Valid.class);
    return ((AppResult.Valid) r).app();
  }

  @Test
  void defaultsAreKubernetesHpas() {
    AutoscalePolicy p = parse("{'targetCpuUtilization':0.5,'maxInstances':4}").autoscale();
    assertThat(p).isEqualTo(new AutoscalePolicy(0.5, 1, 4, 0, 300, 0.1));
  }

  @Test
  void anAppWithoutOneHasNone() {
    App app = ((AppResult.Valid) AppJson.parse("{\"id\":\"/a\",\"cmd\":\"x\"}")).app();
    assertThat(app.autoscale()).isNull();
    assertThat(AppWriter.render(app).containsKey("autoscale")).isFalse();
  }

  @Test
  void rendersAllFieldsAndReadsBackEqualIgnoringLastDecision() {
    App app = parse("{'targetCpuUtilization':0.7,'minInstances':2,'maxInstances':9,"
        + "'scaleUpStabilizationSeconds':5,'scaleDownStabilizationSeconds':60,'tolerance':0.2}");
    JsonObject rendered = AppWriter.render(app);
    assertThat(rendered.getJsonObject("autoscale")).isEqualTo(new JsonObject("""
        {"targetCpuUtilization":0.7,"minInstances":2,"maxInstances":9,"scaleUpStabilizationSeconds":5,
         "scaleDownStabilizationSeconds":60,"tolerance":0.2}"""));
    rendered.getJsonObject("autoscale").put("lastDecision", new JsonObject().put("desiredInstances", 3));
    assertThat(((AppResult.Valid) AppJson.parse(rendered)).app()).isEqualTo(app);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        row("{'maxInstances':3}", "/autoscale/targetCpuUtilization", "targetCpuUtilization: got null, " + TARGET),
        row("{'targetCpuUtilization':0,'maxInstances':3}", "/autoscale/targetCpuUtilization",
            "targetCpuUtilization: got 0, " + TARGET),
        row("{'targetCpuUtilization':1.5,'maxInstances':3}", "/autoscale/targetCpuUtilization",
            "targetCpuUtilization: got 1.5, " + TARGET),
        row("{'targetCpuUtilization':'half','maxInstances':3}", "/autoscale/targetCpuUtilization",
            "targetCpuUtilization: got \"half\" (a string), " + TARGET),
        row("{'targetCpuUtilization':0.5}", "/autoscale/maxInstances",
            "maxInstances: got null, expected the most instances to scale to, at least minInstances (1)"),
        row("{'targetCpuUtilization':0.5,'minInstances':4,'maxInstances':2}", "/autoscale/maxInstances",
            "maxInstances: got 2, expected at least minInstances (4)"),
        row("{'targetCpuUtilization':0.5,'minInstances':0,'maxInstances':2}", "/autoscale/minInstances",
            "minInstances: got 0, expected 1 or more"),
        row("{'targetCpuUtilization':0.5,'maxInstances':2.5}", "/autoscale/maxInstances",
            "maxInstances: got 2.5, expected an integer, 1 or more"),
        row("{'targetCpuUtilization':0.5,'maxInstances':2,'scaleDownStabilizationSeconds':-1}",
            "/autoscale/scaleDownStabilizationSeconds", "scaleDownStabilizationSeconds: got -1, expected between 0 and 86400"),
        row("{'targetCpuUtilization':0.5,'maxInstances':2,'scaleUpStabilizationSeconds':90000}",
            "/autoscale/scaleUpStabilizationSeconds", "scaleUpStabilizationSeconds: got 90000, expected between 0 and 86400"),
        row("{'targetCpuUtilization':0.5,'maxInstances':2,'tolerance':1}", "/autoscale/tolerance",
            "tolerance: got 1, expected a fraction from 0 up to (not including) 1"),
        row("{'targetCpuUtilization':0.5,'maxInstances':2,'tolerance':-0.1}", "/autoscale/tolerance",
            "tolerance: got -0.1, expected between 0 and 1"),
        row("7", "/autoscale", "autoscale: got 7, expected an object"));
  }

  static Arguments row(String autoscale, String path, String message) {
    return Arguments.of(autoscale, path, message);
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void badValuesAre422AtTheirField(String autoscale, String path, String message) {
    AppResult r = AppJson.parse(String.format(APP, autoscale).replace('\'', '"'));
    assertThat(r).isInstanceOf(Rejection.Invalid.class);
    assertThat(((Rejection) r).status()).isEqualTo(422);
    assertThat(((Rejection.Invalid) r).violations()).contains(new Violation(path, message));
  }

  @Test
  void aSingleInstanceAppMayNotScaleBeyondOne() {
    AppResult r = AppJson.parse(("{'id':'/a','cmd':'x','labels':{'MARATHON_SINGLE_INSTANCE_APP':'true'},"
        + "'upgradeStrategy':{'minimumHealthCapacity':0,'maximumOverCapacity':0},"
        + "'autoscale':{'targetCpuUtilization':0.5,'maxInstances':2}}").replace('\'', '"'));
    assertThat(((Rejection.Invalid) r).violations()).containsExactly(new Violation("/autoscale/maxInstances",
        "maxInstances: got 2, expected 1 for a single instance app (label MARATHON_SINGLE_INSTANCE_APP)"));
  }

  @Test
  void changingThePolicyIsScaleOnlyAndKeepsThePolicyOnAnInstancesUpdate() {
    Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
    App before = parse("{'targetCpuUtilization':0.5,'maxInstances':4}").withVersion(t0,
        io.meso.services.app.VersionInfo.forNewConfig(t0));
    UpdateResult.Updated scaled = (UpdateResult.Updated) AppUpdates.apply(before, PathId.absolute("/a"),
        "{\"instances\":3}", true, t0.plusSeconds(1));
    assertThat(scaled.app().autoscale()).isEqualTo(before.autoscale());
    assertThat(scaled.app().instances()).isEqualTo(3);
    UpdateResult.Updated retuned = (UpdateResult.Updated) AppUpdates.apply(before, PathId.absolute("/a"),
        "{\"autoscale\":{\"targetCpuUtilization\":0.8,\"maxInstances\":6}}", true, t0.plusSeconds(2));
    assertThat(retuned.app().autoscale().maxInstances()).isEqualTo(6);
    assertThat(AppChange.between(before, retuned.app())).isEqualTo(AppChange.SCALE_ONLY);
  }

  @Test
  void anExplicitNullRemovesThePolicyWhileOtherUpdatesKeepIt() {
    Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
    App before = parse("{'targetCpuUtilization':0.5,'maxInstances':4}").withVersion(t0,
        io.meso.services.app.VersionInfo.forNewConfig(t0));
    UpdateResult.Updated kept = (UpdateResult.Updated) AppUpdates.apply(before, PathId.absolute("/a"),
        "{\"cmd\":\"sleep 2\"}", true, t0.plusSeconds(1));
    assertThat(kept.app().autoscale()).isEqualTo(before.autoscale());
    UpdateResult.Updated removed = (UpdateResult.Updated) AppUpdates.apply(before, PathId.absolute("/a"),
        "{\"autoscale\":null}", true, t0.plusSeconds(2));
    assertThat(removed.app().autoscale()).isNull();
    assertThat(removed.change()).isEqualTo(AppChange.SCALE_ONLY);
  }
}
