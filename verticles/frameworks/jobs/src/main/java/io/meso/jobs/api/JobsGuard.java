package io.meso.jobs.api;

import io.meso.codecs.Addresses;
import io.meso.jobs.job.Job;
import io.meso.security.acl.AccessDenied;
import io.meso.security.acl.AclAction;
import io.meso.security.acl.Acls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The ACLs of /v1/scheduler: writes need {@code update_jobs} on the job (and {@code run_tasks}
 * for its {@code runAsUser}), reads {@code view_jobs} (lists are filtered; the graph and the
 * stats, which cover every job, need view_jobs on {@code *}). The principal is the one the HTTP
 * gate put in {@link Addresses#PRINCIPAL_HEADER}. Denials are answered in Chronos's error shape:
 * 403 {@code {"status":"Forbidden","message":...}}, 401 {@code {"status":"Unauthorized",...}}
 * when no principal was given.
 */
final class JobsGuard {

  /** The object the whole-cluster reads (graph, stats) are checked against. */
  static final String ALL_JOBS = "*";

  private final Acls acls;

  JobsGuard(Acls acls) {
    this.acls = acls;
  }

  static String principal(RoutingContext ctx) {
    String p = ctx.request().getHeader(Addresses.PRINCIPAL_HEADER);
    return p == null || p.isEmpty() ? null : p;
  }

  /** Throws AccessDenied unless the request may add, change, run, kill or delete {@code job}. */
  void update(RoutingContext ctx, String job) {
    acls.check(principal(ctx), AclAction.UPDATE_JOBS, job);
  }

  /**
   * {@link #update} for a job definition, and run_tasks for its runAsUser if the request sets one
   * ({@code body}; a job without it runs as the framework's default user, which the operator chose).
   */
  void update(RoutingContext ctx, Job job, String body) {
    update(ctx, job.name());
    Object asked = null;
    try {
      asked = new JsonObject(body).getValue("runAsUser");
    } catch (RuntimeException e) {
      // the job parsed, so this does not happen; without a user there is nothing more to check
    }
    if (asked instanceof String user && !user.isEmpty()) {
      acls.check(principal(ctx), AclAction.RUN_TASKS, user);
    }
  }

  void view(RoutingContext ctx, String job) {
    acls.check(principal(ctx), AclAction.VIEW_JOBS, job);
  }

  /** The job objects of {@code jobs} (field {@code name}) the request may see. */
  JsonArray visible(RoutingContext ctx, JsonArray jobs) {
    if (!acls.configured()) {
      return jobs;
    }
    JsonArray out = new JsonArray();
    for (Object o : jobs) {
      if (o instanceof JsonObject j && acls.allows(principal(ctx), AclAction.VIEW_JOBS, j.getString("name"))) {
        out.add(j);
      }
    }
    return out;
  }

  /** Chronos's error shape for a denial. */
  static Reply refusal(AccessDenied denied) {
    return denied.principal() == null ? Reply.error(401, "Unauthorized", denied.getMessage())
        : Reply.error(403, "Forbidden", denied.getMessage());
  }
}
