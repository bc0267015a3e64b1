package io.meso.services.app.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.meso.services.app.VersionInfo;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The array forms of PUT and PATCH /v2/apps. */
class AppBatchTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00.000Z");
  static final Instant NOW = Instant.parse("2026-02-01T00:00:00.000Z");
  static final App WEB = ((AppResult.Valid) AppJson.parse(new JsonObject(
      "{\"id\":\"/web\",\"cmd\":\"serve\",\"instances\":2}"))).app().withVersion(T0, VersionInfo.forNewConfig(T0));

  private static String json(String s) {
    return s.replace('\'', '"');
  }

  static Map<PathId, App> current() {
    Map<PathId, App> apps = new LinkedHashMap<>();
    apps.put(WEB.id(), WEB);
    return apps;
  }

  static AppBatch.Outcome apply(String body, boolean partial, boolean allowCreation) {
    return AppBatch.apply(current(), json(body), partial, allowCreation,
        (id, v) -> id.equals(WEB.id()) && v.equals(T0) ? Optional.of(WEB) : Optional.empty(), NOW);
  }

  static AppBatch.Target target(AppBatch.Outcome o) {
    assertThat(o).as(String.valueOf(o)).isInstanceOf(AppBatch.Target.class);
    return (AppBatch.Target) o;
  }

  static AppBatch.Refused refused(AppBatch.Outcome o, int status) {
    assertThat(o).as(String.valueOf(o)).isInstanceOf(AppBatch.Refused.class);
    AppBatch.Refused r = (AppBatch.Refused) o;
    assertThat(r.status()).as(r.body().encode()).isEqualTo(status);
    return r;
  }

  @Test
  void putUpdatesAndCreatesInOneTarget() {
    AppBatch.Target t = target(apply("[{'id':'/web','instances':3},{'id':'api','cmd':'api'}]", true, true));
    assertThat(t.version()).isEqualTo(NOW);
    assertThat(t.apps().get(WEB.id()).instances()).isEqualTo(3);
    assertThat(t.apps().get(WEB.id()).cmd()).as("partial: kept").isEqualTo("serve");
    assertThat(t.apps().get(PathId.absolute("/api")).version()).isEqualTo(NOW);
  }

  @Test
  void aFullReplacementFillsInDefaults() {
    AppBatch.Target t = target(apply("[{'id':'/web','cmd':'other'}]", false, true));
    assertThat(t.apps().get(WEB.id()).instances()).isEqualTo(1);
  }

  @Test
  void laterElementsBuildOnEarlierOnes() {
    AppBatch.Target t = target(apply("[{'id':'/web','instances':5},{'id':'/web','cpus':0.5}]", true, true));
    assertThat(t.apps().get(WEB.id()).instances()).isEqualTo(5);
    assertThat(t.apps().get(WEB.id()).cpus()).isEqualTo(0.5);
  }

  @Test
  void anElementWithOnlyAVersionRollsBack() {
    AppBatch.Target t = target(apply("[{'id':'/web','cmd':'changed'}]", true, true));
    assertThat(t.apps().get(WEB.id()).cmd()).isEqualTo("changed");
    AppBatch.Target back = target(apply("[{'id':'/web','version':'2026-01-01T00:00:00.000Z'}]", true, true));
    assertThat(back.apps().get(WEB.id())).isEqualTo(WEB);
    AppBatch.Refused unknown = refused(apply("[{'id':'/web','version':'2001-01-01T00:00:00.000Z'}]", true, true), 404);
    assertThat(unknown.body().getString("message")).isEqualTo("App '/web' does not exist in version 2001-01-01T00:00:00.000Z");
  }

  @Test
  void patchNeverCreates() {
    AppBatch.Refused r = refused(apply("[{'id':'/web','instances':1},{'id':'/nope','instances':1}]", true, false), 404);
    assertThat(r.body()).isEqualTo(new JsonObject().put("message", "App '/nope' does not exist"));
  }

  @Test
  void problemsAreReportedPerElement() {
    AppBatch.Refused r = refused(apply("[{'id':'/web','cpus':-1},{'cmd':'x'},{'id':'/a','mem':'x','cmd':'y'},3]",
        true, true), 422);
    assertThat(r.body().getString("message")).isEqualTo("Object is not valid");
    assertThat(r.body().getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")))
        .containsExactly("/(0)/cpus", "/(1)/id", "/(2)/mem", "/(3)");
    assertThat(refused(apply("{not json", true, true), 400).body()).isEqualTo(new JsonObject().put("message", "Invalid JSON"));
    assertThat(refused(apply("{'id':'/web'}", true, true), 422).body().getJsonArray("details").getJsonObject(0)
        .getString("path")).isEqualTo("/");
  }
}
