package io.meso.services.app.json;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.PathId;
import io.meso.services.app.VersionInfo;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PUT and PATCH of one app, as Marathon's {@code AppsResource.update} and
 * {@code AppHelpers.updateOrCreate} treat them:
 * <ul>
 *   <li>PUT with {@code partialUpdate=true} (the default) and PATCH on an existing app: a shallow
 *       top-level merge. A field the body leaves out, or sends as null, keeps its old value; a
 *       field it gives replaces the old one whole ({@code container}, {@code env}, ... are not
 *       merged deeper, M#4868). The merged app is validated like a new one. The one exception is
 *       Meso's own {@code autoscale}: sent as null, it removes the app's policy.</li>
 *   <li>The same with a body {@code {"version": ts}} (the id may come too): a rollback to that
 *       stored version; any other field with it is a 422.</li>
 *   <li>PUT with {@code partialUpdate=false}, or PUT of an id no app has: the body is a whole
 *       definition; what it leaves out gets Marathon's defaults.</li>
 * </ul>
 * The id always comes from the URL, never the body; {@code version}, {@code versionInfo} and the
 * read-only fields of a body are ignored. PATCH never creates: the caller answers 404 when there
 * is no current app.
 */
public final class AppUpdates {

  static final String VERSION_ALONE = "The 'version' field may only be combined with the 'id' field.";

  /** Fields a client may echo back from a GET that an update never sets. */
  static final Set<String> IGNORED = Set.of("id", "version", "versionInfo", "tasksStaged", "tasksRunning",
      "tasksHealthy", "tasksUnhealthy", "deployments", "tasks", "lastTaskFailure", "readinessCheckResults",
      "tasksStats");

  /** The fields of Marathon's {@code AppUpdate}: with {@code version}, any of them makes the body invalid. */
  static final Set<String> UPDATE_FIELDS = Set.of("cmd", "args", "user", "env", "instances", "cpus", "mem",
      "disk", "gpus", "executor", "constraints", "fetch", "uris", "ports", "portDefinitions", "requirePorts",
      "backoffSeconds", "backoffFactor", "maxLaunchDelaySeconds", "container", "healthChecks", "check",
      "readinessChecks", "dependencies", "upgradeStrategy", "labels", "acceptedResourceRoles", "ipAddress",
      "networks", "residency", "secrets", "taskKillGracePeriodSeconds", "unreachableStrategy",
      "killSelection", "tty", "role", "executorResources", "resourceLimits", "autoscale");

  private AppUpdates() {}

  /**
   * The outcome of a PUT/PATCH body for the app {@code id} (from the URL), whose current definition
   * is {@code current} (null if there is none), received at {@code now}.
   */
  public static UpdateResult apply(App current, PathId id, String body, boolean partialUpdate, Instant now) {
    Object json = AppJson.decode(body);
    if (json instanceof Rejection r) {
      return r;
    }
    return apply(current, id, (JsonObject) json, partialUpdate, now);
  }

  /** As {@link #apply(App, PathId, String, boolean, Instant)} for a decoded body. */
  public static UpdateResult apply(App current, PathId id, JsonObject body, boolean partialUpdate, Instant now) {
    now = now.truncatedTo(ChronoUnit.MILLIS);
    boolean partial = partialUpdate && current != null;
    if (partial && body.getValue("version") != null) {
      return rollback(body);
    }
    JsonObject definition = partial ? merge(current, body) : withoutIgnored(body);
    definition.put("id", id.toString());
    AppResult parsed = AppJson.parse(definition);
    if (parsed instanceof Rejection r) {
      return r;
    }
    App app = ((AppResult.Valid) parsed).app();
    if (current == null) {
      return new UpdateResult.Created(app.withVersion(now, VersionInfo.forNewConfig(now)));
    }
    return new UpdateResult.Updated(AppChange.stamp(current, app, now), AppChange.between(current, app));
  }

  private static UpdateResult rollback(JsonObject body) {
    List<Violation> out = new ArrayList<>();
    for (String key : body.fieldNames()) {
      if (UPDATE_FIELDS.contains(key) && body.getValue(key) != null) {
        out.add(new Violation("/", VERSION_ALONE + " Found '" + key + "'."));
        break;
      }
    }
    Instant version = new Fields(body, "/", out).timestamp("version", null);
    return out.isEmpty() ? new UpdateResult.Rollback(version) : new Rejection.Invalid(out);
  }

  /** The current app rendered, with each top-level field the body gives replacing the old one. */
  private static JsonObject merge(App current, JsonObject body) {
    JsonObject merged = AppWriter.render(current);
    merged.remove("version");
    merged.remove("versionInfo");
    for (Map.Entry<String, Object> e : withoutIgnored(body)) {
      if (e.getValue() == null) {
        if (e.getKey().equals("autoscale")) {
          // Meso's own field, which no Marathon client sends: an explicit null removes the policy.
          merged.remove("autoscale");
        }
        continue;
      }
      // The deprecated fields stand for their successors, which they replace.
      if (e.getKey().equals("ports")) {
        merged.remove("portDefinitions");
      } else if (e.getKey().equals("uris")) {
        merged.remove("fetch");
      }
      merged.put(e.getKey(), e.getValue());
    }
    return merged;
  }

  private static JsonObject withoutIgnored(JsonObject body) {
    JsonObject copy = body.copy();
    IGNORED.forEach(copy::remove);
    return copy;
  }
}
