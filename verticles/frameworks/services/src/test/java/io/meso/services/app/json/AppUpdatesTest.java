package io.meso.services.app.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.PathId;
import io.meso.services.app.VersionInfo;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppUpdatesTest {

  static final PathId ID = PathId.absolute("/web");
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00.000Z");
  static final Instant NOW = Instant.parse("2026-02-01T00:00:00.000Z");

  /** The stored app the updates start from. */
  static final App CURRENT = ((AppResult.Valid) AppJson.parse(json(
      "{'id':'/web','cmd':'serve','instances':3,'cpus':0.5,'env':{'A':'1','B':'2'},'labels':{'team':'x'},"
          + "'container':{'type':'DOCKER','docker':{'image':'web:1','forcePullImage':true}},"
          + "'constraints':[['hostname','UNIQUE']],'healthChecks':[{'protocol':'TCP'}]}"))).app()
      .withVersion(T0, VersionInfo.forNewConfig(T0));

  private static String json(String s) {
    return s.replace('\'', '"');
  }

  private static UpdateResult update(String body, boolean partial) {
    return AppUpdates.apply(CURRENT, ID, json(body), partial, NOW);
  }

  private static UpdateResult.Updated updated(String body, boolean partial) {
    UpdateResult r = update(body, partial);
    assertThat(r).as(String.valueOf(r)).isInstanceOf(UpdateResult.Updated.class);
    return (UpdateResult.Updated) r;
  }

  @Test
  void partialUpdateKeepsWhatTheBodyLeavesOut() {
    App app = updated("{'cpus':1.5}", true).app();
    assertThat(app.cpus()).isEqualTo(1.5);
    assertThat(app.cmd()).isEqualTo("serve");
    assertThat(app.instances()).isEqualTo(3);
    assertThat(app.env()).containsOnlyKeys("A", "B");
    assertThat(app.constraints()).hasSize(1);
    assertThat(app.healthChecks()).hasSize(1);
    assertThat(app.container().getJsonObject("docker").getBoolean("forcePullImage")).isTrue();
  }

  @Test
  void partialUpdateReplacesAGivenNestedObjectWhole() {
    App app = updated("{'env':{'C':'3'},'container':{'type':'DOCKER','docker':{'image':'web:2'}}}", true).app();
    assertThat(app.env()).containsOnlyKeys("C");
    assertThat(app.container()).isEqualTo(new JsonObject(json("{'type':'DOCKER','docker':{'image':'web:2'}}")));
  }

  @Test
  void partialUpdateTreatsNullAsAbsent() {
    App app = updated("{'cmd':null,'constraints':null,'instances':4}", true).app();
    assertThat(app.cmd()).isEqualTo("serve");
    assertThat(app.constraints()).hasSize(1);
    assertThat(app.instances()).isEqualTo(4);
  }

  @Test
  void partialUpdateCanEmptyALists() {
    App app = updated("{'constraints':[],'healthChecks':[]}", true).app();
    assertThat(app.constraints()).isEmpty();
    assertThat(app.healthChecks()).isEmpty();
  }

  @Test
  void partialUpdateWithArgsOnACmdAppIsInvalidAsInMarathon() {
    // Marathon merges cmd and args field by field: the old cmd stays, and both together are refused.
    UpdateResult r = update("{'args':['serve','--fast']}", true);
    assertThat(r).isEqualTo(new Rejection.Invalid(List.of(new Violation("/", AppRules.CMD_ARGS_OR_CONTAINER))));
  }

  @Test
  void partialUpdateIsValidatedAsAWhole() {
    UpdateResult r = update("{'cpus':0}", true);
    assertThat(((Rejection.Invalid) r).violations()).containsExactly(
        new Violation("/cpus", "cpus: got 0, expected 0.001 or more"));
  }

  @Test
  void deprecatedPortsReplaceThePortDefinitions() {
    App app = updated("{'ports':[8080]}", true).app();
    assertThat(app.portDefinitions()).extracting(p -> p.port()).containsExactly(8080);
  }

  @Test
  void fullReplaceFillsDefaultsForWhatTheBodyLeavesOut() {
    App app = updated("{'cmd':'serve2'}", false).app();
    assertThat(app.cmd()).isEqualTo("serve2");
    assertThat(app.instances()).isEqualTo(App.DEFAULT_INSTANCES);
    assertThat(app.cpus()).isEqualTo(App.DEFAULT_CPUS);
    assertThat(app.env()).isEmpty();
    assertThat(app.container()).isNull();
    assertThat(app.constraints()).isEmpty();
  }

  @Test
  void fullReplaceNeedsACommand() {
    assertThat(update("{'instances':5}", false))
        .isEqualTo(new Rejection.Invalid(List.of(new Violation("/", AppRules.CMD_ARGS_OR_CONTAINER))));
  }

  @Test
  void theUrlIdWinsOverTheBodyId() {
    assertThat(updated("{'id':'/other','cpus':2}", true).app().id()).isEqualTo(ID);
    assertThat(updated("{'id':'/other','cmd':'x'}", false).app().id()).isEqualTo(ID);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "{'instances':7}                       | SCALE_ONLY",
      "{'instances':3}                       | NONE",
      "{}                                    | NONE",
      "{'cpus':0.5}                          | NONE",
      "{'cpus':0.6}                          | CONFIG",
      "{'labels':{'team':'y'}}               | CONFIG",
      "{'instances':7,'cmd':'serve --v2'}    | CONFIG",
  })
  void changeKindDecidesTheVersionInfo(String body, AppChange expected) {
    UpdateResult.Updated u = updated(body, true);
    assertThat(u.change()).isEqualTo(expected);
    switch (expected) {
      case NONE -> {
        assertThat(u.app().version()).isEqualTo(T0);
        assertThat(u.app().versionInfo()).isEqualTo(new VersionInfo(T0, T0));
      }
      case SCALE_ONLY -> {
        assertThat(u.app().version()).isEqualTo(NOW);
        assertThat(u.app().versionInfo()).isEqualTo(new VersionInfo(NOW, T0));
      }
      case CONFIG -> {
        assertThat(u.app().version()).isEqualTo(NOW);
        assertThat(u.app().versionInfo()).isEqualTo(new VersionInfo(NOW, NOW));
      }
    }
  }

  @Test
  void versionAloneIsARollback() {
    assertThat(update("{'version':'2026-01-01T00:00:00.000Z'}", true))
        .isEqualTo(new UpdateResult.Rollback(T0));
    assertThat(update("{'id':'/web','version':'2026-01-01T00:00:00.000Z'}", true))
        .isEqualTo(new UpdateResult.Rollback(T0));
    // read-only fields a client echoes back are not update fields
    assertThat(update("{'version':'2026-01-01T00:00:00.000Z','tasksRunning':1,'deployments':[]}", true))
        .isEqualTo(new UpdateResult.Rollback(T0));
  }

  @Test
  void versionWithAnotherFieldIsRefused() {
    assertThat(update("{'version':'2026-01-01T00:00:00.000Z','instances':2}", true)).isEqualTo(new Rejection.Invalid(
        List.of(new Violation("/", AppUpdates.VERSION_ALONE + " Found 'instances'."))));
  }

  @Test
  void badRollbackVersionIsRefused() {
    assertThat(((Rejection.Invalid) update("{'version':'last tuesday'}", true)).violations())
        .extracting(Violation::path).containsExactly("/version");
  }

  @Test
  void fullReplaceIgnoresAVersionInTheBody() {
    UpdateResult.Updated u = updated("{'cmd':'serve','version':'2020-01-01T00:00:00.000Z'}", false);
    assertThat(u.app().version()).isEqualTo(NOW);
  }

  @Test
  void putOfAnUnknownIdCreatesTheAppEvenWithPartialUpdate() {
    UpdateResult r = AppUpdates.apply(null, PathId.absolute("/new"), json("{'cmd':'x','version':'2020-01-01T00:00:00Z'}"), true,
        Instant.parse("2026-02-01T00:00:00.123999Z"));
    assertThat(r).isInstanceOf(UpdateResult.Created.class);
    App app = ((UpdateResult.Created) r).app();
    Instant millis = Instant.parse("2026-02-01T00:00:00.123Z");
    assertThat(app.id()).isEqualTo(PathId.absolute("/new"));
    assertThat(app.version()).isEqualTo(millis);
    assertThat(app.versionInfo()).isEqualTo(VersionInfo.forNewConfig(millis));
  }

  @Test
  void malformedBodyIs400() {
    assertThat(update("{'cpus':", true)).isInstanceOf(Rejection.MalformedJson.class);
    assertThat(update("[]", true)).isInstanceOf(Rejection.Invalid.class);
  }
}
