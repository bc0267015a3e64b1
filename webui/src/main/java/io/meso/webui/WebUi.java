package io.meso.webui;

import com.google.protobuf.ByteString;
import io.meso.proto.GetStateResponse;
import io.meso.proto.GetTasksResponse;
import io.meso.proto.KillTaskRequest;
import io.meso.proto.KillTaskResponse;
import io.meso.proto.ListFilesRequest;
import io.meso.proto.ListFilesResponse;
import io.meso.proto.MasterEvent;
import io.meso.proto.ReadFileRequest;
import io.meso.proto.ReadFileResponse;
import io.meso.proto.SandboxFile;
import io.meso.proto.TeardownRequest;
import io.meso.codecs.Addresses;
import io.meso.codecs.RecordIO;
import io.meso.v1.FrameworkID;
import io.meso.v1.TaskID;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's operator HTTP API, metrics, health and web UI, mounted on the API server's
 * router. Mesos-shaped: {@code /state} ({@code /master/state}), {@code /state-summary},
 * {@code /metrics/snapshot}, {@code /redirect}, {@code POST /api/v1} (GET_STATE, GET_AGENTS,
 * GET_FRAMEWORKS, GET_TASKS, GET_ROLES, GET_METRICS, KILL_TASK, TEARDOWN, MARK_AGENT_GONE and SUBSCRIBE as a
 * RecordIO stream; and Meso's GET_OFFER_SKIPS: why agents were not offered to each framework),
 * {@code /files/browse|read|download}; plus {@code /metrics} (Prometheus),
 * {@code /livez}, {@code /readyz}, {@code /ui/events} (server-sent events) and the UI at
 * {@code /}. Everything goes to the master over the event bus ({@link Addresses#OPERATOR},
 * {@link Addresses#MASTER_EVENTS}); nothing here holds cluster state.
 */
public final class WebUi {

  private static final Logger LOG = LoggerFactory.getLogger(WebUi.class);
  private static final long MAX_READ = 1 << 20;
  private static final long HEARTBEAT_MILLIS = 15_000;
  private static final List<String> CALLS = List.of("GET_STATE", "GET_AGENTS", "GET_FRAMEWORKS", "GET_TASKS",
      "GET_ROLES", "GET_METRICS", "GET_HEALTH", "GET_VERSION", "KILL_TASK", "TEARDOWN", "SUBSCRIBE",
      "GET_OFFER_SKIPS", "MARK_AGENT_GONE");

  private final Vertx vertx;
  private final MasterClient master;
  private final Supplier<Future<Boolean>> leading;

  /**
   * @param leading answers whether this node's master leads (or knows the leader); the HA
   *     work plugs its LeaderState in here. {@link #masterAnswers} is the single-master default.
   */
  public WebUi(Vertx vertx, long timeoutMillis, Supplier<Future<Boolean>> leading) {
    this.vertx = vertx;
    this.master = new MasterClient(vertx.eventBus(), timeoutMillis);
    this.leading = leading;
  }

  public WebUi(Vertx vertx, long timeoutMillis) {
    this(vertx, timeoutMillis, null);
  }

  /**
   * Metrics options that make a Vert.x instance record its own metrics (event bus, HTTP
   * server and client, pools) into the Prometheus registry {@code /metrics} serves, with JVM
   * metrics. Pass them in {@code VertxOptions.setMetricsOptions} when creating the Vert.x
   * instance of a master; without them {@code /metrics} serves JVM and Meso metrics only.
   */
  public static io.vertx.micrometer.MicrometerMetricsOptions vertxMetricsOptions() {
    return new io.vertx.micrometer.MicrometerMetricsOptions()
        .setPrometheusOptions(new io.vertx.micrometer.VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setEnabled(true);
  }

  /** Ready when a master answers on {@link Addresses#OPERATOR}: a single master is its own leader. */
  public Future<Boolean> masterAnswers() {
    return master.metrics().map(m -> true).recover(e -> Future.succeededFuture(false));
  }

  /** Adds every route to the router. */
  public WebUi mount(Router router) {
    for (String path : List.of("/state", "/state.json", "/master/state", "/master/state.json")) {
      router.get(path).handler(this::state);
    }
    for (String path : List.of("/state-summary", "/master/state-summary")) {
      router.get(path).handler(this::stateSummary);
    }
    for (String path : List.of("/metrics/snapshot", "/master/metrics/snapshot")) {
      router.get(path).handler(this::metricsSnapshot);
    }
    router.get("/master/health").handler(ctx -> ctx.response().setStatusCode(200).end());
    for (String path : List.of("/redirect", "/master/redirect")) {
      router.get(path).handler(this::redirect);
    }
    for (String path : List.of("/api/v1", "/master/api/v1")) {
      router.post(path).handler(BodyHandler.create().setBodyLimit(MAX_READ)).handler(this::operatorCall);
      router.route(path).handler(ctx -> ctx.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "POST")
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("method " + ctx.request().method() + " not allowed on " + path
              + "; operator calls are POSTed as JSON, e.g. {\"type\":\"GET_STATE\"}\n"));
    }
    router.get("/files/browse").handler(this::browse);
    router.get("/files/read").handler(this::read);
    router.get("/files/download").handler(this::download);
    router.get("/metrics").handler(this::prometheus);
    router.get("/livez").handler(ctx -> text(ctx, 200, "ok\n"));
    router.get("/readyz").handler(this::readyz);
    router.get("/ui/events").handler(this::serverSentEvents);
    router.get("/").handler(ctx -> ctx.redirect("/ui/"));
    router.get("/ui/*").handler(StaticHandler.create("meso-webui").setCachingEnabled(false)
        .setDirectoryListing(false).setIndexPage("index.html"));
    return this;
  }

  // ---- helpers -------------------------------------------------------------------------

  static void text(RoutingContext ctx, int status, String body) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      if (!ctx.response().ended()) {
        ctx.response().end();
      }
      return;
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(body.endsWith("\n") ? body : body + "\n");
  }

  static void json(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }

  private void failed(RoutingContext ctx, Throwable err) {
    int status = MasterClient.status(err);
    if (status >= 500) {
      LOG.info("operator call failed path={} status={} cause={}", ctx.request().path(), status, MasterClient.message(err));
    }
    text(ctx, status, MasterClient.message(err));
  }

  private Future<JsonObject> stateDoc() {
    return master.state().compose(s -> master.tasks().map(t -> MesosJson.state(s, t)));
  }

  // ---- v0 endpoints --------------------------------------------------------------------

  private void state(RoutingContext ctx) {
    stateDoc().onSuccess(doc -> json(ctx, 200, doc)).onFailure(e -> failed(ctx, e));
  }

  private void stateSummary(RoutingContext ctx) {
    master.state().compose(s -> master.tasks().map(t -> MesosJson.stateSummary(s, t)))
        .onSuccess(doc -> json(ctx, 200, doc)).onFailure(e -> failed(ctx, e));
  }

  private void metricsSnapshot(RoutingContext ctx) {
    master.metrics().onSuccess(m -> json(ctx, 200, MesosJson.metricsSnapshot(m))).onFailure(e -> failed(ctx, e));
  }

  private void redirect(RoutingContext ctx) {
    master.state().onSuccess(s -> {
      var info = s.getMasterInfo();
      ctx.response().setStatusCode(307).putHeader(HttpHeaders.LOCATION, "//" + info.getHostname() + ":" + info.getPort())
          .end();
    }).onFailure(e -> failed(ctx, e));
  }

  private void prometheus(RoutingContext ctx) {
    master.metrics()
        .compose(m -> vertx.executeBlocking(() -> PrometheusMetrics.registry().scrape() + PrometheusMetrics.meso(m), false))
        .onSuccess(body -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
            .end(body))
        .onFailure(e -> failed(ctx, e));
  }

  private void readyz(RoutingContext ctx) {
    (leading == null ? masterAnswers() : leading.get()).onComplete(ar -> {
      if (ar.succeeded() && Boolean.TRUE.equals(ar.result())) {
        text(ctx, 200, "ready: the master is leading\n");
      } else {
        text(ctx, 503, "not ready: no leading master answers on " + Addresses.OPERATOR + "\n");
      }
    });
  }

  // ---- v1 operator API -----------------------------------------------------------------

  private void operatorCall(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      text(ctx, 415, "Content-Type is " + (type == null ? "missing" : "'" + type + "'")
          + "; expected application/json (this master speaks JSON on /api/v1)");
      return;
    }
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    if (accept != null && !accept.contains("application/json") && !accept.contains("*/*")
        && !accept.contains("application/*")) {
      text(ctx, 406, "Accept is '" + accept + "'; acceptable: application/json");
      return;
    }
    JsonObject call;
    try {
      call = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      text(ctx, 400, "the request body failed to parse as a JSON object: " + e.getMessage());
      return;
    }
    if (call == null) {
      text(ctx, 400, "the request body is empty; expected a JSON call such as {\"type\":\"GET_STATE\"}");
      return;
    }
    Object t = call.getValue("type");
    if (!(t instanceof String callType) || !CALLS.contains(callType)) {
      text(ctx, 400, "call type is " + (t == null ? "missing" : "'" + t + "'") + "; expected one of " + CALLS);
      return;
    }
    switch (callType) {
      case "GET_STATE" -> master.state().compose(s -> master.tasks().map(tasks ->
              new JsonObject().put("type", "GET_STATE").put("get_state", getState(s, tasks))))
          .onSuccess(doc -> json(ctx, 200, doc)).onFailure(e -> failed(ctx, e));
      case "GET_AGENTS" -> master.state()
          .onSuccess(s -> json(ctx, 200, new JsonObject().put("type", callType).put("get_agents", MesosJson.getAgents(s))))
          .onFailure(e -> failed(ctx, e));
      case "GET_FRAMEWORKS" -> master.state()
          .onSuccess(s -> json(ctx, 200, new JsonObject().put("type", callType)
              .put("get_frameworks", MesosJson.getFrameworks(s))))
          .onFailure(e -> failed(ctx, e));
      case "GET_TASKS" -> master.tasks()
          .onSuccess(ts -> json(ctx, 200, new JsonObject().put("type", callType).put("get_tasks", MesosJson.getTasks(ts))))
          .onFailure(e -> failed(ctx, e));
      case "GET_ROLES" -> {
        Future<GetStateResponse> state = master.state();
        Future<io.meso.proto.GetRolesResponse> roles = master.roles();
        Future<io.meso.proto.GetQuotaResponse> quotas = master.quotas();
        Future.all(state, roles, quotas)
            .onSuccess(x -> json(ctx, 200, new JsonObject().put("type", callType)
                .put("get_roles", MesosJson.getRoles(state.result(), roles.result(), quotas.result()))))
            .onFailure(e -> failed(ctx, e));
      }
      case "GET_OFFER_SKIPS" -> master.offerSkips()
          .onSuccess(r -> json(ctx, 200, new JsonObject().put("type", callType)
              .put("get_offer_skips", MesosJson.proto(r))))
          .onFailure(e -> failed(ctx, e));
      case "GET_METRICS" -> master.metrics()
          .onSuccess(m -> json(ctx, 200, new JsonObject().put("type", callType).put("get_metrics", MesosJson.getMetrics(m))))
          .onFailure(e -> failed(ctx, e));
      case "GET_HEALTH" -> json(ctx, 200, new JsonObject().put("type", callType)
          .put("get_health", new JsonObject().put("healthy", true)));
      case "GET_VERSION" -> master.state().onSuccess(s -> json(ctx, 200, new JsonObject().put("type", callType)
              .put("get_version", new JsonObject().put("version_info",
                  new JsonObject().put("version", s.getMasterInfo().getVersion())))))
          .onFailure(e -> failed(ctx, e));
      case "KILL_TASK" -> killTask(ctx, call);
      case "TEARDOWN" -> teardown(ctx, call);
      case "MARK_AGENT_GONE" -> markAgentGone(ctx, call);
      case "SUBSCRIBE" -> subscribe(ctx);
      default -> text(ctx, 400, "call type '" + callType + "' is not supported");
    }
  }

  private static JsonObject getState(GetStateResponse s, GetTasksResponse tasks) {
    return new JsonObject()
        .put("get_tasks", MesosJson.getTasks(tasks))
        .put("get_executors", new JsonObject().put("executors", new JsonArray()))
        .put("get_frameworks", MesosJson.getFrameworks(s))
        .put("get_agents", MesosJson.getAgents(s));
  }

  private static String idValue(JsonObject call, String section, String field) {
    JsonObject body = call.getValue(section) instanceof JsonObject o ? o : null;
    if (body == null) {
      return null;
    }
    Object id = body.getValue(field);
    if (id instanceof JsonObject o && o.getValue("value") instanceof String v && !v.isEmpty()) {
      return v;
    }
    return null;
  }

  private void killTask(RoutingContext ctx, JsonObject call) {
    String taskId = idValue(call, "kill_task", "task_id");
    if (taskId == null) {
      text(ctx, 400, "kill_task.task_id.value is missing; expected {\"type\":\"KILL_TASK\",\"kill_task\":"
          + "{\"task_id\":{\"value\":\"...\"}}}");
      return;
    }
    String frameworkId = idValue(call, "kill_task", "framework_id");
    KillTaskRequest.Builder request = KillTaskRequest.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId));
    if (frameworkId != null) {
      request.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId));
    }
    master.<KillTaskResponse>call("KillTask", request.build())
        .onSuccess(r -> ctx.response().setStatusCode(202).end())
        .onFailure(e -> failed(ctx, e));
  }

  private void teardown(RoutingContext ctx, JsonObject call) {
    String frameworkId = idValue(call, "teardown", "framework_id");
    if (frameworkId == null) {
      text(ctx, 400, "teardown.framework_id.value is missing; expected {\"type\":\"TEARDOWN\",\"teardown\":"
          + "{\"framework_id\":{\"value\":\"...\"}}}");
      return;
    }
    master.call("Teardown", TeardownRequest.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
            .build())
        .onSuccess(r -> ctx.response().setStatusCode(200).end())
        .onFailure(e -> failed(ctx, e));
  }

  /** Mesos MARK_AGENT_GONE: 200 with an empty body once the master stored and applied it. */
  private void markAgentGone(RoutingContext ctx, JsonObject call) {
    String agentId = idValue(call, "mark_agent_gone", "agent_id");
    if (agentId == null) {
      text(ctx, 400, "mark_agent_gone.agent_id.value is missing or empty; expected {\"type\":\"MARK_AGENT_GONE\","
          + "\"mark_agent_gone\":{\"agent_id\":{\"value\":\"...\"}}} (GET_AGENTS lists the agents)");
      return;
    }
    master.call("MarkAgentGone", io.meso.proto.MarkAgentGoneRequest.newBuilder()
            .setAgentId(io.meso.v1.AgentID.newBuilder().setValue(agentId)).build())
        .onSuccess(r -> ctx.response().setStatusCode(200).end())
        .onFailure(e -> failed(ctx, e));
  }

  /** RecordIO: SUBSCRIBED with the full state, then one record per master event, HEARTBEAT every 15 s. */
  private void subscribe(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    MessageConsumer<MasterEvent> consumer = vertx.eventBus().consumer(Addresses.MASTER_EVENTS);
    consumer.pause();
    consumer.handler(m -> record(response, MesosJson.event(m.body())));
    consumer.completion()
        .compose(v -> master.state())
        .compose(s -> master.tasks().map(tasks -> getState(s, tasks)))
        .onSuccess(state -> {
          response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").setStatusCode(200);
          record(response, new JsonObject().put("type", "SUBSCRIBED").put("subscribed",
              new JsonObject().put("get_state", state).put("heartbeat_interval_seconds", HEARTBEAT_MILLIS / 1000.0)));
          record(response, new JsonObject().put("type", "HEARTBEAT"));
          long timer = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> record(response, new JsonObject().put("type", "HEARTBEAT")));
          response.closeHandler(v -> {
            vertx.cancelTimer(timer);
            consumer.unregister();
          });
          consumer.resume();
        })
        .onFailure(e -> {
          consumer.unregister();
          failed(ctx, e);
        });
  }

  private static void record(HttpServerResponse response, JsonObject record) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.write(RecordIO.frame(record.encode().getBytes(StandardCharsets.UTF_8)));
  }

  /** Server-sent events for the web UI: one "message" per master event, as the v1 operator event JSON. */
  private void serverSentEvents(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").setStatusCode(200);
    response.write(": meso master events\nretry: 2000\n\n");
    MessageConsumer<MasterEvent> consumer = vertx.eventBus().consumer(Addresses.MASTER_EVENTS, m -> {
      if (!response.ended() && !response.closed()) {
        response.write("data: " + MesosJson.event(m.body()).encode() + "\n\n");
      }
    });
    long timer = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> {
      if (!response.closed()) {
        response.write(": heartbeat\n\n");
      }
    });
    response.closeHandler(v -> {
      vertx.cancelTimer(timer);
      consumer.unregister();
    });
  }

  // ---- files ---------------------------------------------------------------------------

  private record FileTarget(TaskID taskId, FrameworkID frameworkId, String path) {}

  /** Task, framework and relative path from the query; null (after answering 4xx) when invalid. */
  private static FileTarget target(RoutingContext ctx, boolean pathRequired) {
    String taskId = ctx.request().getParam("task_id");
    if (taskId == null || taskId.isBlank()) {
      text(ctx, 400, "query parameter task_id is missing; expected /files/...?task_id=<task id>&path=<path in its sandbox>");
      return null;
    }
    String path = ctx.request().getParam("path", "");
    if (pathRequired && path.isEmpty()) {
      text(ctx, 400, "query parameter path is missing; name a file in the sandbox, e.g. path=stdout");
      return null;
    }
    String refusal = refusePath(path);
    if (refusal != null) {
      text(ctx, 403, "path '" + path + "' " + refusal);
      return null;
    }
    String frameworkId = ctx.request().getParam("framework_id");
    return new FileTarget(TaskID.newBuilder().setValue(taskId).build(),
        frameworkId == null || frameworkId.isEmpty() ? null : FrameworkID.newBuilder().setValue(frameworkId).build(),
        path);
  }

  /** Why a sandbox-relative path is refused, or null. The agent checks again against the real sandbox. */
  static String refusePath(String path) {
    if (path.indexOf('\0') >= 0) {
      return "contains a NUL byte";
    }
    if (path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:.*")) {
      return "is absolute; paths are relative to the task's sandbox";
    }
    for (String part : path.split("[/\\\\]")) {
      if (part.equals("..")) {
        return "leaves the task's sandbox ('..' is not allowed)";
      }
    }
    return null;
  }

  private static Long longParam(RoutingContext ctx, String name, long dflt, long min) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return dflt;
    }
    try {
      long v = Long.parseLong(raw);
      if (v < min) {
        text(ctx, 400, "query parameter " + name + " is " + v + "; expected an integer >= " + min);
        return null;
      }
      return v;
    } catch (NumberFormatException e) {
      text(ctx, 400, "query parameter " + name + " is '" + raw + "'; expected an integer >= " + min);
      return null;
    }
  }

  private void browse(RoutingContext ctx) {
    FileTarget target = target(ctx, false);
    if (target == null) {
      return;
    }
    ListFilesRequest.Builder request = ListFilesRequest.newBuilder().setTaskId(target.taskId()).setPath(target.path());
    if (target.frameworkId() != null) {
      request.setFrameworkId(target.frameworkId());
    }
    master.<ListFilesResponse>call("ListFiles", request.build()).onSuccess(r -> {
      JsonArray out = new JsonArray();
      for (SandboxFile f : r.getFilesList()) {
        out.add(new JsonObject()
            .put("path", f.getPath())
            .put("size", f.getSize())
            .put("mode", f.getDirectory() ? "drwxr-xr-x" : "-rw-r--r--")
            .put("nlink", 1)
            .put("mtime", f.getMtimeMillis() / 1000.0)
            .put("directory", f.getDirectory()));
      }
      json(ctx, 200, out);
    }).onFailure(e -> failed(ctx, e));
  }

  private Future<ReadFileResponse> readChunk(FileTarget target, long offset, long length) {
    ReadFileRequest.Builder request = ReadFileRequest.newBuilder().setTaskId(target.taskId())
        .setPath(target.path()).setOffset(offset).setLength(length);
    if (target.frameworkId() != null) {
      request.setFrameworkId(target.frameworkId());
    }
    return master.call("ReadFile", request.build());
  }

  /** Like Mesos: offset -1 answers the file's size with no data; otherwise up to length bytes from offset. */
  private void read(RoutingContext ctx) {
    FileTarget target = target(ctx, true);
    if (target == null) {
      return;
    }
    Long offset = longParam(ctx, "offset", 0, -1);
    if (offset == null) {
      return;
    }
    Long length = longParam(ctx, "length", MAX_READ, 0);
    if (length == null) {
      return;
    }
    if (offset == -1) {
      readChunk(target, 0, 0).onSuccess(r -> json(ctx, 200, new JsonObject().put("data", "").put("offset", r.getSize())))
          .onFailure(e -> failed(ctx, e));
      return;
    }
    readChunk(target, offset, Math.min(length, MAX_READ))
        .onSuccess(r -> json(ctx, 200, new JsonObject().put("data", r.getData().toStringUtf8()).put("offset", r.getOffset())))
        .onFailure(e -> failed(ctx, e));
  }

  private void download(RoutingContext ctx) {
    FileTarget target = target(ctx, true);
    if (target == null) {
      return;
    }
    readChunk(target, 0, MAX_READ).onSuccess(first -> {
      String name = target.path().substring(target.path().lastIndexOf('/') + 1);
      HttpServerResponse response = ctx.response().setChunked(true).setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
          .putHeader("Content-Disposition", ContentDisposition.attachment(name));
      Promise<Void> done = Promise.promise();
      writeChunks(response, target, first, done);
      done.future().onComplete(ar -> {
        if (ar.failed()) {
          LOG.info("download stopped path={} cause={}", target.path(), ar.cause().getMessage());
          response.reset();
        } else {
          response.end();
        }
      });
    }).onFailure(e -> failed(ctx, e));
  }

  private void writeChunks(HttpServerResponse response, FileTarget target, ReadFileResponse chunk, Promise<Void> done) {
    ByteString data = chunk.getData();
    if (data.isEmpty() || response.closed()) {
      done.tryComplete();
      return;
    }
    long next = chunk.getOffset() + data.size();
    response.write(io.vertx.core.buffer.Buffer.buffer(data.toByteArray())).compose(v -> readChunk(target, next, MAX_READ))
        .onSuccess(c -> writeChunks(response, target, c, done))
        .onFailure(done::tryFail);
  }
}
