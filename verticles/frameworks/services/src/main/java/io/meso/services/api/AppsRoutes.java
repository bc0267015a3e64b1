package io.meso.services.api;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.meso.services.app.json.AppJson;
import io.meso.services.app.json.AppResult;
import io.meso.services.app.json.AppWriter;
import io.meso.services.app.json.Rejection;
import io.meso.services.runtime.Change;
import io.meso.services.runtime.ServicesFramework.State;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code /v2/apps} and everything under an app id: the app, its restart, versions and tasks
 * (Marathon's {@code AppsResource}, {@code AppVersionsResource}, {@code AppTasksResource}).
 */
final class AppsRoutes {

  static final String DEPLOYMENT_HEADER = "Marathon-Deployment-Id";

  /** GET /v2/apps?cmd=&id=&label=&embed= (cmd and id match case-insensitive substrings, as Marathon's search). */
  Reply list(RoutingContext ctx, State s) {
    String cmd = ctx.request().getParam("cmd");
    String id = ctx.request().getParam("id");
    String label = ctx.request().getParam("label");
    Predicate<Map<String, String>> labels;
    try {
      labels = label == null ? l -> true : LabelSelector.parse(label);
    } catch (IllegalArgumentException e) {
      // Marathon's LabelSelectorParsers throw IllegalArgumentException, which it answers with 422.
      return Reply.message(422, "Can not parse label selector " + label + ". Reason: " + e.getMessage());
    }
    List<String> embed = ctx.queryParam("embed");
    boolean tasks = embeds(embed, "tasks");
    boolean failure = embeds(embed, "lastTaskFailure");
    JsonArray out = new JsonArray();
    Guard guard = Guard.of(ctx);
    for (App app : s.services().apps()) {
      if (guard.active() && !guard.mayView(ctx, app.id().toString())) {
        continue;
      }
      if (cmd != null && (app.cmd() == null
          || !app.cmd().toLowerCase(Locale.ROOT).contains(cmd.toLowerCase(Locale.ROOT)))) {
        continue;
      }
      if (id != null && !app.id().toString().toLowerCase(Locale.ROOT).contains(id.toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (!labels.test(app.labels())) {
        continue;
      }
      out.add(s.json().app(app, tasks, failure));
    }
    return Reply.json(200, new JsonObject().put("apps", out));
  }

  private static boolean embeds(List<String> embed, String what) {
    return embed.stream().flatMap(e -> Arrays.stream(e.split(","))).map(String::trim)
        .anyMatch(e -> e.equals("apps." + what) || e.equals("app." + what) || e.equals("group.apps." + what));
  }

  /** POST /v2/apps?force=. */
  Reply create(RoutingContext ctx, State s) {
    AppResult parsed = AppJson.parse(body(ctx));
    if (parsed instanceof Rejection r) {
      return Reply.json(r.status(), r.body());
    }
    App app = ((AppResult.Valid) parsed).app();
    Guard.of(ctx).update(ctx, app.id(), app.user());
    Change change = s.services().create(app, ServicesApi.flag(ctx, "force", false), Instant.now());
    if (change instanceof Change.Deployed d) {
      return Reply.json(201, s.json().app(d.app(), false, false))
          .header("Location", "/v2/apps" + d.app().id())
          .header(DEPLOYMENT_HEADER, d.deploymentId());
    }
    return refused(change);
  }

  /** Anything under /v2/apps/{id}: the id is the path up to a known sub-resource. */
  Reply one(RoutingContext ctx, State s) {
    String rest = ServicesApi.decodePath(ctx.request().path().substring("/v2/apps/".length()));
    if (rest == null) {
      return Reply.message(400, "Invalid path '" + ctx.request().path() + "': malformed percent-encoding");
    }
    List<String> parts = new ArrayList<>(Arrays.stream(rest.split("/")).filter(p -> !p.isEmpty()).toList());
    HttpMethod method = ctx.request().method();
    int n = parts.size();
    Guard guard = Guard.of(ctx);
    if (n >= 2 && parts.get(n - 1).equals("restart") && method == HttpMethod.POST) {
      guard.update(ctx, id(parts.subList(0, n - 1)), null);
      return restart(ctx, s, id(parts.subList(0, n - 1)));
    }
    if (n >= 2 && parts.get(n - 1).equals("versions") && method == HttpMethod.GET) {
      guard.view(ctx, id(parts.subList(0, n - 1)));
      return versions(s, id(parts.subList(0, n - 1)));
    }
    if (n >= 3 && parts.get(n - 2).equals("versions") && method == HttpMethod.GET) {
      guard.view(ctx, id(parts.subList(0, n - 2)));
      return version(s, id(parts.subList(0, n - 2)), parts.get(n - 1));
    }
    if (n >= 2 && parts.get(n - 1).equals("tasks")) {
      viewOrUpdate(ctx, method, id(parts.subList(0, n - 1)));
      return TaskRoutes.appTasks(ctx, s, id(parts.subList(0, n - 1)), null);
    }
    if (n >= 3 && parts.get(n - 2).equals("tasks")) {
      viewOrUpdate(ctx, method, id(parts.subList(0, n - 2)));
      return TaskRoutes.appTasks(ctx, s, id(parts.subList(0, n - 2)), parts.get(n - 1));
    }
    PathId id = id(parts);
    if (method == HttpMethod.GET) {
      guard.view(ctx, id);
    } else if (method == HttpMethod.PUT || method == HttpMethod.PATCH) {
      guard.update(ctx, id, userAfter(ctx, s, id));
    } else {
      guard.update(ctx, id, null);
    }
    if (method == HttpMethod.GET) {
      return s.services().app(id)
          .map(app -> Reply.json(200, new JsonObject().put("app", s.json().app(app, true, true))))
          .orElseGet(() -> notFound(id));
    }
    if (method == HttpMethod.PUT || method == HttpMethod.PATCH) {
      boolean patch = method == HttpMethod.PATCH;
      Change change = s.services().update(id, body(ctx), patch || ServicesApi.flag(ctx, "partialUpdate", true),
          patch, ServicesApi.flag(ctx, "force", false), Instant.now());
      return deployed(change);
    }
    if (method == HttpMethod.DELETE) {
      // DELETE defaults to force=true (AppsResource.delete).
      return deployed(s.services().delete(id, ServicesApi.flag(ctx, "force", true), Instant.now()));
    }
    return Reply.message(405, "Method " + method + " is not allowed on " + ctx.request().path());
  }

  private static void viewOrUpdate(RoutingContext ctx, HttpMethod method, PathId id) {
    if (method == HttpMethod.GET) {
      Guard.of(ctx).view(ctx, id);
    } else {
      Guard.of(ctx).update(ctx, id, null);
    }
  }

  /** The user app {@code id} runs as after a PUT/PATCH: the body's, else the stored app's (null: none). */
  private static String userAfter(RoutingContext ctx, State s, PathId id) {
    try {
      Object user = new JsonObject(body(ctx)).getValue("user");
      if (user instanceof String u) {
        return u;
      }
    } catch (RuntimeException e) {
      // not an object: the update refuses it itself
    }
    return s.services().app(id).map(App::user).orElse(null);
  }

  private Reply restart(RoutingContext ctx, State s, PathId id) {
    return deployed(s.services().restart(id, ServicesApi.flag(ctx, "force", false), Instant.now()));
  }

  private Reply versions(State s, PathId id) {
    List<Instant> versions = s.services().versions(id);
    if (versions.isEmpty()) {
      return notFound(id);
    }
    JsonArray out = new JsonArray();
    for (int i = versions.size() - 1; i >= 0; i--) {
      out.add(AppWriter.timestamp(versions.get(i)));
    }
    return Reply.json(200, new JsonObject().put("versions", out));
  }

  private Reply version(State s, PathId id, String ts) {
    Instant at;
    try {
      at = Instant.parse(ts);
    } catch (DateTimeParseException e) {
      return Reply.message(404, "App '" + id + "' does not exist in version " + ts);
    }
    if (s.services().app(id).isEmpty()) {
      return notFound(id);
    }
    return s.services().version(id, at).map(app -> Reply.json(200, AppWriter.render(app)))
        .orElseGet(() -> Reply.message(404, "App '" + id + "' does not exist in version " + ts));
  }

  /** 200 (201 when created) {@code {"deploymentId","version"}} with the deployment header, or the refusal. */
  static Reply deployed(Change change) {
    if (change instanceof Change.Deployed d) {
      Reply r = Reply.json(d.created() ? 201 : 200, d.accepted().body())
          .header(DEPLOYMENT_HEADER, d.deploymentId());
      return d.created() ? r.header("Location", "/v2/apps" + d.app().id()) : r;
    }
    return refused(change);
  }

  static Reply refused(Change change) {
    Change.Refused r = (Change.Refused) change;
    return Reply.json(r.status(), r.body());
  }

  static Reply notFound(PathId id) {
    return Reply.message(404, "App '" + id + "' does not exist");
  }

  static PathId id(List<String> parts) {
    return PathId.absolute(String.join("/", parts));
  }

  private static String body(RoutingContext ctx) {
    return ctx.body() == null || ctx.body().asString() == null ? "" : ctx.body().asString();
  }
}
