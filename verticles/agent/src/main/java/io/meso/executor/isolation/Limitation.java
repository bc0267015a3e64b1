package io.meso.executor.isolation;

import io.meso.v1.TaskStatus;
import java.util.Objects;

/**
 * A limit a task ran into, found by an {@link Isolator}: what the task's status says about it.
 *
 * @param reason the status reason (REASON_CONTAINER_LIMITATION_MEMORY, _DISK, or
 *     REASON_CONTAINER_LIMITATION for the others)
 * @param message what happened, naming the limit; it becomes the status message
 * @param effect what the executor does about it
 */
public record Limitation(TaskStatus.Reason reason, String message, Effect effect) {

  /** What a limitation does to its task. */
  public enum Effect {
    /** The task is over a limit it must not pass: it is killed (if still running) and fails with this reason. */
    FAIL,
    /** The task ran into the limit; if it then failed, this is why (its status gets this reason and message). */
    EXPLAINS_FAILURE,
    /** Worth telling while the task runs (a TASK_RUNNING update with the message, once), nothing more. */
    NOTICE
  }

  public Limitation {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(effect, "effect");
  }
}
