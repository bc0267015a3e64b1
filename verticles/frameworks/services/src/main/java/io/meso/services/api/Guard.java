package io.meso.services.api;

import io.meso.codecs.Addresses;
import io.meso.security.acl.AccessDenied;
import io.meso.security.acl.AclAction;
import io.meso.security.acl.Acls;
import io.meso.services.app.App;
import io.meso.services.app.PathId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The ACLs of /v2: writes need {@code update_apps} on every app they change (and {@code run_tasks}
 * for an app's {@code user}), reads need {@code view_apps} (lists are filtered). The principal is
 * the one the HTTP gate put in {@link Addresses#PRINCIPAL_HEADER} (absent: authentication off). A
 * denial is answered as Marathon does: 403 {@code Not Authorized to perform this action!}, or 401
 * {@code Not Authenticated!} when no principal was given (the {@code reason} field says which
 * principal, action and app).
 */
final class Guard {

  /** Where {@link ServicesApi#mount} puts the guard on each /v2 request. */
  static final String KEY = "meso.services.guard";
  private static final Guard ALLOW_ALL = new Guard(Acls.allowAll());

  private final Acls acls;

  Guard(Acls acls) {
    this.acls = acls;
  }

  static Guard of(RoutingContext ctx) {
    Guard g = ctx.get(KEY);
    return g == null ? ALLOW_ALL : g;
  }

  boolean active() {
    return acls.configured();
  }

  static String principal(RoutingContext ctx) {
    String p = ctx.request().getHeader(Addresses.PRINCIPAL_HEADER);
    return p == null || p.isEmpty() ? null : p;
  }

  /** Throws AccessDenied unless the request may change app {@code id} (to run as {@code user}, if set). */
  void update(RoutingContext ctx, PathId id, String user) {
    acls.check(principal(ctx), AclAction.UPDATE_APPS, id.toString());
    if (user != null && !user.isEmpty()) {
      acls.check(principal(ctx), AclAction.RUN_TASKS, user);
    }
  }

  /** Throws AccessDenied unless the request may see app (or group) {@code id}. */
  void view(RoutingContext ctx, PathId id) {
    acls.check(principal(ctx), AclAction.VIEW_APPS, id.toString());
  }

  boolean mayView(RoutingContext ctx, String id) {
    return acls.allows(principal(ctx), AclAction.VIEW_APPS, id);
  }

  /** Every app that {@code target} adds, changes or removes compared with {@code current} must be updatable. */
  void changes(RoutingContext ctx, Map<PathId, App> current, Map<PathId, App> target) {
    if (!active()) {
      return;
    }
    Set<PathId> ids = new LinkedHashSet<>(current.keySet());
    ids.addAll(target.keySet());
    for (PathId id : ids) {
      App before = current.get(id);
      App after = target.get(id);
      if (!Objects.equals(before, after)) {
        update(ctx, id, after == null ? null : after.user());
      }
    }
  }

  /** The items of {@code items} whose app id ({@code idOf}) the request may see. */
  JsonArray visible(RoutingContext ctx, JsonArray items, Function<JsonObject, String> idOf) {
    if (!active()) {
      return items;
    }
    JsonArray out = new JsonArray();
    for (Object o : items) {
      if (o instanceof JsonObject j && mayView(ctx, idOf.apply(j))) {
        out.add(j);
      }
    }
    return out;
  }

  /** Marathon's answer to a denial. */
  static Reply refusal(AccessDenied denied) {
    if (denied.principal() == null) {
      return Reply.json(401, new JsonObject().put("message", "Not Authenticated!").put("reason", denied.getMessage()))
          .header("WWW-Authenticate", "Basic realm=\"meso\", Bearer realm=\"meso\"");
    }
    return Reply.json(403, new JsonObject().put("message", "Not Authorized to perform this action!")
        .put("reason", denied.getMessage()));
  }
}
