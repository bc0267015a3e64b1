package io.meso.services.api;

import io.meso.codecs.MesoVersion;
import io.meso.services.app.PathId;
import io.meso.services.deploy.Cancellation;
import io.meso.services.deploy.Deployment;
import io.meso.services.deploy.DeploymentJson;
import io.meso.services.runtime.ServicesFramework;
import io.meso.services.runtime.ServicesFramework.State;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * Deployments, the launch queue, info and leader (Marathon's {@code DeploymentsResource},
 * {@code QueueResource}, {@code InfoResource}, {@code LeaderResource}). They run on the leader
 * only (other masters forward to it, {@link LeaderProxy}), so info and leader name this master, at
 * the address the election published for it.
 */
final class ClusterRoutes {

  private final ServicesLeader leader;

  ClusterRoutes(ServicesLeader leader) {
    this.leader = leader;
  }

  /** GET /v2/deployments: {@code [Deployment]}. */
  Reply deployments(RoutingContext ctx, State s) {
    JsonArray out = new JsonArray();
    Guard guard = Guard.of(ctx);
    for (Deployment d : s.services().deployments().running()) {
      JsonObject json = DeploymentJson.deployment(d);
      if (!guard.active() || affected(json).stream().allMatch(id -> guard.mayView(ctx, id))) {
        out.add(json);
      }
    }
    return Reply.json(200, out);
  }

  private static java.util.List<String> affected(JsonObject deployment) {
    JsonArray apps = deployment.getJsonArray("affectedApps", new JsonArray());
    return apps.stream().map(String::valueOf).toList();
  }

  /** DELETE /v2/deployments/{id}?force=. */
  Reply cancelDeployment(RoutingContext ctx, State s) {
    for (Deployment d : s.services().deployments().running()) {
      if (d.id().equals(ctx.pathParam("id"))) {
        for (String app : affected(DeploymentJson.deployment(d))) {
          Guard.of(ctx).update(ctx, io.meso.services.app.PathId.absolute(app), null);
        }
      }
    }
    Cancellation c = s.services().cancel(ctx.pathParam("id"), ServicesApi.flag(ctx, "force", false),
        Instant.now());
    Reply reply = Reply.json(c.status(), c.body());
    if (c instanceof Cancellation.Reverted r) {
      reply = reply.header(AppsRoutes.DEPLOYMENT_HEADER, r.revert().started().deployment().id());
    }
    return reply;
  }

  /** GET /v2/queue?embed=lastUnusedOffers. */
  Reply queue(RoutingContext ctx, State s) {
    boolean unused = ctx.queryParam("embed").stream().anyMatch(e -> e.contains("lastUnusedOffers"));
    JsonObject queue = s.json().queue(unused, Instant.now());
    Guard guard = Guard.of(ctx);
    if (guard.active()) {
      queue.put("queue", guard.visible(ctx, queue.getJsonArray("queue", new JsonArray()),
          q -> q.getJsonObject("app", new JsonObject()).getString("id")));
    }
    return Reply.json(200, queue);
  }

  /** DELETE /v2/queue/{id}/delay: 204, or 404 when the app is not waiting. */
  Reply resetDelay(RoutingContext ctx, State s) {
    PathId id = PathId.absolute(ctx.pathParam("param0"));
    Guard.of(ctx).update(ctx, id, null);
    if (!s.services().resetDelay(id)) {
      return Reply.message(404, "Application " + id + " not found in tasks queue.");
    }
    return new Reply(204, null, java.util.Map.of());
  }

  /** GET /v2/info. */
  Reply info(RoutingContext ctx, ServicesFramework framework) {
    String leader = self(ctx);
    String frameworkId = framework.frameworkId() == null ? null : framework.frameworkId().getValue();
    return Reply.json(200, new JsonObject()
        .put("name", ServicesFramework.NAME)
        .put("version", MesoVersion.current())
        .put("buildref", "")
        .put("elected", true)
        .put("leader", leader)
        .put("frameworkId", frameworkId)
        .put("marathon_config", new JsonObject()
            .put("framework_name", ServicesFramework.NAME)
            .put("failover_timeout", (long) ServicesFramework.FAILOVER_TIMEOUT_SECONDS)
            .put("mesos_role", "*")
            .put("mesos_authentication_principal", ServicesFramework.PRINCIPAL)
            .put("hostname", ctx.request().localAddress().host()))
        .put("zookeeper_config", new JsonObject())
        .put("http_config", new JsonObject().put("http_port", ctx.request().localAddress().port())));
  }

  /** GET /v2/leader. */
  Reply leader(RoutingContext ctx) {
    return Reply.json(200, new JsonObject().put("leader", self(ctx)));
  }

  private String self(RoutingContext ctx) {
    String self = leader.self();
    if (self != null) {
      return self;
    }
    SocketAddress local = ctx.request().localAddress();
    return local.host() + ":" + local.port();
  }
}
