package io.meso.services.api;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.meso.services.app.json.AppBatch;
import io.meso.services.runtime.ServicesFramework.State;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code PUT /v2/apps} and {@code PATCH /v2/apps}: an array of app updates deployed as one
 * deployment (Marathon's {@code AppsResource.replaceMultiple} and {@code patchMultiple}), answered
 * 200 with {@code {"deploymentId","version"}} and the {@code Marathon-Deployment-Id} header, as
 * Marathon answers even when the array creates apps. The rules per element are
 * {@link AppBatch}'s.
 */
final class AppArrayRoutes {

  private AppArrayRoutes() {}

  /** PUT (may create; {@code partialUpdate} defaults to true) or PATCH (partial, never creates). */
  static Reply update(RoutingContext ctx, State s, boolean patch) {
    boolean partial = patch || ServicesApi.flag(ctx, "partialUpdate", true);
    String body = ctx.body() == null || ctx.body().asString() == null ? "" : ctx.body().asString();
    AppBatch.Outcome outcome = AppBatch.apply(current(s), body, partial, !patch,
        (id, version) -> s.services().version(id, version), Instant.now());
    if (outcome instanceof AppBatch.Refused r) {
      return Reply.json(r.status(), r.body());
    }
    AppBatch.Target t = (AppBatch.Target) outcome;
    Guard.of(ctx).changes(ctx, current(s), t.apps());
    return AppsRoutes.deployed(s.services().deployAll(t.apps(), ServicesApi.flag(ctx, "force", false), t.version()));
  }

  /** The stored apps by id. */
  static Map<PathId, App> current(State s) {
    Map<PathId, App> apps = new LinkedHashMap<>();
    s.services().apps().forEach(a -> apps.put(a.id(), a));
    return apps;
  }
}
