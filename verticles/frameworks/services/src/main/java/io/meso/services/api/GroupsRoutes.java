package io.meso.services.api;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.meso.services.app.json.AppWriter;
import io.meso.services.deploy.CyclicDependencyException;
import io.meso.services.deploy.DeploymentJson;
import io.meso.services.deploy.DeploymentPlan;
import io.meso.services.group.GroupTree;
import io.meso.services.group.GroupUpdates;
import io.meso.services.runtime.ServicesFramework.State;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code /v2/groups[/{id}]} (Marathon's {@code GroupsResource}) over the apps' id tree
 * ({@link GroupTree}): GET renders a group as Marathon's {@code GroupInfo}
 * ({@code {id, apps, groups, pods, dependencies, version}}, embeds {@code group.apps},
 * {@code group.groups}, {@code group.pods} by default, {@code group.apps.counts|tasks|deployments|
 * lastTaskFailure} add an app's status fields); POST, PUT and DELETE change the apps under a group
 * as one deployment ({@link GroupUpdates}), answering {@code {"deploymentId","version"}} with the
 * {@code Marathon-Deployment-Id} header (POST: 201 with {@code Location}); PUT with
 * {@code dryRun=true} answers the steps it would deploy, {@code {"steps":[..]}}. Deployable calls
 * take {@code force} (default false, for DELETE too, as Marathon).
 */
final class GroupsRoutes {

  private static final String PREFIX = "/v2/groups";

  /** Which parts of a group GET shows. */
  private record Embeds(boolean apps, boolean groups, boolean pods, Set<String> app) {
    static Embeds of(List<String> params) {
      Set<String> all = params.stream().flatMap(p -> Arrays.stream(p.split(","))).map(String::trim)
          .filter(e -> !e.isEmpty()).collect(Collectors.toSet());
      if (all.isEmpty()) {
        return new Embeds(true, true, true, Set.of());
      }
      Set<String> app = all.stream().filter(e -> e.startsWith("group.apps."))
          .map(e -> e.substring("group.apps.".length())).collect(Collectors.toSet());
      return new Embeds(all.contains("group.apps"), all.contains("group.groups"), all.contains("group.pods"), app);
    }

    boolean tasks() {
      return app.contains("tasks") || app.contains("failures");
    }

    boolean failure() {
      return app.contains("lastTaskFailure") || app.contains("failures");
    }

    boolean status() {
      return tasks() || failure() || app.contains("counts") || app.contains("deployments");
    }
  }

  /** Every method on /v2/groups and below. */
  Reply handle(RoutingContext ctx, State s) {
    String raw = ctx.request().path().substring(PREFIX.length());
    String rest = ServicesApi.decodePath(raw);
    if (rest == null) {
      return Reply.message(400, "Invalid path '" + ctx.request().path() + "': malformed percent-encoding");
    }
    PathId id = PathId.absolute(rest);
    HttpMethod method = ctx.request().method();
    Map<PathId, App> current = AppArrayRoutes.current(s);
    boolean force = ServicesApi.flag(ctx, "force", false);
    if (method == HttpMethod.GET) {
      Guard.of(ctx).view(ctx, id);
      GroupTree tree = new GroupTree(current);
      if (!tree.exists(id)) {
        return Reply.json(404, GroupUpdates.unknown(id).body());
      }
      return Reply.json(200, group(tree, id, Embeds.of(ctx.queryParam("embed")), s));
    }
    if (method == HttpMethod.POST) {
      return deploy(ctx, s, current, GroupUpdates.create(current, id, body(ctx), Instant.now()), force, true);
    }
    if (method == HttpMethod.PUT) {
      GroupUpdates.Outcome outcome = GroupUpdates.update(current, id, body(ctx), Instant.now());
      if (outcome instanceof GroupUpdates.Target t) {
        Guard.of(ctx).changes(ctx, current, t.apps());
      }
      if (ServicesApi.flag(ctx, "dryRun", false) && outcome instanceof GroupUpdates.Target t) {
        return dryRun(current, t);
      }
      return deploy(ctx, s, current, outcome, force, false);
    }
    if (method == HttpMethod.DELETE) {
      return deploy(ctx, s, current, GroupUpdates.delete(current, id, Instant.now()), force, false);
    }
    return Reply.message(405, "Method " + method + " is not allowed on " + ctx.request().path());
  }

  private static Reply deploy(RoutingContext ctx, State s, Map<PathId, App> current, GroupUpdates.Outcome outcome,
      boolean force, boolean created) {
    if (outcome instanceof GroupUpdates.Refused r) {
      return Reply.json(r.status(), r.body());
    }
    GroupUpdates.Target t = (GroupUpdates.Target) outcome;
    Guard.of(ctx).changes(ctx, current, t.apps());
    Reply reply = AppsRoutes.deployed(s.services().deployAll(t.apps(), force, t.version()));
    if (created && reply.status() == 200) {
      return new Reply(201, reply.body(), reply.headers()).header("Location", PREFIX + t.group());
    }
    return reply;
  }

  /** The steps the change would take, without deploying it. */
  private static Reply dryRun(Map<PathId, App> current, GroupUpdates.Target t) {
    DeploymentPlan plan;
    try {
      plan = DeploymentPlan.of(UUID.randomUUID().toString(), current, t.apps(), t.version(), Map.of());
    } catch (CyclicDependencyException e) {
      return Reply.message(422, e.getMessage());
    }
    JsonArray steps = new JsonArray();
    plan.steps().forEach(step -> steps.add(DeploymentJson.step(step)));
    return Reply.json(200, new JsonObject().put("steps", steps));
  }

  private JsonObject group(GroupTree tree, PathId id, Embeds embeds, State s) {
    JsonObject o = new JsonObject().put("id", id.toString());
    if (embeds.apps()) {
      JsonArray apps = new JsonArray();
      for (App app : tree.appsIn(id)) {
        apps.add(embeds.status() ? s.json().app(app, embeds.tasks(), embeds.failure()) : AppWriter.render(app));
      }
      o.put("apps", apps);
    }
    if (embeds.pods()) {
      o.put("pods", new JsonArray());
    }
    if (embeds.groups()) {
      JsonArray groups = new JsonArray();
      tree.groupsIn(id).forEach(child -> groups.add(group(tree, child, embeds, s)));
      o.put("groups", groups);
    }
    return o.put("dependencies", new JsonArray()).put("version", AppWriter.timestamp(tree.version(id)));
  }

  private static String body(RoutingContext ctx) {
    return ctx.body() == null || ctx.body().asString() == null ? "" : ctx.body().asString();
  }
}
