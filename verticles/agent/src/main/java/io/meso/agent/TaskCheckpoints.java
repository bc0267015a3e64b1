package io.meso.agent;

import com.google.protobuf.ByteString;
import io.meso.executor.TaskCheckpoint;
import io.meso.internal.StatusUpdate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's writes to its tasks' checkpoints ({@link TaskCheckpoint}, under
 * {@code <workDir>}), so that a restarted agent can take its tasks back: the status updates
 * and their acknowledgements, and the removal of a task once its terminal update was
 * acknowledged. Tasks are checkpointed only by the process executor with
 * {@link AgentOptions#isCheckpoint()}; otherwise nothing is written. The writes run on one
 * worker thread, so that a task's records are written in the order they happened; a failed
 * write is logged, not fatal. Event-loop confined.
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
        ? checkpointer.executeBlocking(() -> AgentIdentity.forget(dir), true)
        : vertx.executeBlocking(() -> AgentIdentity.forget(dir), false);
  }

  Future<Void> close() {
    return checkpointer == null ? Future.succeededFuture() : checkpointer.close();
  }

  /** Runs a checkpoint write on the agent's single checkpoint thread, in order; a failure is logged, not fatal. */
  private Future<Void> write(Write write, TaskKey key) {
    return checkpointer.<Void>executeBlocking(() -> {
      write.write();
      return null;
    }, true).onFailure(e -> LOG.warn("cannot checkpoint task {} work_dir={} error={}: a restarted agent may not "
        + "recover it", key, workDir, e.toString()));
  }
}
