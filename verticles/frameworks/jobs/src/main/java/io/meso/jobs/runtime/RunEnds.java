package io.meso.jobs.runtime;

import io.meso.codecs.TaskStates;
import io.meso.jobs.graph.Dependencies;
import io.meso.jobs.job.Job;
import io.meso.jobs.schedule.IsoSchedule;
import io.meso.v1.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a task status means for its run ({@link TaskOutcome}), and what a run's end changes:
 * a retry after the delay, or the job's counters, lastSuccess/lastError, disabling, the children
 * now due, and the history. Everything a status changes is stored before it is acknowledged; a
 * final end already in the history (its update came again after a failover) is not counted
 * twice. A running task of no claim is killed.
 */
final class RunEnds {

  private static final Logger LOG = LoggerFactory.getLogger(RunEnds.class);

  private final JobsState state;

  RunEnds(JobsState state) {
    this.state = state;
  }

  /** A status of one of the framework's tasks (an update or a reconciliation answer). */
  void update(TaskStatus status, Instant now) {
    String taskId = status.getTaskId().getValue();
    TaskIds.Parsed p = TaskIds.parse(taskId);
    Claim c = p == null ? null : state.claims.get(p.claimKey());
    if (c == null || c.attempt() != p.attempt()) {
      if (!TaskStates.isTerminal(status.getState())) {
        LOG.info("killing task={}: it belongs to no run of a job", taskId);
        state.effects.kill(status.getTaskId(), status.hasAgentId() ? status.getAgentId() : null);
      }
      state.effects.acknowledge(status);
      return;
    }
    boolean reconciliation = status.getReason() == TaskStatus.Reason.REASON_RECONCILIATION;
    TaskOutcome outcome = TaskOutcome.of(status.getState(), c.state() == Claim.State.RUNNING);
    if (outcome == TaskOutcome.NOT_LAUNCHED && reconciliation && !state.unverified.contains(c.key())) {
      // A late answer to an earlier reconciliation: this leader has relaunched the run since.
      state.effects.acknowledge(status);
      return;
    }
    if (outcome != TaskOutcome.WAIT) {
      state.unverified.remove(c.key());
    }
    String message = status.getMessage();
    switch (outcome) {
      case ACTIVE -> {
        if (c.state() != Claim.State.RUNNING) {
          state.putClaim(c.running(status.hasAgentId() ? status.getAgentId().getValue() : "", now));
        }
      }
      case WAIT -> { }
      case NOT_LAUNCHED -> {
        if (c.killRequested()) {
          killed(c, now, "killed before it started");
        } else {
          LOG.info("task={} never started ({}): queued again", taskId, status.getState());
          state.replaceClaim(c.requeued());
        }
      }
      case SUCCESS -> succeeded(c, message, now);
      case FAILURE -> failed(c, message, now);
      case KILLED -> {
        if (c.killRequested()) {
          killed(c, now, message);
        } else {
          failed(c, c.overstayed() ? "killed after overstaying maxCompletionTime ("
              + maxCompletionTime(c) + " s)" : message, now);
        }
      }
    }
    state.effects.acknowledge(status);
  }

  private long maxCompletionTime(Claim c) {
    StoredJob s = state.jobs.get(c.job());
    return s == null ? 0 : s.job().maxCompletionTime();
  }

  private void succeeded(Claim c, String message, Instant now) {
    if (state.recorded(c)) {
      state.removeClaim(c);
      return;
    }
    StoredJob s = state.jobs.get(c.job());
    if (s != null) {
      Job j = s.job();
      if (!s.counted().contains(c.taskId())) {
        boolean exhausted = j.kind() == Job.Kind.ISO && ((IsoSchedule) j.parsedSchedule(now)).exhausted();
        state.putJob(s.withJob(j.withStats(j.successCount() + 1, j.errorCount(), 0,
            JobsState.timestamp(now), j.lastError(), j.disabled() || exhausted)).withCounted(countedWith(c)));
      }
      parentFinished(c.job(), c.taskId(), true, j.softError(), c.instant(), now);
    }
    state.addHistory(JobsState.record(c, RunRecord.Outcome.SUCCESS, message, now));
    state.removeClaim(c);
  }

