package io.meso.agent;

import com.google.protobuf.ByteString;
import io.meso.executor.TaskCheckpoint;
import io.meso.internal.StatusUpdate;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's writes to its tasks' checkpoints ({@link TaskCheckpoint}, under
 * {@code <workDir>}), so that a restarted agent can take its tasks back: the status updates
 * and their acknowledgements, and the removal of a task once its terminal update was
 * acknowledged. Tasks are checkpointed only by the process executor with
 * {@link AgentOptions#isCheckpoint()}; otherwise nothing is written. The writes run on one
 * worker thread, so that a task's records are written in the order they happened; a failed
 * write is logged, not fatal. Writes asked for while a batch is being written are written
 * together as the next batch, in order, by one blocking call (a burst of launches and updates
 * no longer pays a hand-off to the worker and back per record); each write's future completes
 * once that write is done, as before, so nothing waits longer than its own batch. Event-loop
 * confined.
 */
final class TaskCheckpoints {

  private static final Logger LOG = LoggerFactory.getLogger(TaskCheckpoints.class);

  /** A blocking checkpoint write. */
  private interface Write {
    void write() throws Exception;
  }

  private final Vertx vertx;
  private final Path workDir;
  /** One thread, so that a task's checkpoint records are written in the order they happened; null when disabled. */
  private final WorkerExecutor checkpointer;
  /** Writes asked for while a batch is being written: the next batch. */
  private final ArrayDeque<Pending> queued = new ArrayDeque<>();
  private boolean writing;

  /** A write and who waits for it. */
  private record Pending(Write write, Promise<Void> done) {}

  TaskCheckpoints(Vertx vertx, String agentId, Path workDir, boolean enabled) {
    this.vertx = vertx;
    this.workDir = workDir;
    this.checkpointer = enabled ? vertx.createSharedWorkerExecutor("meso-checkpoint-" + agentId, 1) : null;
  }

  /** Whether tasks are checkpointed (process executor and {@link AgentOptions#isCheckpoint()}). */
  static boolean enabled(AgentOptions options) {
    return options.isCheckpoint() && options.getExecutorMode() == ExecutorMode.PROCESS;
  }

  boolean enabled() {
    return checkpointer != null;
  }

  /** The task's checkpoint directory. */
  Path dir(TaskKey key) {
    return TaskCheckpoint.dir(workDir, key.frameworkId(), key.taskId());
  }

  /** Appends a status update to the task's log; completes (successful or not) once written. */
  Future<Void> appendUpdate(TaskKey key, StatusUpdate update) {
    Path dir = dir(key);
    return write(() -> TaskCheckpoint.appendUpdate(dir, update), key);
  }

  /**
   * Records the acknowledgement of the task's update {@code uuid}; when {@code done} (its terminal
   * update acknowledged, nothing left to send) removes the task's checkpoint instead.
   */
  void acknowledged(TaskKey key, ByteString uuid, boolean done) {
    Path dir = dir(key);
    write(() -> {
      if (done) {
        TaskCheckpoint.remove(dir);
      } else {
        TaskCheckpoint.appendAck(dir, uuid);
      }
    }, key);
  }

  /** Removes a recovered task's checkpoint at {@code dir}. */
  void remove(TaskKey key, Path dir) {
    write(() -> TaskCheckpoint.remove(dir), key);
  }

  /**
   * Removes the agent's identity and every task checkpoint ({@link AgentIdentity#forget}),
   * after the writes already queued.
   */
  Future<Void> forgetIdentity() {
    Path dir = workDir;
    return checkpointer != null
        ? enqueue(() -> AgentIdentity.forget(dir))
        : vertx.executeBlocking(() -> AgentIdentity.forget(dir), false);
  }

  /** Closes the checkpoint thread once every write asked for so far is written. */
  Future<Void> close() {
    if (checkpointer == null) {
      return Future.succeededFuture();
    }
    return enqueue(() -> { }).transform(ar -> checkpointer.close());
  }

  /** Runs a checkpoint write on the agent's single checkpoint thread, in order; a failure is logged, not fatal. */
  private Future<Void> write(Write write, TaskKey key) {
    return enqueue(write).onFailure(e -> LOG.warn("cannot checkpoint task {} work_dir={} error={}: a restarted agent may not "
        + "recover it", key, workDir, e.toString()));
  }

  /** Queues a write after every write asked for before it; it fails with what the write threw. */
  private Future<Void> enqueue(Write write) {
    Promise<Void> done = Promise.promise();
    queued.add(new Pending(write, done));
    if (!writing) {
      writeBatch();
    }
    return done.future();
  }

  /** Writes everything queued in one blocking call, then the next batch if more was queued meanwhile. */
  private void writeBatch() {
    List<Pending> batch = new ArrayList<>(queued);
    queued.clear();
    writing = true;
    checkpointer.<List<Throwable>>executeBlocking(() -> {
      List<Throwable> outcomes = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        Throwable failure = null;
        try {
          p.write().write();
        } catch (Exception e) {
          failure = e;
        }
        outcomes.add(failure);
      }
      return outcomes;
    }, true).onComplete(ar -> {
      for (int i = 0; i < batch.size(); i++) {
        Throwable failure = ar.failed() ? ar.cause() : ar.result().get(i);
        if (failure == null) {
          batch.get(i).done().complete();
        } else {
          batch.get(i).done().fail(failure);
        }
      }
      writing = false;
      if (!queued.isEmpty()) {
        writeBatch();
      }
    });
  }
}
