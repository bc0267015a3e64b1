package io.meso.services.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.meso.services.app.VersionInfo;
import io.meso.services.app.json.AppJson;
import io.meso.services.app.json.AppResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Group updates as changes of the whole app set, and the group tree built from app ids. */
class GroupUpdatesTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00.000Z");
  static final Instant NOW = Instant.parse("2026-02-01T00:00:00.000Z");

  private static String json(String s) {
    return s.replace('\'', '"');
  }

  /** A stored app parsed from {@code definition}, configured at T0. */
  static App stored(String definition) {
    App app = ((AppResult.Valid) AppJson.parse(new JsonObject(json(definition)))).app();
    return app.withVersion(T0, VersionInfo.forNewConfig(T0));
  }

  static PathId id(String raw) {
    return PathId.absolute(raw);
  }

  /** /prod/web (2), /prod/db/main (1), /other (1). */
  static Map<PathId, App> current() {
    Map<PathId, App> apps = new LinkedHashMap<>();
    for (App a : List.of(stored("{'id':'/prod/web','cmd':'serve','instances':2}"),
        stored("{'id':'/prod/db/main','cmd':'db'}"), stored("{'id':'/other','cmd':'x'}"))) {
      apps.put(a.id(), a);
    }
    return apps;
  }

  static GroupUpdates.Target target(GroupUpdates.Outcome o) {
    assertThat(o).as(String.valueOf(o)).isInstanceOf(GroupUpdates.Target.class);
    return (GroupUpdates.Target) o;
  }

  static GroupUpdates.Refused refused(GroupUpdates.Outcome o, int status) {
    assertThat(o).as(String.valueOf(o)).isInstanceOf(GroupUpdates.Refused.class);
    GroupUpdates.Refused r = (GroupUpdates.Refused) o;
    assertThat(r.status()).as(r.body().encode()).isEqualTo(status);
    return r;
  }

  static List<String> paths(GroupUpdates.Refused r) {
    return r.body().getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")).toList();
  }

  @Test
  void theTreeComesFromTheAppIds() {
    GroupTree tree = new GroupTree(current());
    assertThat(tree.exists(PathId.ROOT)).isTrue();
    assertThat(tree.exists(id("/prod"))).isTrue();
    assertThat(tree.exists(id("/prod/db"))).isTrue();
    assertThat(tree.exists(id("/prod/web"))).as("an app is not a group").isFalse();
    assertThat(tree.exists(id("/nothing"))).isFalse();
    assertThat(tree.appsIn(PathId.ROOT)).extracting(App::id).containsExactly(id("/other"));
    assertThat(tree.groupsIn(PathId.ROOT)).containsExactly(id("/prod"));
    assertThat(tree.appsIn(id("/prod"))).extracting(App::id).containsExactly(id("/prod/web"));
    assertThat(tree.groupsIn(id("/prod"))).containsExactly(id("/prod/db"));
    assertThat(tree.appsUnder(id("/prod"))).hasSize(2);
    assertThat(tree.version(id("/prod"))).isEqualTo(T0);
    assertThat(new GroupTree(Map.of()).version(PathId.ROOT)).isEqualTo(GroupTree.EMPTY_VERSION);
  }

  @Test
  void postCreatesAGroupWithNestedAppsAndGroupsRelativeToIt() {
    GroupUpdates.Target t = target(GroupUpdates.create(current(), PathId.ROOT, json(
        "{'id':'/shop','apps':[{'id':'front','cmd':'a','instances':2}],"
            + "'groups':[{'id':'back','apps':[{'id':'/shop/back/api','cmd':'b'}]}]}"), NOW));
    assertThat(t.group()).isEqualTo(id("/shop"));
    assertThat(t.version()).isEqualTo(NOW);
    App front = t.apps().get(id("/shop/front"));
    assertThat(front.instances()).isEqualTo(2);
    assertThat(front.version()).isEqualTo(NOW);
    assertThat(front.mem()).as("Marathon's defaults").isEqualTo(128.0);
    assertThat(t.apps().get(id("/shop/back/api")).cmd()).isEqualTo("b");
    assertThat(t.apps()).containsKeys(id("/prod/web"), id("/prod/db/main"), id("/other"));
  }

  @Test
  void postRefusesAGroupOrAppThatExists() {
    GroupUpdates.Refused group = refused(GroupUpdates.create(current(), PathId.ROOT, json("{'id':'/prod'}"), NOW), 409);
    assertThat(group.body().getString("message")).isEqualTo("Group /prod is already created. Use PUT to change this group.");
    GroupUpdates.Refused root = refused(GroupUpdates.create(current(), PathId.ROOT, json("{'apps':[]}"), NOW), 409);
    assertThat(root.body().getString("message")).isEqualTo("Group / is already created. Use PUT to change this group.");
    GroupUpdates.Refused app = refused(GroupUpdates.create(current(), PathId.ROOT, json("{'id':'/other'}"), NOW), 409);
    assertThat(app.body().getString("message")).isEqualTo("An app with the path /other already exists.");
  }

  @Test
  void putReplacesTheGivenAppsAndGroupsAndKeepsWhatItLeavesOut() {
    Map<PathId, App> current = current();
    // apps given: /prod/web unchanged (same definition), /prod/cache new; groups left out: /prod/db stays.
    GroupUpdates.Target t = target(GroupUpdates.update(current, id("/prod"), json(
        "{'apps':[{'id':'web','cmd':'serve','instances':2},{'id':'cache','cmd':'c'}]}"), NOW));
    assertThat(t.apps().get(id("/prod/web"))).as("unchanged keeps its version").isEqualTo(current.get(id("/prod/web")));
    assertThat(t.apps().get(id("/prod/cache")).version()).isEqualTo(NOW);
    assertThat(t.apps()).containsKey(id("/prod/db/main"));

    // groups given as empty: every child group goes; apps left out: /prod/web stays.
    GroupUpdates.Target noGroups = target(GroupUpdates.update(current, id("/prod"), json("{'groups':[]}"), NOW));
    assertThat(noGroups.apps()).containsOnlyKeys(id("/prod/web"), id("/other"));

    // apps given as empty: the group's own apps go, its child groups stay.
    GroupUpdates.Target noApps = target(GroupUpdates.update(current, PathId.ROOT, json("{'id':'prod','apps':[]}"), NOW));
    assertThat(noApps.group()).isEqualTo(id("/prod"));
    assertThat(noApps.apps()).containsOnlyKeys(id("/prod/db/main"), id("/other"));

    // A config change restamps the app.
    GroupUpdates.Target changed = target(GroupUpdates.update(current, id("/prod"), json(
        "{'apps':[{'id':'web','cmd':'serve --v2','instances':2}]}"), NOW));
    assertThat(changed.apps().get(id("/prod/web")).versionInfo().lastConfigChangeAt()).isEqualTo(NOW);
  }

  @Test
  void putCreatesAGroupThatDoesNotExist() {
    GroupUpdates.Target t = target(GroupUpdates.update(current(), id("/fresh"), json(
        "{'id':'/fresh','apps':[{'id':'a','cmd':'x'}]}"), NOW));
    assertThat(t.apps()).containsKey(id("/fresh/a"));
  }

  @Test
  void scaleByMultipliesEveryAppUnderTheGroupRoundingUp() {
    GroupUpdates.Target t = target(GroupUpdates.update(current(), id("/prod"), json("{'scaleBy':1.5}"), NOW));
    assertThat(t.apps().get(id("/prod/web")).instances()).isEqualTo(3);
    assertThat(t.apps().get(id("/prod/db/main")).instances()).isEqualTo(2);
    assertThat(t.apps().get(id("/prod/web")).versionInfo().lastScalingAt()).isEqualTo(NOW);
    assertThat(t.apps().get(id("/prod/web")).versionInfo().lastConfigChangeAt()).isEqualTo(T0);
    assertThat(t.apps().get(id("/other")).instances()).isEqualTo(1);

    assertThat(paths(refused(GroupUpdates.update(current(), id("/prod"), json("{'scaleBy':-1}"), NOW), 422)))
        .containsExactly("/scaleBy");
    assertThat(paths(refused(GroupUpdates.update(current(), id("/prod"), json("{'scaleBy':2,'apps':[]}"), NOW), 422)))
        .containsExactly("/scaleBy");
  }

  @Test
  void deleteRemovesEveryAppUnderTheGroup() {
    GroupUpdates.Target t = target(GroupUpdates.delete(current(), id("/prod"), NOW));
    assertThat(t.apps()).containsOnlyKeys(id("/other"));
    assertThat(target(GroupUpdates.delete(current(), PathId.ROOT, NOW)).apps()).isEmpty();
    GroupUpdates.Refused missing = refused(GroupUpdates.delete(current(), id("/nope"), NOW), 404);
    assertThat(missing.body().getString("message")).isEqualTo("Group '/nope' does not exist");
    refused(GroupUpdates.delete(current(), id("/other"), NOW), 404);
  }

  @Test
  void invalidUpdatesAre422sWithMarathonsPaths() {
    GroupUpdates.Refused r = refused(GroupUpdates.update(current(), id("/g"), json(
        "{'apps':[{'id':'/elsewhere/a','cmd':'x'},{'id':'b','cmd':'x','cpus':-1},{'cmd':'x'}],"
            + "'groups':[{'id':'sub','apps':[{'id':'c','mem':'lots','cmd':'x'}]},{'apps':[]}],"
            + "'dependencies':['/other'],'enforceRole':true}"), NOW), 422);
    assertThat(r.body().getString("message")).isEqualTo("Object is not valid");
    assertThat(paths(r)).containsExactlyInAnyOrder("/dependencies", "/enforceRole", "/apps(0)/id", "/apps(1)/cpus",
        "/apps(2)/id", "/groups(0)/apps(0)/mem", "/groups(1)/id");
    JsonArray details = r.body().getJsonArray("details");
    assertThat(details.stream().map(d -> (JsonObject) d).filter(d -> d.getString("path").equals("/apps(0)/id"))
        .findFirst().orElseThrow().getJsonArray("errors").getString(0)).isEqualTo("Identifier is not child of '/g'");

    assertThat(refused(GroupUpdates.update(current(), id("/g"), "{not json", NOW), 400).body())
        .isEqualTo(new JsonObject().put("message", "Invalid JSON"));
    assertThat(paths(refused(GroupUpdates.update(current(), id("/g"), "[]", NOW), 422))).containsExactly("/");
    assertThat(paths(refused(GroupUpdates.update(current(), id("/g"), json("{'id':'Bad_Id'}"), NOW), 422)))
        .containsExactly("/id");
    assertThat(paths(refused(GroupUpdates.update(current(), id("/g"), json("{'version':'2026-01-01T00:00:00.000Z'}"),
        NOW), 422))).containsExactly("/version");
    assertThat(paths(refused(GroupUpdates.update(current(), PathId.ROOT, json("{'id':'/other','apps':[]}"), NOW), 422)))
        .containsExactly("/id");
  }

  @Test
  void anAppMayNotAlsoBeAGroup() {
    GroupUpdates.Refused r = refused(GroupUpdates.update(current(), id("/other"), json(
        "{'id':'/other/inner','apps':[{'id':'x','cmd':'x'}]}"), NOW), 422);
    assertThat(paths(r)).containsExactly("/");
    assertThat(r.body().getJsonArray("details").getJsonObject(0).getJsonArray("errors").getString(0))
        .contains("Groups and Applications may not have the same identifier: /other");
  }
}
