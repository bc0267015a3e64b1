package io.meso.services.api;

import io.meso.services.app.PathId;
import io.meso.services.runtime.Change;
import io.meso.services.runtime.ServicesFramework.State;
import io.meso.services.runtime.TaskIds;
import io.meso.v1.TaskState;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tasks: {@code /v2/apps/{id}/tasks[/{taskId}]} (Marathon's {@code AppTasksResource}),
 * {@code GET /v2/tasks} and {@code POST /v2/tasks/delete} ({@code TasksResource}). Killing without
 * {@code scale} lets the app replace the tasks; with {@code scale=true} the app is scaled down by
 * exactly those tasks in a deployment.
 */
final class TaskRoutes {

  private TaskRoutes() {}

  /** GET or DELETE /v2/apps/{id}/tasks, or DELETE /v2/apps/{id}/tasks/{taskId} ({@code taskId} non-null). */
  static Reply appTasks(RoutingContext ctx, State s, PathId appId, String taskId) {
    HttpMethod method = ctx.request().method();
    if (s.services().app(appId).isEmpty()) {
      return AppsRoutes.notFound(appId);
    }
    if (method == HttpMethod.GET && taskId == null) {
      return Reply.json(200, new JsonObject().put("tasks", s.json().tasks(appId)));
    }
    if (method != HttpMethod.DELETE) {
      return Reply.message(405, "Method " + method + " is not allowed on " + ctx.request().path());
    }
    boolean scale = ServicesApi.flag(ctx, "scale", false);
    boolean wipe = ServicesApi.flag(ctx, "wipe", false);
    if (scale && wipe) {
      return Reply.message(400, "You cannot use scale and wipe at the same time.");
    }
    boolean force = ServicesApi.flag(ctx, "force", false);
    if (taskId != null) {
      JsonObject task = s.json().task(taskId);
      if (task == null || !appId.toString().equals(task.getString("appId"))) {
        return Reply.message(404, "Task '" + taskId + "' does not exist");
      }
      if (scale) {
        return AppsRoutes.deployed(s.services().scaleDownKilling(appId, List.of(s.instanceOf(taskId)), force,
            Instant.now()));
      }
      return Reply.json(200, new JsonObject().put("task", s.killTasks(List.of(taskId)).get(0)));
    }
    String host = ctx.request().getParam("host");
    List<String> ids = new ArrayList<>();
    for (Object o : s.json().tasks(appId)) {
      JsonObject t = (JsonObject) o;
      if (host == null || host.equals("*") || host.equals(t.getString("host"))) {
        ids.add(t.getString("id"));
      }
    }
    if (scale) {
      return AppsRoutes.deployed(s.services().scaleDownKilling(appId,
          ids.stream().map(s::instanceOf).toList(), force, Instant.now()));
    }
    return Reply.json(200, new JsonObject().put("tasks", new JsonArray(s.killTasks(ids))));
  }

  /** GET /v2/tasks?status=running|staging (also status[]); other values are ignored. */
  static Reply tasks(RoutingContext ctx, State s) {
    List<TaskState> states = new ArrayList<>();
    List<String> asked = new ArrayList<>(ctx.queryParam("status"));
    asked.addAll(ctx.queryParam("status[]"));
    for (String status : asked) {
      if (status.equalsIgnoreCase("running")) {
        states.add(TaskState.TASK_RUNNING);
      } else if (status.equalsIgnoreCase("staging")) {
        states.add(TaskState.TASK_STAGING);
        states.add(TaskState.TASK_STARTING);
      }
    }
    return Reply.json(200, new JsonObject().put("tasks", Guard.of(ctx).visible(ctx, s.json().tasksIn(states),
        t -> t.getString("appId"))));
  }

  /** POST /v2/tasks/delete?scale=&wipe=&force= with {@code {"ids":[..]}}. */
  static Reply delete(RoutingContext ctx, State s) {
    JsonArray ids;
    try {
      JsonObject body = ctx.body() == null ? null : ctx.body().asJsonObject();
      ids = body == null ? null : body.getJsonArray("ids");
    } catch (DecodeException | ClassCastException e) {
      return Reply.message(400, "Invalid JSON");
    }
    if (ids == null) {
      return Reply.message(400, "Invalid JSON");
    }
    boolean scale = ServicesApi.flag(ctx, "scale", false);
    if (scale && ServicesApi.flag(ctx, "wipe", false)) {
      return Reply.message(400, "You cannot use scale and wipe at the same time.");
    }
    Map<PathId, List<String>> byApp = new LinkedHashMap<>();
    for (Object o : ids) {
      String id = String.valueOf(o);
      PathId appId = TaskIds.appIdOf(id);
      if (!(o instanceof String) || appId == null || TaskIds.instanceIdOf(id) == null) {
        return Reply.message(400, "Invalid task id '" + id + "'");
      }
      // Every app named is checked, whether or not the task still exists.
      Guard.of(ctx).update(ctx, appId, null);
      if (s.instanceOf(id) != null) {
        byApp.computeIfAbsent(appId, k -> new ArrayList<>()).add(id);
      }
    }
    if (!scale) {
      List<String> all = byApp.values().stream().flatMap(List::stream).toList();
      return Reply.json(200, new JsonObject().put("tasks", new JsonArray(s.killTasks(all))));
    }
    // One deployment per app; the answer names the last one.
    Reply reply = Reply.json(200, new JsonObject().put("tasks", new JsonArray()));
    boolean force = ServicesApi.flag(ctx, "force", false);
    for (Map.Entry<PathId, List<String>> e : byApp.entrySet()) {
      Change change = s.services().scaleDownKilling(e.getKey(),
          e.getValue().stream().map(s::instanceOf).toList(), force, Instant.now());
      reply = AppsRoutes.deployed(change);
      if (reply.status() >= 300) {
        return reply;
      }
    }
    return reply;
  }
}
