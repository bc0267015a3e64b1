package io.meso.api.operator;

import static io.meso.api.operator.Replies.failed;
import static io.meso.api.operator.Replies.json;
import static io.meso.api.operator.Replies.jsonOffLoop;
import static io.meso.api.operator.Replies.text;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesosJson;
import io.meso.codecs.RecordIO;
import io.meso.proto.GetStateResponse;
import io.meso.proto.GetTasksResponse;
import io.meso.proto.KillTaskRequest;
import io.meso.proto.KillTaskResponse;
import io.meso.proto.MasterEvent;
import io.meso.proto.TeardownRequest;
import io.meso.v1.FrameworkID;
import io.meso.v1.TaskID;
import io.vertx.core.Future;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Mesos's v1 operator API: JSON calls POSTed to {@code /api/v1} (or {@code /master/api/v1};
 * any other method is 405 with {@code Allow: POST}). GET_STATE, GET_AGENTS, GET_FRAMEWORKS,
 * GET_TASKS, GET_ROLES, GET_METRICS, GET_HEALTH, GET_VERSION, KILL_TASK, TEARDOWN,
 * MARK_AGENT_GONE, UPDATE_WEIGHTS, UPDATE_QUOTA, DRAIN_AGENT, REACTIVATE_AGENT, SUBSCRIBE as a RecordIO stream, and Meso's GET_OFFER_SKIPS (why agents were
 * not offered to each framework). Content type, Accept, body and call type are checked before
 * the master is asked.
 */
final class OperatorCalls {

  private static final long MAX_BODY = 1 << 20;
  private static final long HEARTBEAT_MILLIS = 15_000;
  private static final List<String> CALLS = List.of("GET_STATE", "GET_AGENTS", "GET_FRAMEWORKS", "GET_TASKS",
      "GET_ROLES", "GET_METRICS", "GET_HEALTH", "GET_VERSION", "KILL_TASK", "TEARDOWN", "SUBSCRIBE",
      "GET_OFFER_SKIPS", "MARK_AGENT_GONE", "UPDATE_WEIGHTS", "UPDATE_QUOTA", "DRAIN_AGENT", "REACTIVATE_AGENT");

  private final Vertx vertx;
  private final MasterClient master;
  private final io.meso.security.acl.Acls acls;

  OperatorCalls(Vertx vertx, MasterClient master, io.meso.security.acl.Acls acls) {
    this.vertx = vertx;
    this.master = master;
    this.acls = acls;
  }

