package io.meso.agent;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.executor.TaskUsage;
import io.meso.executor.UsageRequest;
import io.meso.security.acl.Acls;
import io.meso.security.http.HttpGate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own HTTP server, on the agent's port (its own server even when a master shares the
 * JVM, as in {@code meso local}): Mesos-shaped {@code GET /state}, {@code /monitor/statistics},
 * {@code /metrics/snapshot} and {@code /health} (each also under Mesos's {@code /slave(1)} prefix),
 * and Prometheus {@code /metrics}. Other methods get 405 with {@code Allow: GET}; other paths a
 * 404 naming the endpoints there are. Task usage is asked of the executor
 * ({@link UsageRequest}), which reads it off the event loop; everything else is read from
 * {@link AgentTasks} on the agent's event loop, where the requests are handled.
 *
 * <p>Every request first passes the same gate as the master's port ({@link HttpGate}): a foreign
 * Host or Origin is refused, and with credentials or JWT keys configured every path but
 * {@code /health} needs them (401 otherwise), since {@code /state} tells anyone what runs where.
 * With ACLs ({@link AgentOptions#getAcls()}), {@code /state} and {@code /monitor/statistics} show
 * the authenticated principal only the frameworks and tasks it may view ({@link AgentVisibility});
 * {@code /metrics} and {@code /metrics/snapshot} are node-wide counts and need authentication only.
 */
final class AgentHttpServer {

  private static final Logger LOG = LoggerFactory.getLogger(AgentHttpServer.class);
  /** Mesos's agent process id: its endpoints also answer under this prefix. */
  static final String MESOS_PREFIX = "/slave(1)";
  static final String ENDPOINTS = "/state, /monitor/statistics, /metrics/snapshot, /health, /metrics";
  private static final long USAGE_TIMEOUT_MILLIS = 10_000;

  /** Served without credentials, for probes. */
  static final Set<String> PROBES = Set.of("/health", MESOS_PREFIX + "/health");

  private final Vertx vertx;
  private final AgentView agent;
  private final HttpGate gate;
  private final Acls acls;
  private HttpServer server;

  AgentHttpServer(Vertx vertx, AgentView agent, HttpGate gate, Acls acls) {
    this.vertx = vertx;
    this.agent = agent;
    this.gate = gate;
    this.acls = acls;
  }

  /** Listens on {@code host:port} (port 0: any free one); completes with the bound port. */
  Future<Integer> listen(String host, int port) {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port));
    return server.requestHandler(request -> gate.handle(request, false, this::handle)).listen().map(s -> {
      LOG.info("agent http server listening agent_id={} host={} port={} authentication={}", agent.agentId(), host,
          s.actualPort(), gate.authenticates() ? "on" : "off");
      return s.actualPort();
    });
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    if (path.startsWith(MESOS_PREFIX + "/")) {
      path = path.substring(MESOS_PREFIX.length());
    }
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    boolean known = switch (path) {
      case "/state", "/monitor/statistics", "/metrics/snapshot", "/health", "/metrics" -> true;
      default -> false;
    };
    if (!known) {
      text(request, 404, "No endpoint " + request.path() + " on this agent; it serves GET " + ENDPOINTS + "\n");
      return;
    }
    if (request.method() != HttpMethod.GET) {
      request.response().putHeader(HttpHeaders.ALLOW, "GET");
      text(request, 405, "Method " + request.method() + " is not allowed on " + path + "; use GET\n");
      return;
    }
    AgentVisibility visible = new AgentVisibility(acls, request.getHeader(Addresses.PRINCIPAL_HEADER));
    switch (path) {
      case "/health" -> request.response().setStatusCode(200).end();
      case "/state" -> json(request, AgentStateJson.state(agent, visible).encode());
      case "/metrics/snapshot" -> json(request, AgentMetrics.snapshot(agent).encode());
      case "/monitor/statistics" -> usage().onSuccess(usage -> json(request,
              AgentStateJson.statistics(visibleUsage(usage, visible)).encode()))
          .onFailure(e -> failed(request, e));
      default -> usage().onSuccess(usage -> request.response()
              .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
              .end(AgentMetrics.prometheus(agent, usage)))
          .onFailure(e -> failed(request, e));
    }
  }

  /** The usage of the tasks the caller may view (all of them without ACLs). */
  private List<TaskUsage> visibleUsage(List<TaskUsage> usage, AgentVisibility visible) {
    if (!acls.configured()) {
      return usage;
    }
    Map<TaskKey, AgentTask> tasks = new HashMap<>();
    for (AgentTask task : agent.tasks()) {
      tasks.put(task.key, task);
    }
    return usage.stream().filter(u -> {
      AgentTask task = tasks.get(new TaskKey(u.frameworkId(), u.task().getTaskId().getValue()));
      return task != null && visible.task(task);
    }).toList();
  }

  private Future<List<TaskUsage>> usage() {
    return vertx.eventBus().<List<TaskUsage>>request(agent.executorAddress(), new UsageRequest(),
        new DeliveryOptions(MesoCodecs.LOCAL).setSendTimeout(USAGE_TIMEOUT_MILLIS)).map(m -> m.body());
  }

  private void failed(HttpServerRequest request, Throwable e) {
    LOG.warn("agent usage sample failed agent_id={} error={}", agent.agentId(), e.toString());
    text(request, 503, "The agent could not sample task usage: " + e.getMessage() + "\n");
  }

  private static void json(HttpServerRequest request, String body) {
    request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
  }

  private static void text(HttpServerRequest request, int status, String body) {
    request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(body);
  }
}
