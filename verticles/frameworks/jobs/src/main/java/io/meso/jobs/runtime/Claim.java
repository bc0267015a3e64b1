package io.meso.jobs.runtime;

import java.time.Instant;

/**
 * One run of a job at one instant, from the moment it is due until it ends for good: the
 * (job, instant) claim that is written to the registry under the leader's fencing token before
 * any task of it is launched. Its key is {@link #key(String, Instant)}; a second claim of the same
 * key is never made, which is what keeps an instant from running twice across leaders, and a
 * claim stays in the registry until its run has ended, which is what keeps a due run from being
 * forgotten. Retries are further attempts of the same claim. Immutable.
 *
 * @param arguments the run-now arguments appended to the command ("" for none)
 * @param notBefore the run may not launch before this (a retry's delay)
 * @param agentId the agent the current attempt runs on ("" before it is known)
 * @param startedAt when the current attempt was launched, then when it was first reported running
 *     (null before it was launched)
 * @param killRequested an operator asked to kill the run: its end is a kill, never retried
 * @param overstayed the framework killed the run for exceeding maxCompletionTime: its end is a
 *     failure
 * @param queuedAt when the run became due here
 */
public record Claim(String job, Instant instant, int attempt, String arguments, Trigger trigger,
    State state, Instant notBefore, String agentId, Instant startedAt, boolean killRequested,
    boolean overstayed, Instant queuedAt) {

  /** Why the run exists. */
  public enum Trigger {
    /** Its ISO 8601 or cron schedule. */
    SCHEDULE,
    /** PUT /v1/scheduler/job/{name} (run now). */
    MANUAL,
    /** Its parents completed. */
    DEPENDENCY
  }

  /** Where the current attempt is. */
  public enum State {
    /** Waiting for resources (or for its retry delay, or to be reconciled after a takeover). */
    QUEUED,
    /** Its task was sent to the master; no status seen yet. Stored as QUEUED would be. */
    LAUNCHED,
    /** A status of its task said it is staging, starting or running. */
    RUNNING
  }

  public Claim {
    arguments = arguments == null ? "" : arguments;
    agentId = agentId == null ? "" : agentId;
    // The registry and task ids keep milliseconds: so does the claim, so that it equals itself read back.
    instant = millis(instant);
    notBefore = millis(notBefore);
    startedAt = millis(startedAt);
    queuedAt = millis(queuedAt);
  }

  static Instant millis(Instant t) {
    return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  /** A new claim of {@code job} at {@code instant}, queued at {@code now}. */
  public static Claim queued(String job, Instant instant, Trigger trigger, String arguments,
      Instant now) {
    return new Claim(job, instant, 0, arguments, trigger, State.QUEUED, now, "", null, false,
        false, now);
  }

  /** The registry key of the claim of {@code job} at {@code instant}: {@code <job>@<millis>}. */
  public static String key(String job, Instant instant) {
    return job + "@" + instant.toEpochMilli();
  }

  public String key() {
    return key(job, instant);
  }

  /** The task id of the current attempt. */
  public String taskId() {
    return TaskIds.of(job, instant, attempt);
  }

  /** True while a task of the current attempt may exist (launched or running). */
  public boolean active() {
    return state == State.LAUNCHED || state == State.RUNNING;
  }

  /** The current attempt was sent to the master at {@code now}, for {@code agent}. */
  public Claim launched(String agent, Instant now) {
    return new Claim(job, instant, attempt, arguments, trigger, State.LAUNCHED, notBefore, agent,
        now, killRequested, overstayed, queuedAt);
  }

  /** The current attempt was reported running on {@code agent} at {@code now}. */
  public Claim running(String agent, Instant now) {
    return new Claim(job, instant, attempt, arguments, trigger, State.RUNNING, notBefore,
        agent == null || agent.isEmpty() ? agentId : agent, now, killRequested, overstayed,
        queuedAt);
  }

  /** The current attempt never started (the master does not know its task): queue it again. */
  public Claim requeued() {
    return new Claim(job, instant, attempt, arguments, trigger, State.QUEUED, notBefore, "", null,
        killRequested, overstayed, queuedAt);
  }

  /** The next attempt, launched no earlier than {@code at}. */
  public Claim retry(Instant at) {
    return new Claim(job, instant, attempt + 1, arguments, trigger, State.QUEUED, at, "", null,
        false, false, queuedAt);
  }

  /** This claim with an operator's kill request recorded. */
  public Claim killing() {
    return new Claim(job, instant, attempt, arguments, trigger, state, notBefore, agentId,
        startedAt, true, overstayed, queuedAt);
  }

  /** This claim killed by the framework for overstaying maxCompletionTime. */
  public Claim overstaying() {
    return new Claim(job, instant, attempt, arguments, trigger, state, notBefore, agentId,
        startedAt, killRequested, true, queuedAt);
  }
}