  void mount(Router router) {
    for (String path : List.of("/api/v1", "/master/api/v1")) {
      router.post(path).handler(BodyHandler.create().setBodyLimit(MAX_BODY)).handler(this::operatorCall);
      router.route(path).handler(ctx -> ctx.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "POST")
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .end("method " + ctx.request().method() + " not allowed on " + path
              + "; operator calls are POSTed as JSON, e.g. {\"type\":\"GET_STATE\"}\n"));
    }
  }

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
      // GET_STATE and GET_TASKS are written a page of tasks at a time (StateStream): at a million
      // tasks either is over a gigabyte of JSON, which no master should build in one piece.
      case "GET_STATE" -> master.as(ctx).state()
          .compose(s -> ctx.vertx().executeBlocking(() -> Map.entry(MesosJson.getFrameworks(s), MesosJson.getAgents(s)),
              false))
          .onSuccess(fa -> StateStream.getState(ctx, master.as(ctx), StateStream.PAGE, fa.getKey(), fa.getValue()))
          .onFailure(e -> failed(ctx, e));
      case "GET_AGENTS" -> master.as(ctx).state()
          .onSuccess(s -> jsonOffLoop(ctx, 200, () -> new JsonObject().put("type", callType)
              .put("get_agents", MesosJson.getAgents(s))))
          .onFailure(e -> failed(ctx, e));
      case "GET_FRAMEWORKS" -> master.as(ctx).state()
          .onSuccess(s -> jsonOffLoop(ctx, 200, () -> new JsonObject().put("type", callType)
              .put("get_frameworks", MesosJson.getFrameworks(s))))
          .onFailure(e -> failed(ctx, e));
      case "GET_TASKS" -> StateStream.getTasks(ctx, master.as(ctx), StateStream.PAGE);
      case "GET_ROLES" -> {
        Future<GetStateResponse> state = master.as(ctx).state();
        Future<io.meso.proto.GetRolesResponse> roles = master.as(ctx).roles();
        Future<io.meso.proto.GetQuotaResponse> quotas = master.as(ctx).quotas();
        Future.all(state, roles, quotas)
            .onSuccess(x -> json(ctx, 200, new JsonObject().put("type", callType)
                .put("get_roles", viewableRoles(ctx, MesosJson.getRoles(state.result(), roles.result(),
                    quotas.result())))))
            .onFailure(e -> failed(ctx, e));
      }
      case "GET_OFFER_SKIPS" -> master.as(ctx).offerSkips()
          .onSuccess(r -> json(ctx, 200, new JsonObject().put("type", callType)
              .put("get_offer_skips", MesosJson.proto(r))))
          .onFailure(e -> failed(ctx, e));
      case "GET_METRICS" -> master.as(ctx).metrics()
          .onSuccess(m -> json(ctx, 200, new JsonObject().put("type", callType).put("get_metrics", MesosJson.getMetrics(m))))
          .onFailure(e -> failed(ctx, e));
      case "GET_HEALTH" -> json(ctx, 200, new JsonObject().put("type", callType)
          .put("get_health", new JsonObject().put("healthy", true)));
      case "GET_VERSION" -> master.as(ctx).state().onSuccess(s -> json(ctx, 200, new JsonObject().put("type", callType)
              .put("get_version", new JsonObject().put("version_info",
                  new JsonObject().put("version", s.getMasterInfo().getVersion())))))
          .onFailure(e -> failed(ctx, e));
      case "KILL_TASK" -> killTask(ctx, call);
      case "TEARDOWN" -> teardown(ctx, call);
      case "MARK_AGENT_GONE" -> markAgentGone(ctx, call);
      case "UPDATE_WEIGHTS", "UPDATE_QUOTA", "DRAIN_AGENT", "REACTIVATE_AGENT" -> policyCall(ctx, callType, call);
      case "SUBSCRIBE" -> subscribe(ctx);
      default -> text(ctx, 400, "call type '" + callType + "' is not supported");
    }
  }

  /**
   * GET_ROLES also names the roles of the frameworks the principal may view (and "*"); under ACLs
   * only those it may view_roles are listed, as the master filters GetRoles and GetQuota.
   */
  private JsonObject viewableRoles(RoutingContext ctx, JsonObject getRoles) {
    String principal = ctx.request().getHeader(Addresses.PRINCIPAL_HEADER);
    JsonArray roles = getRoles.getJsonArray("roles");
    if (roles != null) {
      roles.getList().removeIf(r -> !acls.allows(principal == null || principal.isEmpty() ? null : principal,
          io.meso.security.acl.AclAction.VIEW_ROLES, r instanceof JsonObject o ? o.getString("name")
              : ((java.util.Map<?, ?>) r).get("name").toString()));
    }
    return getRoles;
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
    master.as(ctx).<KillTaskResponse>call("KillTask", request.build())
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
    master.as(ctx).call("Teardown", TeardownRequest.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
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
    master.as(ctx).call("MarkAgentGone", io.meso.proto.MarkAgentGoneRequest.newBuilder()
            .setAgentId(io.meso.v1.AgentID.newBuilder().setValue(agentId)).build())
        .onSuccess(r -> ctx.response().setStatusCode(200).end())
        .onFailure(e -> failed(ctx, e));
  }

  /**
   * Mesos's UPDATE_WEIGHTS, UPDATE_QUOTA, DRAIN_AGENT and REACTIVATE_AGENT: 200 with an empty body
   * once the master applied them (it checks the values and the ACLs: update_weights,
   * update_quotas, drain_agents); a malformed body is a 400 naming the field.
   */
  private void policyCall(RoutingContext ctx, String callType, JsonObject call) {
    Object request;
    String action;
    try {
      switch (callType) {
        case "UPDATE_WEIGHTS" -> {
          action = "SetWeights";
          io.meso.proto.SetWeightsRequest.Builder weights = io.meso.proto.SetWeightsRequest.newBuilder();
          JsonArray infos = array(call, "update_weights", "weight_infos");
          for (int i = 0; i < infos.size(); i++) {
            String at = "update_weights.weight_infos[" + i + "]";
            JsonObject info = object(infos.getValue(i), at);
            weights.addWeights(io.meso.proto.RoleWeight.newBuilder().setRole(role(info, at))
                .setWeight(number(info.getValue("weight"), at + ".weight")));
          }
          request = weights.build();
        }
        case "UPDATE_QUOTA" -> {
          action = "SetQuota";
          io.meso.proto.SetQuotaRequest.Builder quotas = io.meso.proto.SetQuotaRequest.newBuilder();
          JsonArray configs = array(call, "update_quota", "quota_configs");
          for (int i = 0; i < configs.size(); i++) {
            String at = "update_quota.quota_configs[" + i + "]";
            JsonObject config = object(configs.getValue(i), at);
            quotas.addQuotas(io.meso.proto.RoleQuota.newBuilder().setRole(role(config, at))
                .addAllGuarantees(quantities(config.getValue("guarantees"), at + ".guarantees"))
                .addAllLimits(quantities(config.getValue("limits"), at + ".limits")));
          }
          request = quotas.build();
        }
        default -> {
          action = "DrainAgent";
          String section = callType.toLowerCase();
          String agentId = idValue(call, section, "agent_id");
          if (agentId == null) {
            throw new IllegalArgumentException(section + ".agent_id.value is missing or empty; expected {\"type\":\""
                + callType + "\",\"" + section + "\":{\"agent_id\":{\"value\":\"...\"}}}");
          }
          request = io.meso.proto.DrainAgentRequest.newBuilder()
              .setAgentId(io.meso.v1.AgentID.newBuilder().setValue(agentId)).setDrain(callType.equals("DRAIN_AGENT"))
              .build();
        }
      }
    } catch (IllegalArgumentException e) {
      text(ctx, 400, e.getMessage());
      return;
    }
    master.as(ctx).call(action, request)
        .onSuccess(r -> ctx.response().setStatusCode(200).end())
        .onFailure(e -> failed(ctx, e));
  }

  private static JsonArray array(JsonObject call, String section, String field) {
    Object body = call.getValue(section);
    Object value = body instanceof JsonObject o ? o.getValue(field) : null;
    if (!(value instanceof JsonArray a)) {
      throw new IllegalArgumentException(section + "." + field + " is " + (value == null ? "missing" : value)
          + "; expected an array");
    }
    return a;
  }

  private static JsonObject object(Object value, String at) {
    if (!(value instanceof JsonObject o)) {
      throw new IllegalArgumentException(at + " is " + (value == null ? "missing" : value) + "; expected an object");
    }
    return o;
  }

  private static String role(JsonObject o, String at) {
    if (!(o.getValue("role") instanceof String s) || s.isEmpty()) {
      throw new IllegalArgumentException(at + ".role is " + (o.getValue("role") == null ? "missing" : o.getValue("role"))
          + "; expected a role name");
    }
    return s;
  }

  private static double number(Object value, String at) {
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(at + " is " + (value == null ? "missing" : value) + "; expected a number");
    }
    return n.doubleValue();
  }

  /** Mesos's {"cpus": {"value": 1}}; absent is none. */
  private static List<io.meso.proto.ResourceQuantity> quantities(Object value, String at) {
    if (value == null) {
      return List.of();
    }
    JsonObject byName = object(value, at);
    java.util.ArrayList<io.meso.proto.ResourceQuantity> out = new java.util.ArrayList<>();
    for (String name : byName.fieldNames()) {
      JsonObject quantity = object(byName.getValue(name), at + "." + name);
      out.add(io.meso.proto.ResourceQuantity.newBuilder().setName(name)
          .setValue(number(quantity.getValue("value"), at + "." + name + ".value")).build());
    }
    return out;
  }

  /**
   * RecordIO: SUBSCRIBED with the full state, then one record per master event, HEARTBEAT every
   * 15 s. Under ACLs the state is the one the master lets the principal see, and each event is
   * shown only if the principal may view it ({@link io.meso.security.acl.EventView}).
   */
  private void subscribe(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    io.meso.security.acl.EventView view = new io.meso.security.acl.EventView(acls,
        ctx.request().getHeader(Addresses.PRINCIPAL_HEADER));
    MessageConsumer<MasterEvent> consumer = vertx.eventBus().consumer(Addresses.MASTER_EVENTS);
    consumer.pause();
    consumer.handler(m -> {
      if (view.shows(m.body())) {
        record(response, MesosJson.event(m.body()));
      }
    });
    consumer.completion()
        .compose(v -> master.as(ctx).state())
        .compose(s -> master.as(ctx).tasks().map(tasks -> getState(s, tasks)))
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
}
