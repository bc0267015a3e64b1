package io.meso.services.group;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.PathId;
import io.meso.services.app.json.AppUpdates;
import io.meso.services.app.json.Rejection;
import io.meso.services.app.json.UpdateResult;
import io.meso.services.app.json.Violation;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v2/groups[/{id}]}, {@code PUT /v2/groups[/{id}]} and {@code DELETE
 * /v2/groups[/{id}]} as changes of the whole set of apps, following Marathon's
 * {@code GroupsResource}, {@code GroupApiService.updateGroup} and {@code UpdateGroupStructureOp}:
 *
 * <ul>
 *   <li>The group is the body's {@code id} taken relative to the URL's id (the root for
 *       {@code /v2/groups}). POST refuses a group that exists ({@code 409 Group /x is already
 *       created. Use PUT to change this group.}) or an app's id (409).
 *   <li>{@code {"scaleBy": f}} multiplies the instances of every app under the group, rounding
 *       up.
 *   <li>Otherwise a structural update: {@code apps}, when given, are the group's apps from now on
 *       (full definitions with Marathon's defaults; ids relative to the group, each a direct
 *       child of it; one left out is removed; one given unchanged stays as it is); {@code groups},
 *       when given, are its child groups from now on, each updated the same way (a child group
 *       left out is removed with all its apps). What the body leaves out stays.
 * </ul>
 *
 * Every app changed is stamped with the same time, the deployment's version. Problems are 422s
 * with Marathon's paths ({@code /apps(0)/id}, {@code /groups(1)/apps(0)/cpus}).
 */
public final class GroupUpdates {

  /** What a group request comes to. */
  public sealed interface Outcome {}

  /**
   * Every app after the change (apps left out are removed), for one deployment.
   *
   * @param group the group changed
   * @param version the time every changed app was stamped with
   */
  public record Target(Map<PathId, App> apps, PathId group, Instant version) implements Outcome {}

  /** Refused with this status and body. */
  public record Refused(int status, JsonObject body) implements Outcome {
    static Refused message(int status, String message) {
      return new Refused(status, new JsonObject().put("message", message));
    }

    static Refused invalid(List<Violation> violations) {
      Rejection.Invalid invalid = new Rejection.Invalid(violations);
      return new Refused(invalid.status(), invalid.body());
    }
  }

  static final String NOT_ALONE = "not allowed in conjunction with other properties.";
  private static final List<String> STRUCTURE = List.of("apps", "groups", "dependencies", "pods");

  private GroupUpdates() {}

  /** POST: creates the group named by the body under {@code base}; 409 if it or an app of that id exists. */
  public static Outcome create(Map<PathId, App> current, PathId base, String body, Instant now) {
    return change(current, base, body, true, now);
  }

  /** PUT: creates or updates the group named by the body under {@code base}. */
  public static Outcome update(Map<PathId, App> current, PathId base, String body, Instant now) {
    return change(current, base, body, false, now);
  }

  /** DELETE: every app under {@code group} is removed (every app for the root); 404 for no such group. */
  public static Outcome delete(Map<PathId, App> current, PathId group, Instant now) {
    GroupTree tree = new GroupTree(current);
    if (!tree.exists(group)) {
      return unknown(group);
    }
    Map<PathId, App> target = new LinkedHashMap<>(current);
    target.keySet().removeIf(id -> GroupTree.isUnder(id, group));
    return new Target(target, group, now.truncatedTo(ChronoUnit.MILLIS));
  }

  /** Marathon's {@code UnknownGroupException}: 404 {@code Group '/x' does not exist}. */
  public static Refused unknown(PathId group) {
    return Refused.message(404, "Group '" + group + "' does not exist");
  }

