package io.meso.jobs.runtime;

import java.time.Duration;
import java.time.Instant;

/**
 * One ended attempt of a run (or a run that was dropped without starting), as kept in a job's
 * bounded history: which task, which instant and attempt, on which agent, when it started and
 * ended, how it ended and what the agent said (the exit status is in the message, e.g. "Command
 * exited with status 3").
 *
 * @param startedAt null if the attempt never started
 */
public record RunRecord(String taskId, String job, Instant instant, int attempt,
    Claim.Trigger trigger, String agentId, Instant startedAt, Instant endedAt, Outcome outcome,
    String message) {

  /** How an attempt ended. */
  public enum Outcome {
    /** The task finished (exit 0), or the run was marked successful. */
    SUCCESS,
    /** The task failed, was lost, or overstayed maxCompletionTime. */
    FAILURE,
    /** An operator killed it (task/kill or deleting the job). */
    KILLED,
    /** Dropped before launch: the job was disabled, or another run of a non-concurrent job was active. */
    SKIPPED;

    /** Chronos's {@code ChronosTaskStatus} name for it (Success, Fail, Idle). */
    public String chronosStatus() {
      return switch (this) {
        case SUCCESS -> "Success";
        case FAILURE, KILLED -> "Fail";
        case SKIPPED -> "Idle";
      };
    }
  }

  public RunRecord {
    agentId = agentId == null ? "" : agentId;
    message = message == null ? "" : message;
    instant = Claim.millis(instant);
    startedAt = Claim.millis(startedAt);
    endedAt = Claim.millis(endedAt);
  }

  /** How long the attempt ran, or null if it never started. */
  public Duration duration() {
    return startedAt == null ? null : Duration.between(startedAt, endedAt);
  }
}