  /**
   * A failed attempt: retried after the retry delay while attempts are left (retries 0: none),
   * else the run failed: errorCount and errorsSinceLastSuccess grow, the job is disabled after
   * {@link JobsOptions#getDisableAfterFailures()} failures in a row, and with softError the
   * children still count it as a completion. Unlike Chronos, a job whose previous run failed
   * gets its retries too (Chronos skipped them when lastError was after lastSuccess).
   */
  void failed(Claim c, String message, Instant now) {
    StoredJob s = state.jobs.get(c.job());
    if (s != null && !c.killRequested() && c.attempt() < s.job().retries()) {
      // The retry is stored first: the same update seen again belongs to a superseded attempt.
      Claim retry = c.retry(now.plus(state.options.getRetryDelay()));
      state.putClaim(retry);
      state.addHistory(JobsState.record(c, RunRecord.Outcome.FAILURE, message, now));
      LOG.info("task={} failed; attempt {} of job={} at {}", c.taskId(), retry.attempt(), c.job(),
          retry.notBefore());
      return;
    }
    if (state.recorded(c)) {
      state.removeClaim(c);
      return;
    }
    if (s != null) {
      Job j = s.job();
      long inARow = j.errorsSinceLastSuccess() + 1;
      int limit = state.options.getDisableAfterFailures();
      boolean disable = limit > 0 && inARow >= limit;
      if (disable && !j.disabled()) {
        LOG.warn("disabling job={} after {} failures in a row", j.name(), inARow);
      }
      if (!s.counted().contains(c.taskId())) {
        state.putJob(s.withJob(j.withStats(j.successCount(), j.errorCount() + 1, inARow,
            j.lastSuccess(), JobsState.timestamp(now), j.disabled() || disable)).withCounted(countedWith(c)));
      }
      if (j.softError()) {
        parentFinished(c.job(), c.taskId(), false, true, c.instant(), now);
      }
    }
    state.addHistory(JobsState.record(c, RunRecord.Outcome.FAILURE, message, now));
    state.removeClaim(c);
  }

  /**
   * The job's counted runs once {@code c}'s end is counted: {@code c}'s task id, and those of the
   * runs counted before whose claims are still stored (the others' ends are in the history).
   */
  private List<String> countedWith(Claim c) {
    List<String> out = new ArrayList<>();
    StoredJob s = state.jobs.get(c.job());
    java.util.Set<String> claimed = new java.util.HashSet<>();
    state.claimsOf(c.job()).forEach(other -> claimed.add(other.taskId()));
    for (String taskId : s == null ? List.<String>of() : s.counted()) {
      if (claimed.contains(taskId) && !taskId.equals(c.taskId())) {
        out.add(taskId);
      }
    }
    out.add(c.taskId());
    return out;
  }

  void killed(Claim c, Instant now, String message) {
    state.addHistory(JobsState.record(c, RunRecord.Outcome.KILLED, message, now));
    state.removeClaim(c);
  }

  /** Drops a queued run without launching it (disabled job, or overlap of a non-concurrent job). */
  void skip(Claim c, Instant now, String why) {
    LOG.info("dropping run job={} instant={}: {}", c.job(), c.instant(), why);
    state.addHistory(JobsState.record(c, RunRecord.Outcome.SKIPPED, why, now));
    state.removeClaim(c);
  }

  /**
   * A parent completed: the children now due are claimed, at the parent run's {@code instant},
   * so that the same completion seen again (after a failover) claims the same (child, instant),
   * and the edges mark the run ({@code run}, null for a completion by hand) so that they do not
   * count it twice.
   */
  void parentFinished(String parent, String run, boolean succeeded, boolean softError, Instant instant,
      Instant now) {
    java.util.Set<String> live = new java.util.HashSet<>();
    state.claimsOf(parent).forEach(other -> live.add(other.taskId()));
    Dependencies.Transition t = state.deps().parentFinished(parent, run, live, succeeded, softError);
    state.setDependencies(t.state());
    for (String child : t.dueChildren()) {
      StoredJob cs = state.jobs.get(child);
      if (cs != null && !cs.job().disabled()) {
        state.claim(cs.job(), instant, Claim.Trigger.DEPENDENCY, "", now);
      }
    }
  }
}