  private static Outcome change(Map<PathId, App> current, PathId base, String body, boolean create, Instant now) {
    now = now.truncatedTo(ChronoUnit.MILLIS);
    Object decoded;
    try {
      decoded = body == null || body.isBlank() ? null : Json.decodeValue(body);
    } catch (DecodeException e) {
      decoded = null;
    }
    if (decoded == null) {
      return Refused.message(400, "Invalid JSON");
    }
    if (!(decoded instanceof JsonObject update)) {
      return Refused.invalid(List.of(new Violation("/", "got " + describe(decoded)
          + ", expected a group update (an object with id, apps, groups)")));
    }
    PathId group = base;
    Object rawId = update.getValue("id");
    if (rawId != null) {
      if (!(rawId instanceof String raw)) {
        return Refused.invalid(List.of(new Violation("/id", "id: got " + describe(rawId) + ", expected a group id")));
      }
      group = PathId.parse(raw).canonical(base);
      List<String> problems = idProblems(group, raw);
      if (!problems.isEmpty()) {
        return Refused.invalid(problems.stream().map(p -> new Violation("/id", p)).toList());
      }
    }
    GroupTree tree = new GroupTree(current);
    if (create && tree.exists(group)) {
      return Refused.message(409, "Group " + group + " is already created. Use PUT to change this group.");
    }
    if (current.containsKey(group)) {
      return create ? Refused.message(409, "An app with the path " + group + " already exists.")
          : Refused.invalid(List.of(new Violation("/id",
              "Groups and Applications may not have the same identifier: " + group + " is an app")));
    }
    boolean structural = STRUCTURE.stream().anyMatch(k -> update.getValue(k) != null);
    if (update.getValue("version") != null) {
      return Refused.invalid(List.of(new Violation("/version", structural ? NOT_ALONE
          : "version: got " + describe(update.getValue("version")) + ", but rolling back a group is not supported:"
          + " Meso keeps the versions of apps, not of groups; roll back each app with PUT /v2/apps/{id}"
          + " and {\"version\": \"<one of GET /v2/apps/{id}/versions>\"}")));
    }
    if (update.getValue("scaleBy") != null) {
      return structural ? Refused.invalid(List.of(new Violation("/scaleBy", NOT_ALONE)))
          : scale(current, group, update.getValue("scaleBy"), now);
    }
    Map<PathId, App> target = new LinkedHashMap<>(current);
    List<Violation> out = new ArrayList<>();
    Set<PathId> put = new HashSet<>();
    new Structure(current, target, out, put, now).apply(update, group, "");
    if (out.isEmpty()) {
      GroupTree after = new GroupTree(target);
      for (PathId clash : after.appsThatAreGroups(target.keySet())) {
        if (put.contains(clash) || put.stream().anyMatch(p -> GroupTree.isUnder(p, clash))) {
          out.add(new Violation("/", "Groups and Applications may not have the same identifier: " + clash
              + " is an app and holds other apps"));
        }
      }
    }
    return out.isEmpty() ? new Target(target, group, now) : Refused.invalid(out);
  }

