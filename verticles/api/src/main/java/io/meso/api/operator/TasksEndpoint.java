package io.meso.api.operator;

import static io.meso.api.operator.Replies.failed;
import static io.meso.api.operator.Replies.jsonOffLoop;
import static io.meso.api.operator.Replies.text;

import io.meso.codecs.MesosJson;
import io.meso.proto.GetTaskPageRequest;
import io.meso.proto.GetTaskPageResponse;
import io.meso.v1.TaskState;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;

/**
 * Mesos's paged task list, {@code GET /tasks} (also {@code /tasks.json}, {@code /master/tasks},
 * {@code /master/tasks.json}): {@code {"tasks": [...]}} with the same task objects as
 * {@code /state}, newest first by launch (Mesos: the first status's timestamp) unless
 * {@code order=asc}, {@code offset} matching tasks skipped and at most {@code limit} (default 100)
 * returned, optionally only of {@code framework_id} and {@code task_id}. Meso adds
 * {@code task_id_prefix} and {@code state} filters (for the web UI) and the number of matching
 * tasks in the {@value #TOTAL_HEADER} header when known (whether a next page exists in
 * {@value #MORE_HEADER}).
 *
 * <p>The master builds only the page ({@code GetTaskPage}), so a page costs the same at a
 * million tasks as at a hundred, unlike {@code /state}. Unlike Mesos, which silently falls back
 * to the defaults, a bad {@code limit}, {@code offset} or {@code order} is a 400 naming the
 * parameter, its value and what is allowed.
 */
final class TasksEndpoint {

  /**
   * Response header: how many tasks match the query's filters, when the master knows it without
   * counting (the caller may view every task; no {@code state} or {@code task_id_prefix}); absent
   * otherwise.
   */
  static final String TOTAL_HEADER = "X-Total-Count";
  /** Response header: whether more matching tasks follow this page ("true" or "false"). */
  static final String MORE_HEADER = "X-Has-More";
  static final int DEFAULT_LIMIT = 100;
  private static final List<String> STATES = Arrays.stream(TaskState.values()).map(Enum::name).toList();

  private final MasterClient master;

  TasksEndpoint(MasterClient master) {
    this.master = master;
  }

  void mount(Router router) {
    for (String path : List.of("/tasks", "/tasks.json", "/master/tasks", "/master/tasks.json")) {
      router.get(path).handler(this::tasks);
    }
  }

  private void tasks(RoutingContext ctx) {
    GetTaskPageRequest request;
    try {
      request = parse(ctx);
    } catch (IllegalArgumentException e) {
      text(ctx, 400, e.getMessage());
      return;
    }
    master.as(ctx).<GetTaskPageResponse>call("GetTaskPage", request)
        .onSuccess(page -> {
          if (page.hasTotal()) {
            ctx.response().putHeader(TOTAL_HEADER, Long.toString(page.getTotal()));
          }
          ctx.response().putHeader(MORE_HEADER, Boolean.toString(page.getMore()));
          jsonOffLoop(ctx, 200, () -> MesosJson.taskPage(page));
        })
        .onFailure(e -> failed(ctx, e));
  }

  /** The query as a master request; an {@link IllegalArgumentException} names what is wrong. */
  static GetTaskPageRequest parse(RoutingContext ctx) {
    GetTaskPageRequest.Builder request = GetTaskPageRequest.newBuilder()
        .setLimit(count(ctx, "limit", DEFAULT_LIMIT))
        .setOffset(count(ctx, "offset", 0));
    String order = ctx.request().getParam("order");
    if (order != null && !order.equals("asc") && !order.equals("desc")) {
      throw new IllegalArgumentException("query parameter order is '" + shorten(order) + "'; expected asc or desc");
    }
    request.setAscending("asc".equals(order));
    String frameworkId = ctx.request().getParam("framework_id");
    if (frameworkId != null && !frameworkId.isEmpty()) {
      request.setFrameworkId(frameworkId);
    }
    String taskId = ctx.request().getParam("task_id");
    if (taskId != null && !taskId.isEmpty()) {
      request.setTaskId(taskId);
    }
    String prefix = ctx.request().getParam("task_id_prefix");
    if (prefix != null && !prefix.isEmpty()) {
      request.setTaskIdPrefix(prefix);
    }
    String state = ctx.request().getParam("state");
    if (state != null && !state.isEmpty()) {
      if (!STATES.contains(state)) {
        throw new IllegalArgumentException("query parameter state is '" + shorten(state) + "'; expected one of "
            + String.join(", ", STATES));
      }
      request.setState(TaskState.valueOf(state));
    }
    return request.build();
  }

  private static int count(RoutingContext ctx, String name, int fallback) {
    String raw = ctx.request().getParam(name);
    if (raw == null) {
      return fallback;
    }
    int value;
    try {
      value = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      value = -1;
    }
    if (value < 0) {
      throw new IllegalArgumentException("query parameter " + name + " is '" + shorten(raw)
          + "'; expected an integer from 0 to " + Integer.MAX_VALUE);
    }
    return value;
  }

  private static String shorten(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
