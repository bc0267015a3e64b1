package io.meso.agent;

import io.meso.proto.ListFilesRequest;
import io.meso.proto.ReadFileRequest;
import io.vertx.core.eventbus.Message;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Answers the master's ReadFileRequest and ListFilesRequest for an agent: finds the task's
 * sandbox (a live task, or one of the last {@link #COMPLETED_KEPT} finished ones; the framework
 * id is optional), does the IO with {@link SandboxFiles} on the agent's own bounded
 * {@link SandboxIo} pool, and replies, or fails the request with an HTTP-style code: 400 bad
 * request, 403 outside the sandbox or not a regular file, 404 unknown task or file, 500 IO
 * error, 503 too many reads at once, 504 a read that did not finish in time. Event-loop confined.
 */
final class SandboxRequests {

  /** How many finished tasks' sandboxes stay browsable after their terminal update was acknowledged. */
  static final int COMPLETED_KEPT = 1000;

  private final SandboxIo io;
  private final String agentId;
  /** (framework id or null, task id) -> the sandbox of a live task, or null. */
  private final BiFunction<String, String, Path> live;
  private final Map<TaskKey, Path> completed = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<TaskKey, Path> eldest) {
      return size() > COMPLETED_KEPT;
    }
  };

  SandboxRequests(SandboxIo io, String agentId, BiFunction<String, String, Path> live) {
    this.io = io;
    this.agentId = agentId;
    this.live = live;
  }

  /** Keeps a forgotten task's sandbox browsable. */
  void completed(TaskKey key, Path sandbox) {
    completed.put(key, sandbox);
  }

  /** The task id is in use again: its old sandbox entry goes. */
  void relaunched(TaskKey key) {
    completed.remove(key);
  }

  void read(Message<Object> msg, ReadFileRequest read) {
    serve(msg, read.hasFrameworkId() ? read.getFrameworkId().getValue() : null, read.getTaskId().getValue(),
        read.getPath(), sandbox -> () -> SandboxFiles.read(sandbox, read.getPath(), read.getOffset(), read.getLength()));
  }

  void list(Message<Object> msg, ListFilesRequest list) {
    serve(msg, list.hasFrameworkId() ? list.getFrameworkId().getValue() : null, list.getTaskId().getValue(),
        list.getPath(), sandbox -> () -> SandboxFiles.list(sandbox, list.getPath()));
  }

  private void serve(Message<Object> msg, String frameworkId, String taskId, String path,
      Function<Path, Callable<Object>> work) {
    if (taskId.isEmpty()) {
      msg.fail(400, "task_id is required");
      return;
    }
    String framework = frameworkId == null || frameworkId.isEmpty() ? null : frameworkId;
    Path sandbox = sandboxOf(framework, taskId);
    if (sandbox == null) {
      msg.fail(404, "unknown task '" + taskId + "'" + (framework == null ? "" : " of framework " + framework)
          + " on agent " + agentId);
      return;
    }
    io.submit("'" + path + "' of task '" + taskId + "'", work.apply(sandbox)).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else if (ar.cause() instanceof SandboxFiles.Refusal refusal) {
        msg.fail(refusal.code, refusal.getMessage());
      } else {
        msg.fail(500, String.valueOf(ar.cause()));
      }
    });
  }

  private Path sandboxOf(String frameworkId, String taskId) {
    Path sandbox = live.apply(frameworkId, taskId);
    if (sandbox != null) {
      return sandbox;
    }
    if (frameworkId != null) {
      return completed.get(new TaskKey(frameworkId, taskId));
    }
    Path found = null;
    for (Map.Entry<TaskKey, Path> e : completed.entrySet()) {
      if (e.getKey().taskId().equals(taskId)) {
        if (found != null) {
          return null; // several frameworks' tasks have this id: the request must name its framework
        }
        found = e.getValue();
      }
    }
    return found;
  }
}
