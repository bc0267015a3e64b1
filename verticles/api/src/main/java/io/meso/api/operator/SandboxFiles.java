package io.meso.api.operator;

import static io.meso.api.operator.Replies.failed;
import static io.meso.api.operator.Replies.json;
import static io.meso.api.operator.Replies.text;

import com.google.protobuf.ByteString;
import io.meso.proto.ListFilesRequest;
import io.meso.proto.ListFilesResponse;
import io.meso.proto.ReadFileRequest;
import io.meso.proto.ReadFileResponse;
import io.meso.proto.SandboxFile;
import io.meso.v1.FrameworkID;
import io.meso.v1.TaskID;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox file proxy, Mesos-shaped: {@code /files/browse}, {@code /files/read} and
 * {@code /files/download} with {@code task_id}, optional {@code framework_id} and a path
 * relative to the task's sandbox. The master forwards ListFiles and ReadFile to the task's
 * agent; a download streams the file in 1 MiB chunks under a {@link ContentDisposition} header.
 * Paths that are absolute or leave the sandbox are refused here (403) before any master is asked.
 */
final class SandboxFiles {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxFiles.class);
  private static final long MAX_READ = 1 << 20;

  private final MasterClient master;

  SandboxFiles(MasterClient master) {
    this.master = master;
  }

  void mount(Router router) {
    router.get("/files/browse").handler(this::browse);
    router.get("/files/read").handler(this::read);
    router.get("/files/download").handler(this::download);
  }

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
    master.as(ctx).<ListFilesResponse>call("ListFiles", request.build()).onSuccess(r -> {
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

  private Future<ReadFileResponse> readChunk(RoutingContext ctx, FileTarget target, long offset, long length) {
    ReadFileRequest.Builder request = ReadFileRequest.newBuilder().setTaskId(target.taskId())
        .setPath(target.path()).setOffset(offset).setLength(length);
    if (target.frameworkId() != null) {
      request.setFrameworkId(target.frameworkId());
    }
    return master.as(ctx).call("ReadFile", request.build());
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
      readChunk(ctx, target, 0, 0).onSuccess(r -> json(ctx, 200, new JsonObject().put("data", "").put("offset", r.getSize())))
          .onFailure(e -> failed(ctx, e));
      return;
    }
    readChunk(ctx, target, offset, Math.min(length, MAX_READ))
        .onSuccess(r -> json(ctx, 200, new JsonObject().put("data", r.getData().toStringUtf8()).put("offset", r.getOffset())))
        .onFailure(e -> failed(ctx, e));
  }

  private void download(RoutingContext ctx) {
    FileTarget target = target(ctx, true);
    if (target == null) {
      return;
    }
    readChunk(ctx, target, 0, MAX_READ).onSuccess(first -> {
      String name = target.path().substring(target.path().lastIndexOf('/') + 1);
      HttpServerResponse response = ctx.response().setChunked(true).setStatusCode(200)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
          .putHeader("Content-Disposition", ContentDisposition.attachment(name));
      Promise<Void> done = Promise.promise();
      writeChunks(ctx, response, target, first, done);
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

  private void writeChunks(RoutingContext ctx, HttpServerResponse response, FileTarget target, ReadFileResponse chunk, Promise<Void> done) {
    ByteString data = chunk.getData();
    if (data.isEmpty() || response.closed()) {
      done.tryComplete();
      return;
    }
    long next = chunk.getOffset() + data.size();
    response.write(Buffer.buffer(data.toByteArray())).compose(v -> readChunk(ctx, target, next, MAX_READ))
        .onSuccess(c -> writeChunks(ctx, response, target, c, done))
        .onFailure(done::tryFail);
  }
}