  /** {@code scaleBy}: every app under the group gets ceil(instances × f) instances. */
  private static Outcome scale(Map<PathId, App> current, PathId group, Object raw, Instant now) {
    if (!(raw instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
      return Refused.invalid(List.of(new Violation("/scaleBy", "scaleBy: got " + describe(raw)
          + ", expected a number, 0 or more")));
    }
    double factor = n.doubleValue();
    Map<PathId, App> target = new LinkedHashMap<>(current);
    for (App app : new GroupTree(current).appsUnder(group)) {
      long scaled = (long) Math.ceil(app.instances() * factor);
      if (scaled > Integer.MAX_VALUE) {
        return Refused.invalid(List.of(new Violation("/scaleBy", "scaleBy: " + factor + " would give " + app.id()
            + " " + scaled + " instances, more than " + Integer.MAX_VALUE)));
      }
      target.put(app.id(), AppChange.stamp(app, app.withInstances((int) scaled), now));
    }
    return new Target(target, group, now);
  }

  /** One structural update, applied recursively into {@code target}. */
  private record Structure(Map<PathId, App> current, Map<PathId, App> target, List<Violation> out, Set<PathId> put,
      Instant now) {

    /** Applies {@code update} to the group {@code group}, whose JSON path is {@code at} ("" for the top). */
    void apply(JsonObject update, PathId group, String at) {
      refuseStoredGroupFields(update, at);
      if (!at.isEmpty()) {
        for (String key : List.of("version", "scaleBy")) {
          if (update.getValue(key) != null) {
            out.add(new Violation(at + "/" + key, key + " is only allowed at the top of a group update, alone"));
          }
        }
      }
      Object apps = update.getValue("apps");
      if (apps != null) {
        if (apps instanceof JsonArray array) {
          apps(array, group, at);
        } else {
          out.add(new Violation(at + "/apps", "apps: got " + describe(apps) + ", expected an array of apps"));
        }
      }
      Object groups = update.getValue("groups");
      if (groups != null) {
        if (groups instanceof JsonArray array) {
          groups(array, group, at);
        } else {
          out.add(new Violation(at + "/groups", "groups: got " + describe(groups) + ", expected an array of groups"));
        }
      }
    }

    private void refuseStoredGroupFields(JsonObject update, String at) {
      Object deps = update.getValue("dependencies");
      if (deps != null && !(deps instanceof JsonArray a && a.isEmpty())) {
        out.add(new Violation(at + "/dependencies", "dependencies: got " + describe(deps)
            + ", but group dependencies are not supported: set dependencies on the apps"));
      }
      Object pods = update.getValue("pods");
      if (pods != null && !(pods instanceof JsonArray a && a.isEmpty())) {
        out.add(new Violation(at + "/pods", "pods: got " + describe(pods) + ", but pods are not supported"));
      }
      if (Boolean.TRUE.equals(update.getValue("enforceRole"))) {
        out.add(new Violation(at + "/enforceRole", "enforceRole: got true, but every app runs in role *:"
            + " only false is supported"));
      }
    }

    /** The group's apps from now on: the ones given; the group's others are removed. */
    private void apps(JsonArray apps, PathId group, String at) {
      target.keySet().removeIf(id -> id.parent().equals(group));
      Set<PathId> seen = new HashSet<>();
      for (int i = 0; i < apps.size(); i++) {
        String here = at + "/apps(" + i + ")";
        if (!(apps.getValue(i) instanceof JsonObject json)) {
          out.add(new Violation(here, "got " + describe(apps.getValue(i)) + ", expected an app (an object)"));
          continue;
        }
        PathId id = childId(json.getValue("id"), group, here, "app", "web");
        if (id == null) {
          continue;
        }
        if (!seen.add(id)) {
          out.add(new Violation(here + "/id", "app " + id + " is given more than once"));
          continue;
        }
        UpdateResult result = AppUpdates.apply(current.get(id), id, json, false, now);
        if (result instanceof Rejection r) {
          List<Violation> problems = r instanceof Rejection.Invalid invalid ? invalid.violations()
              : List.of(new Violation("/", r.body().getString("message")));
          problems.forEach(v -> out.add(new Violation(here + (v.path().equals("/") ? "" : v.path()), v.message())));
        } else {
          App app = result instanceof UpdateResult.Created c ? c.app() : ((UpdateResult.Updated) result).app();
          target.put(id, app);
          put.add(id);
        }
      }
    }

    /** The group's child groups from now on: the ones given, each updated; the others are removed. */
    private void groups(JsonArray groups, PathId group, String at) {
      Set<PathId> listed = new HashSet<>();
      for (int i = 0; i < groups.size(); i++) {
        String here = at + "/groups(" + i + ")";
        if (!(groups.getValue(i) instanceof JsonObject json)) {
          out.add(new Violation(here, "got " + describe(groups.getValue(i)) + ", expected a group (an object)"));
          continue;
        }
        PathId child = childId(json.getValue("id"), group, here, "group", "backend");
        if (child == null) {
          continue;
        }
        if (!listed.add(child)) {
          out.add(new Violation(here + "/id", "group " + child + " is given more than once"));
          continue;
        }
        apply(json, child, here);
      }
      for (PathId old : new GroupTree(current).groupsIn(group)) {
        if (!listed.contains(old)) {
          target.keySet().removeIf(id -> GroupTree.isUnder(id, old));
        }
      }
    }

    /** The absolute id of a direct child of {@code group}, or null after recording why not. */
    private PathId childId(Object raw, PathId group, String here, String what, String example) {
      if (!(raw instanceof String s) || s.isEmpty()) {
        out.add(new Violation(here + "/id", "id: got " + describe(raw) + ", expected the " + what
            + "'s id, relative to its group (such as " + example + ") or absolute"));
        return null;
      }
      PathId id = PathId.parse(s).canonical(group);
      List<String> problems = idProblems(id, s);
      if (!id.isRoot() && !id.parent().equals(group)) {
        problems = new ArrayList<>(problems);
        problems.add("Identifier is not child of '" + group + "'");
      }
      if (id.isRoot()) {
        problems = List.of("Identifier is not child of '" + group + "'");
      }
      problems.forEach(p -> out.add(new Violation(here + "/id", p)));
      return problems.isEmpty() ? id : null;
    }
  }

  /** What is wrong with {@code id} (parsed from {@code raw}) as a group's or app's id; the root is fine. */
  private static List<String> idProblems(PathId id, String raw) {
    if (id.isRoot()) {
      return List.of();
    }
    return id.violations().stream().map(p -> "'" + raw + "' " + p).toList();
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "\"" + s + "\" (a string)";
    }
    if (v instanceof JsonObject) {
      return "an object";
    }
    if (v instanceof JsonArray) {
      return "an array";
    }
    return v.toString();
  }
}
