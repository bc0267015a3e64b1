package io.meso.services.app.json;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.PathId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The array forms of {@code PUT /v2/apps} and {@code PATCH /v2/apps} (Marathon's
 * {@code AppsResource.updateMultiple}): a JSON array of app updates, each naming its app by
 * {@code id}, applied one after the other as {@link AppUpdates} applies a single one (so a later
 * element for the same id builds on an earlier one), into one target for one deployment. PUT may
 * create apps (an element for an unknown id is a whole definition); PATCH may not (404). Problems of
 * element {@code i} are reported under {@code /(i)}, e.g. {@code /(1)/cpus}, so that a client can
 * tell which element is wrong.
 */
public final class AppBatch {

  /** What a batch comes to. */
  public sealed interface Outcome {}

  /** Every app after the batch, stamped {@code version}; apps the batch did not name are unchanged. */
  public record Target(Map<PathId, App> apps, Instant version) implements Outcome {}

  /** Refused with this status and body (400 Invalid JSON, 404 for PATCH of an unknown app, 422). */
  public record Refused(int status, JsonObject body) implements Outcome {}

  private AppBatch() {}

  /**
   * Applies {@code body} to {@code current}.
   *
   * @param partialUpdate PUT's {@code partialUpdate} (PATCH: always true)
   * @param allowCreation true for PUT, false for PATCH
   * @param stored a stored version of an app, for elements {@code {"id":..,"version":ts}} (rollback)
   */
  public static Outcome apply(Map<PathId, App> current, String body, boolean partialUpdate, boolean allowCreation,
      BiFunction<PathId, Instant, Optional<App>> stored, Instant now) {
    now = now.truncatedTo(ChronoUnit.MILLIS);
    Object decoded = decode(body);
    if (decoded instanceof Rejection r) {
      return new Refused(r.status(), r.body());
    }
    JsonArray updates = (JsonArray) decoded;
    Map<PathId, App> apps = new LinkedHashMap<>(current);
    List<Violation> out = new ArrayList<>();
    for (int i = 0; i < updates.size(); i++) {
      String at = "/(" + i + ")";
      if (!(updates.getValue(i) instanceof JsonObject update)) {
        out.add(new Violation(at, "got " + Fields.describe(updates.getValue(i)) + ", expected an app update (an object)"));
        continue;
      }
      Object rawId = update.getValue("id");
      if (!(rawId instanceof String raw) || raw.isEmpty()) {
        out.add(new Violation(at + "/id", "id: got " + Fields.describe(rawId)
            + ", expected the id of the app to update, such as /group/app"));
        continue;
      }
      PathId id = PathId.absolute(raw);
      if (!id.violations().isEmpty()) {
        id.violations().forEach(p -> out.add(new Violation(at + "/id", "'" + raw + "' " + p)));
        continue;
      }
      App before = apps.get(id);
      if (before == null && !allowCreation) {
        return new Refused(404, new JsonObject().put("message", "App '" + id + "' does not exist"));
      }
      UpdateResult result = AppUpdates.apply(before, id, update, partialUpdate, now);
      if (result instanceof Rejection.Invalid invalid) {
        invalid.violations().forEach(v -> out.add(new Violation(at + (v.path().equals("/") ? "" : v.path()),
            v.message())));
      } else if (result instanceof Rejection r) {
        return new Refused(r.status(), r.body());
      } else if (result instanceof UpdateResult.Created c) {
        apps.put(id, c.app());
      } else if (result instanceof UpdateResult.Updated u) {
        apps.put(id, u.app());
      } else {
        Instant version = ((UpdateResult.Rollback) result).version();
        Optional<App> old = stored.apply(id, version);
        if (old.isEmpty()) {
          return new Refused(404, new JsonObject().put("message", "App '" + id + "' does not exist in version "
              + AppWriter.timestamp(version)));
        }
        apps.put(id, AppChange.stamp(before, old.get(), now));
      }
    }
    if (!out.isEmpty()) {
      return new Refused(422, new Rejection.Invalid(out).body());
    }
    return new Target(apps, now);
  }

  /** The body as a JSON array, or the rejection of one that is not. */
  private static Object decode(String body) {
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(body);
    } catch (io.vertx.core.json.DecodeException e) {
      return new Rejection.MalformedJson(e.getMessage());
    }
    if (value == null) {
      return new Rejection.MalformedJson("empty body");
    }
    if (!(value instanceof JsonArray a)) {
      return new Rejection.Invalid(List.of(new Violation("/",
          "got " + Fields.describe(value) + ", expected an array of app updates, each with its id")));
    }
    return a;
  }
}
