package io.meso.scheduler;

import io.meso.proto.ReadFileRequest;
import io.meso.proto.ReadFileResponse;
import io.meso.v1.FrameworkID;
import io.meso.v1.TaskID;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one file of a task's sandbox ("stdout", "stderr") through the Operator ReadFile call:
 * polls from the last offset while the task runs, and on {@link #finish()} reads whatever is
 * left, so that no output written before the task ended is lost.
 *
 * <p>Reads are strictly sequential (one in flight), so chunks reach the sink in file order.
 * A file that does not exist yet (404: the task has not started) is retried at the next poll.
 */
public final class SandboxTail {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxTail.class);

  public static final long DEFAULT_INTERVAL_MILLIS = 100;
  /** Bytes asked for per read; a full chunk means more may follow at once. */
  static final int CHUNK = 64 * 1024;
  /** Failed reads tolerated while draining after the task ended (the file may never have existed). */
  private static final int FINAL_ATTEMPTS = 3;

  private final Vertx vertx;
  private final Function<ReadFileRequest, Future<ReadFileResponse>> reader;
  private final FrameworkID frameworkId;
  private final TaskID taskId;
  private final String path;
  private final long intervalMillis;
  private final Handler<byte[]> sink;
  private long offset;
  private boolean stopped;
  private long timer = -1;
  private Future<Void> inFlight = Future.succeededFuture();

  public SandboxTail(Vertx vertx, Function<ReadFileRequest, Future<ReadFileResponse>> reader, FrameworkID frameworkId,
      TaskID taskId, String path, long intervalMillis, Handler<byte[]> sink) {
    this.vertx = vertx;
    this.reader = reader;
    this.frameworkId = frameworkId;
    this.taskId = taskId;
    this.path = path;
    this.intervalMillis = intervalMillis;
    this.sink = sink;
  }

  /** Starts polling (call on the Vert.x context the tail should run on). */
  public synchronized void start() {
    schedule();
  }

  /** Stops polling and reads the rest of the file; completes once everything is delivered. */
  public Future<Void> finish() {
    Future<Void> previous;
    synchronized (this) {
      stopped = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      previous = inFlight;
    }
    return previous.transform(ar -> drain(FINAL_ATTEMPTS));
  }

  /** Bytes delivered so far. */
  public synchronized long offset() {
    return offset;
  }

  private synchronized void schedule() {
    if (!stopped) {
      timer = vertx.setTimer(intervalMillis, id -> poll());
    }
  }

  private void poll() {
    Future<Void> read;
    synchronized (this) {
      timer = -1;
      if (stopped) {
        return;
      }
      read = readUntilShort();
      inFlight = read;
    }
    read.onComplete(ar -> {
      if (ar.failed()) {
        LOG.debug("read failed task={} path={}: {}", taskId.getValue(), path, ar.cause().getMessage());
      }
      schedule();
    });
  }

  /** Reads chunks until one comes back short (the end of what has been written so far). */
  private Future<Void> readUntilShort() {
    ReadFileRequest request;
    synchronized (this) {
      request = ReadFileRequest.newBuilder()
          .setFrameworkId(frameworkId)
          .setTaskId(taskId)
          .setPath(path)
          .setOffset(offset)
          .setLength(CHUNK)
          .build();
    }
    Future<ReadFileResponse> read;
    try {
      read = reader.apply(request);
    } catch (RuntimeException e) {
      // A reader that throws (its client already closed) fails this read like any other.
      read = Future.failedFuture(e);
    }
    return read.compose(resp -> {
      int n = resp.getData().size();
      if (n > 0) {
        synchronized (this) {
          offset += n;
        }
        sink.handle(resp.getData().toByteArray());
      }
      return n >= CHUNK ? readUntilShort() : Future.<Void>succeededFuture();
    });
  }

  private Future<Void> drain(int attemptsLeft) {
    return readUntilShort().recover(err -> {
      if (attemptsLeft <= 1 || err instanceof ApiException api && api.code() == ApiException.NOT_FOUND) {
        LOG.debug("giving up reading task={} path={}: {}", taskId.getValue(), path, err.getMessage());
        return Future.succeededFuture();
      }
      Promise<Void> retry = Promise.promise();
      vertx.setTimer(intervalMillis, id -> drain(attemptsLeft - 1).onComplete(retry));
      return retry.future();
    });
  }
}
