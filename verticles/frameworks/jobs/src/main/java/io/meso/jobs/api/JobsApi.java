package io.meso.jobs.api;

import io.meso.jobs.job.JobValidationException;
import io.meso.jobs.runtime.JobScheduler;
import io.meso.jobs.runtime.JobsFramework;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chronos 3's {@code /v1/scheduler} API of a {@link JobsFramework}, as routes on a Vert.x Web
 * {@link Router} (mounted on the master's HTTP server). Status codes and bodies are Chronos's:
 * 204 for writes, 200 with JSON (or text/plain for the graph and job/success), 400
 * {@code {"status":"Bad Request","message":...}} for bad input and for an unknown job (Chronos
 * has no 404), 500 {@code {"status":"Internal Server Error",...}} for a bug. Meso's additions: a
 * job may have {@code cron} instead of {@code schedule} (POST it to /iso8601),
 * {@code missedRunPolicy} and {@code epsilon}; GET /job/stat/{name} also lists the next runs and
 * each run's instant, attempt and outcome; and while no framework is active here (a standby
 * master, or one whose framework was deposed) every call but /leader answers 503
 * {@code {"status":"Service Unavailable","message":...}} naming the leader.
 */
public final class JobsApi {

  private static final Logger LOG = LoggerFactory.getLogger(JobsApi.class);

  /** The path every endpoint is under. */
  public static final String PREFIX = "/v1/scheduler";
  /** The largest request body accepted. */
  public static final long MAX_BODY_BYTES = 1024 * 1024;
  /** GET /jobs/search's default limit (Chronos's). */
  static final int SEARCH_LIMIT = 10;

  private final Supplier<JobsFramework> framework;
  private final Supplier<String> leader;
  private final JobsGuard guard;

  private JobsApi(Supplier<JobsFramework> framework, Supplier<String> leader, JobsGuard guard) {
    this.framework = framework;
    this.leader = leader;
    this.guard = guard;
  }

  /**
   * Adds the API's routes to {@code router}.
   *
   * @param framework the framework active here, or null while none is (read on every request)
   * @param leader the leading master's HTTP address (host:port) for GET /leader, or null if unknown
   */
  public static void mount(Router router, Supplier<JobsFramework> framework, Supplier<String> leader) {
    mount(router, framework, leader, null, io.meso.security.acl.Acls.allowAll());
  }

  /** {@link #mount(Router, Supplier, Supplier)} with ACLs ({@link JobsGuard}). */
  public static void mount(Router router, Supplier<JobsFramework> framework, Supplier<String> leader,
      io.meso.security.acl.Acls acls) {
    mount(router, framework, leader, null, acls);
  }

  /**
   * Adds the API's routes to {@code router} for a master among several: every request but
   * GET /leader is proxied to the leading master while the framework is not active here
   * ({@link JobsLeaderProxy}), as Chronos's standbys do.
   *
   * @param framework the framework active here, or null while none is (read on every request)
   * @param leader the leading master's HTTP address (host:port), or null if unknown
   * @param self this master's HTTP address (host:port), or null to use the one a request came in on
   */
  public static void mount(Vertx vertx, Router router, Supplier<JobsFramework> framework, Supplier<String> leader,
      Supplier<String> self) {
    mount(vertx, router, framework, leader, self, io.meso.security.acl.Acls.allowAll());
  }

  /** {@link #mount(Vertx, Router, Supplier, Supplier, Supplier)} with ACLs ({@link JobsGuard}). */
  public static void mount(Vertx vertx, Router router, Supplier<JobsFramework> framework, Supplier<String> leader,
      Supplier<String> self, io.meso.security.acl.Acls acls) {
    mount(router, framework, leader, new JobsLeaderProxy(vertx, framework, leader, self), acls);
  }

