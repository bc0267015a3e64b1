package io.meso.api.operator;

import io.meso.codecs.MesosJson;
import io.meso.proto.FrameworkSummary;
import io.meso.proto.GetStateResponse;
import io.meso.proto.GetTaskPageRequest;
import io.meso.proto.GetTaskPageResponse;
import io.meso.proto.TaskSummary;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /state} and {@code /state-summary} written a page of tasks at a time, so that their size
 * never sits in a master's memory: at a million tasks the whole {@code /state} is over a gigabyte
 * of JSON, and building it in one piece filled the leader's heap until the cluster took it for
 * dead. The agents and frameworks come from one {@code GetState}; the tasks from
 * {@code GetTaskPage}, {@value #PAGE} at a time, per framework in launch order, each page asked
 * for only once the response has taken the previous one (the client's pace bounds the memory:
 * one page, encoded off the event loop). A framework's completed tasks, which the master keeps
 * only so many of ({@code --max-completed-tasks}), are held until its active ones are written.
 *
 * <p>The document is the same as when built whole, except that it is not one instant's: tasks
 * launched or ended while it is written may be in it or not. A failure after the first byte
 * cannot change the status any more: the connection is reset, so that a client sees a broken
 * response rather than a short valid one.
 */
final class StateStream {

  private static final Logger LOG = LoggerFactory.getLogger(StateStream.class);
  static final int PAGE = 5_000;

  private final RoutingContext ctx;
  private final MasterClient master;
  private final HttpServerResponse response;
  private final int pageSize;
  private boolean gone;
  private Buffer pendingHead;

  private StateStream(RoutingContext ctx, MasterClient master, int pageSize) {
    this.ctx = ctx;
    this.master = master;
    this.response = ctx.response();
    this.pageSize = pageSize;
    response.closeHandler(v -> gone = true);
  }

  /** Writes {@code /state}. */
  static void state(RoutingContext ctx, MasterClient master, int pageSize) {
    StateStream stream = new StateStream(ctx, master, pageSize);
    master.state().onSuccess(stream::writeState).onFailure(e -> Replies.failed(ctx, e));
  }

  /** Writes {@code /state-summary}: counts tasks page by page, then answers in one piece (its size is per agent). */
  static void stateSummary(RoutingContext ctx, MasterClient master, int pageSize) {
    StateStream stream = new StateStream(ctx, master, pageSize);
    master.state().onSuccess(stream::summarize).onFailure(e -> Replies.failed(ctx, e));
  }

  /**
   * The summary from the master's own counts ({@code GetTaskCounts}: one pass over the tasks on
   * the master, a tenth of a second at a million); from a master that predates that action, by
   * paging through every task and counting here (seconds at a million).
   */
  private void summarize(GetStateResponse state) {
    master.<io.meso.proto.GetTaskCountsResponse>call("GetTaskCounts",
        io.meso.proto.GetTaskCountsRequest.getDefaultInstance()).onSuccess(counts -> {
          Map<String, Map<String, Integer>> byAgent = new HashMap<>();
          Map<String, Map<String, Integer>> byFramework = new HashMap<>();
          for (io.meso.proto.TaskCount c : counts.getByAgentList()) {
            byAgent.computeIfAbsent(c.getId(), k -> new java.util.TreeMap<>())
                .merge(c.getState().name(), (int) c.getCount(), Integer::sum);
          }
          for (io.meso.proto.TaskCount c : counts.getByFrameworkList()) {
            byFramework.computeIfAbsent(c.getId(), k -> new java.util.TreeMap<>())
                .merge(c.getState().name(), (int) c.getCount(), Integer::sum);
          }
          Replies.jsonOffLoop(ctx, 200, () -> MesosJson.stateSummary(state, byAgent, byFramework));
        }).onFailure(e -> {
          if (e instanceof io.vertx.core.eventbus.ReplyException re && re.failureCode() == 400
              && String.valueOf(re.getMessage()).contains("'GetTaskCounts' is unknown")) {
            countThenSummarize(state);
          } else {
            Replies.failed(ctx, e);
          }
        });
  }

  private void writeState(GetStateResponse state) {
    List<FrameworkSummary> frameworks = state.getFrameworksList();
    offLoop(() -> {
      JsonObject head = MesosJson.state(state.toBuilder().clearFrameworks().build(),
          io.meso.proto.GetTasksResponse.getDefaultInstance());
      head.remove("frameworks");
      String encoded = head.encode();
      return Buffer.buffer(encoded.substring(0, encoded.length() - 1) + ",\"frameworks\":[");
    }).onSuccess(head -> {
      start(head);
      framework(frameworks, 0);
    }).onFailure(e -> Replies.failed(ctx, e));
  }

  /** Writes frameworks[index] and its tasks, then the next. */
  private void framework(List<FrameworkSummary> frameworks, int index) {
    if (gone) {
      return;
    }
    if (index == frameworks.size()) {
      end("]}");
      return;
    }
    FrameworkSummary f = frameworks.get(index);
    String id = f.getFrameworkInfo().getId().getValue();
    offLoop(() -> {
      String encoded = MesosJson.v0FrameworkWithoutTasks(f).encode();
      return Buffer.buffer((index == 0 ? "" : ",") + encoded.substring(0, encoded.length() - 1) + ",\"tasks\":[");
    }).onSuccess(head -> {
      write(head);
      tasks(frameworks, index, id);
    }).onFailure(this::broken);
  }

  /** Writes the framework's active tasks, then its completed ones, then the next framework. */
  private void tasks(List<FrameworkSummary> frameworks, int index, String frameworkId) {
    walk(frameworkId, MesosJson::v0TaskJson).onSuccess(done -> {
      write(Buffer.buffer("],\"completed_tasks\":" + done.encode() + "}"));
      afterDrain(() -> framework(frameworks, index + 1));
    }).onFailure(this::broken);
  }

  /**
   * Writes the active tasks of one framework (or of all, with null) as comma-separated JSON, a
   * page at a time in launch order; completes with their completed tasks, which it keeps.
   */
  private Future<JsonArray> walk(String frameworkId, java.util.function.Function<TaskSummary, JsonObject> json) {
    io.vertx.core.Promise<JsonArray> done = io.vertx.core.Promise.promise();
    walk(frameworkId, json, 0, new JsonArray(), true, done);
    return done.future();
  }

  private void walk(String frameworkId, java.util.function.Function<TaskSummary, JsonObject> json, int offset,
      JsonArray completed, boolean first, io.vertx.core.Promise<JsonArray> done) {
    if (gone) {
      done.tryFail("the client went away");
      return;
    }
    page(frameworkId, offset).compose(page -> offLoop(() -> {
      Buffer out = Buffer.buffer(page.getTasksCount() * 600);
      boolean firstHere = first;
      for (TaskSummary t : page.getTasksList()) {
        if (MesosJson.completed(t)) {
          completed.add(json.apply(t));
        } else {
          out.appendString(firstHere ? "" : ",").appendString(json.apply(t).encode());
          firstHere = false;
        }
      }
      return new Written(out, firstHere, page);
    })).onSuccess(w -> {
      write(w.bytes());
      int next = offset + w.page().getTasksCount();
      if (w.page().getMore() && w.page().getTasksCount() > 0) {
        afterDrain(() -> walk(frameworkId, json, next, completed, w.first(), done));
      } else {
        done.tryComplete(completed);
      }
    }).onFailure(done::tryFail);
  }

  /**
   * The v1 operator API's {@code GET_TASKS} (JSON), written a page at a time:
   * {@code {"type":"GET_TASKS","get_tasks":{"tasks":[...],"completed_tasks":[...]}}}.
   */
  static void getTasks(RoutingContext ctx, MasterClient master, int pageSize) {
    StateStream stream = new StateStream(ctx, master, pageSize);
    stream.start(Buffer.buffer("{\"type\":\"GET_TASKS\",\"get_tasks\":{\"tasks\":["));
    stream.walk(null, t -> MesosJson.proto(t.getTask())).onSuccess(completed ->
        stream.end("],\"completed_tasks\":" + completed.encode() + "}}")).onFailure(stream::broken);
  }

  /**
   * The v1 operator API's {@code GET_STATE} (JSON), written a page of tasks at a time; its
   * frameworks and agents come first, its tasks last.
   */
  static void getState(RoutingContext ctx, MasterClient master, int pageSize, JsonObject frameworks,
      JsonObject agents) {
    StateStream stream = new StateStream(ctx, master, pageSize);
    JsonObject head = new JsonObject()
        .put("get_executors", new JsonObject().put("executors", new JsonArray()))
        .put("get_frameworks", frameworks)
        .put("get_agents", agents);
    String encoded = head.encode();
    stream.start(Buffer.buffer("{\"type\":\"GET_STATE\",\"get_state\":" + encoded.substring(0, encoded.length() - 1)
        + ",\"get_tasks\":{\"tasks\":["));
    stream.walk(null, t -> MesosJson.proto(t.getTask())).onSuccess(completed ->
        stream.end("],\"completed_tasks\":" + completed.encode() + "}}}")).onFailure(stream::broken);
  }

  /** The document's first bytes, sent with the first page: until then a failure can still be a plain error status. */
  private void start(Buffer head) {
    pendingHead = head;
  }

  private void end(String tail) {
    if (!gone) {
      write(Buffer.buffer());
      response.end(tail);
    }
  }

  private record Written(Buffer bytes, boolean first, GetTaskPageResponse page) {}

  private void countThenSummarize(GetStateResponse state) {
    Map<String, Map<String, Integer>> byAgent = new HashMap<>();
    Map<String, Map<String, Integer>> byFramework = new HashMap<>();
    count(state, new ArrayList<>(state.getFrameworksList()), 0, 0, byAgent, byFramework);
  }

  private void count(GetStateResponse state, List<FrameworkSummary> frameworks, int index, int offset,
      Map<String, Map<String, Integer>> byAgent, Map<String, Map<String, Integer>> byFramework) {
    if (gone) {
      return;
    }
    if (index == frameworks.size()) {
      Replies.jsonOffLoop(ctx, 200, () -> MesosJson.stateSummary(state, byAgent, byFramework));
      return;
    }
    String id = frameworks.get(index).getFrameworkInfo().getId().getValue();
    page(id, offset).onSuccess(page -> {
      // A page is a few thousand tasks: counting them is quick enough for the event loop.
      MesosJson.countTasks(page.getTasksList(), byAgent, byFramework);
      if (page.getMore() && page.getTasksCount() > 0) {
        count(state, frameworks, index, offset + page.getTasksCount(), byAgent, byFramework);
      } else {
        count(state, frameworks, index + 1, 0, byAgent, byFramework);
      }
    }).onFailure(e -> Replies.failed(ctx, e));
  }

  private Future<GetTaskPageResponse> page(String frameworkId, int offset) {
    GetTaskPageRequest.Builder request = GetTaskPageRequest.newBuilder().setOffset(offset).setLimit(pageSize)
        .setAscending(true);
    if (frameworkId != null) {
      request.setFrameworkId(frameworkId);
    }
    return master.<GetTaskPageResponse>call("GetTaskPage", request.build());
  }

  private void write(Buffer bytes) {
    if (gone) {
      return;
    }
    if (pendingHead != null) {
      Buffer head = pendingHead;
      pendingHead = null;
      response.setChunked(true).setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      write(head);
    }
    if (bytes.length() > 0) {
      response.write(bytes);
    }
  }

  /** Runs next once the response has taken what was written (the client reads at its pace). */
  private void afterDrain(Runnable next) {
    if (response.writeQueueFull()) {
      response.drainHandler(v -> {
        response.drainHandler(null);
        next.run();
      });
    } else {
      next.run();
    }
  }

  private <T> Future<T> offLoop(Callable<T> work) {
    return ctx.vertx().executeBlocking(work, false);
  }

  private void broken(Throwable e) {
    if (gone) {
      return;
    }
    if (!response.headWritten()) {
      Replies.failed(ctx, e);
      return;
    }
    LOG.warn("writing {} failed after it started; resetting the connection: {}", ctx.request().path(),
        MasterClient.message(e));
    gone = true;
    response.reset();
  }
}