  private static void mount(Router router, Supplier<JobsFramework> framework, Supplier<String> leader,
      JobsLeaderProxy proxy, io.meso.security.acl.Acls acls) {
    JobsGuard guard = new JobsGuard(acls);
    JobsApi api = new JobsApi(framework, leader, guard);
    String p = PREFIX;
    router.route(p + "/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
    router.get(p + "/leader").handler(ctx -> {
      String address = leader.get();
      Reply.json(new JsonObject().put("leader", address == null ? "" : address)).send(ctx);
    });
    if (proxy != null) {
      router.route(p + "/*").handler(proxy::handle);
    }
    router.post(p + "/iso8601").handler(ctx -> api.write(ctx, s -> {
      io.meso.jobs.job.Job job = s.parse(ctx.body().asString());
      guard.update(ctx, job, ctx.body().asString());
      s.submit(job, JobScheduler.Endpoint.SCHEDULED);
      return Reply.noContent();
    }));
    router.post(p + "/dependency").handler(ctx -> api.write(ctx, s -> {
      io.meso.jobs.job.Job job = s.parse(ctx.body().asString());
      guard.update(ctx, job, ctx.body().asString());
      s.submit(job, JobScheduler.Endpoint.DEPENDENT);
      return Reply.noContent();
    }));
    router.get(p + "/jobs").handler(ctx -> api.read(ctx, s -> Reply.json(guard.visible(ctx, JobViews.list(s)))));
    router.get(p + "/jobs/search").handler(ctx -> {
      int limit;
      int offset;
      try {
        limit = count(ctx, "limit", SEARCH_LIMIT);
        offset = count(ctx, "offset", 0);
      } catch (IllegalArgumentException e) {
        Reply.badRequest(e.getMessage()).send(ctx);
        return;
      }
      api.read(ctx, s -> Reply.json(guard.visible(ctx, JobViews.search(s, ctx.request().getParam("name"),
          ctx.request().getParam("command"), ctx.request().getParam("any"), limit, offset))));
    });
    router.get(p + "/jobs/summary").handler(ctx -> api.read(ctx, s -> {
      JsonObject summary = JobViews.summary(s);
      return Reply.json(summary.put("jobs", guard.visible(ctx, summary.getJsonArray("jobs"))));
    }));
    router.get(p + "/job/stat/:name").handler(ctx -> api.read(ctx, s -> {
      guard.view(ctx, ctx.pathParam("name"));
      return Reply.json(JobViews.stat(s, ctx.pathParam("name")));
    }));
    router.put(p + "/job/success/:name").handler(ctx -> api.write(ctx, s -> {
      String name = ctx.pathParam("name");
      guard.update(ctx, name);
      return Reply.text("marked job " + name + " as successful: " + s.markSuccess(name));
    }));
    router.get(p + "/job/:name").handler(ctx -> api.read(ctx, s -> {
      guard.view(ctx, ctx.pathParam("name"));
      return Reply.json(io.meso.jobs.job.JobJson.render(s.job(ctx.pathParam("name"))
          .orElseThrow(() -> new io.meso.jobs.runtime.NoSuchJobException(ctx.pathParam("name")))));
    }));
    router.put(p + "/job/:name").handler(ctx -> api.write(ctx, s -> {
      guard.update(ctx, ctx.pathParam("name"));
      s.runNow(ctx.pathParam("name"), ctx.request().getParam("arguments"));
      return Reply.noContent();
    }));
    router.delete(p + "/job/:name").handler(ctx -> api.write(ctx, s -> {
      guard.update(ctx, ctx.pathParam("name"));
      s.delete(ctx.pathParam("name"));
      return Reply.noContent();
    }));
    router.delete(p + "/task/kill/:name").handler(ctx -> api.write(ctx, s -> {
      guard.update(ctx, ctx.pathParam("name"));
      s.kill(ctx.pathParam("name"));
      return Reply.noContent();
    }));
    router.get(p + "/graph/dot").handler(ctx -> api.read(ctx, s -> {
      guard.view(ctx, JobsGuard.ALL_JOBS);
      return Reply.text(s.graph().dot());
    }));
    router.get(p + "/graph/csv").handler(ctx -> api.read(ctx, s -> {
      guard.view(ctx, JobsGuard.ALL_JOBS);
      return Reply.text(s.graph().csv(s::runState));
    }));
    router.get(p + "/stats/:percentile").handler(ctx -> {
      String which = ctx.pathParam("percentile");
      if (!which.equals("mean") && !JobViews.PERCENTILES.containsKey(which)) {
        Reply.badRequest("percentile: '" + which + "' is not valid: one of 99thPercentile, 98thPercentile, "
            + "95thPercentile, 75thPercentile, median, mean").send(ctx);
        return;
      }
      api.read(ctx, s -> {
        guard.view(ctx, JobsGuard.ALL_JOBS);
        return Reply.json(JobViews.stats(s, which));
      });
    });
  }

  /** A non-negative whole-number query parameter; absent or empty means {@code otherwise}. */
  static int count(RoutingContext ctx, String name, int otherwise) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isEmpty()) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + ": '" + v + "' is not valid: a whole number >= 0");
  }

  /** A change: answered once everything it changed is stored. */
  private void write(RoutingContext ctx, Function<JobScheduler, Reply> handler) {
    JobsFramework f = framework.get();
    if (f == null) {
      notActive().send(ctx);
      return;
    }
    answer(ctx, f.call(handler));
  }

  /** A read of the current state. */
  private void read(RoutingContext ctx, Function<JobScheduler, Reply> handler) {
    JobsFramework f = framework.get();
    if (f == null) {
      notActive().send(ctx);
      return;
    }
    answer(ctx, f.read(handler));
  }

  private void answer(RoutingContext ctx, Future<Reply> reply) {
    reply.onComplete(ar -> {
      if (ar.succeeded()) {
        ar.result().send(ctx);
        return;
      }
      Throwable e = ar.cause();
      if (e instanceof io.meso.security.acl.AccessDenied denied) {
        LOG.info("{} {} refused: {}", ctx.request().method(), ctx.request().path(), denied.getMessage());
        JobsGuard.refusal(denied).send(ctx);
      } else if (e instanceof JobValidationException v) {
        new Reply(JobValidationException.STATUS, v.body()).send(ctx);
      } else if (e instanceof JobsFramework.DeposedException) {
        notActive(e.getMessage()).send(ctx);
      } else if (e instanceof IllegalArgumentException) {
        Reply.badRequest(e.getMessage()).send(ctx);
      } else {
        LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), e);
        Reply.error(500, "Internal Server Error", String.valueOf(e)).send(ctx);
      }
    });
  }

  private Reply notActive() {
    return notActive("the jobs framework is not active on this master");
  }

  private Reply notActive(String why) {
    String address = leader.get();
    return Reply.error(503, "Service Unavailable", why + "; it runs beside the leading master"
        + (address == null || address.isEmpty() ? "" : " (" + address + ")"));
  }
}
