package io.meso.jobs.runtime;

import io.meso.jobs.job.Job;
import io.meso.jobs.schedule.CronSchedule;
import io.meso.jobs.schedule.IsoSchedule;
import io.meso.jobs.schedule.MissedRuns;
import io.meso.jobs.schedule.RunPlan;
import io.meso.v1.TaskID;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time-driven part of scheduling: claims the runs of scheduled jobs that are due (each job's
 * missed-run policy decides what an outage left, see {@link MissedRuns}), then moves the job's
 * cursor past what it decided (for an ISO job the rewritten schedule is the cursor; a cron job
 * has one of its own), always after the claims, so a leader that dies in between leaves the
 * instants to be planned again and found claimed. Also kills runs that overstay
 * maxCompletionTime, and says when to look again.
 */
final class DuePlanner {

  private static final Logger LOG = LoggerFactory.getLogger(DuePlanner.class);
  /** Planning rounds per job per tick (a run-all plan is cut into batches of MissedRuns.MAX_BATCH). */
  private static final int MAX_ROUNDS = 10;

  private final JobsState state;

  DuePlanner(JobsState state) {
    this.state = state;
  }

  /** Claims what is due at {@code now} and kills overstaying runs. */
  void plan(Instant now) {
    for (StoredJob s : List.copyOf(state.jobs.values())) {
      if (s.job().disabled() || s.job().kind() == Job.Kind.DEPENDENT) {
        continue;
      }
      try {
        if (s.job().kind() == Job.Kind.ISO) {
          planIso(s, now);
        } else {
          planCron(s, now);
        }
      } catch (RuntimeException e) {
        LOG.error("cannot plan job={}: {}", s.name(), e.toString());
      }
    }
    killOverstaying(now);
  }

  /**
   * An ISO job: plan from its stored start (its own cursor), claim, then store the schedule
   * rewritten past what was decided (Chronos's skipForward; n drops by the runs launched).
   */
  private void planIso(StoredJob s, Instant now) {
    Job job = s.job();
    IsoSchedule iso = (IsoSchedule) job.parsedSchedule(now);
    for (int round = 0; round < MAX_ROUNDS && !iso.exhausted(); round++) {
      RunPlan plan = MissedRuns.plan(iso, null, now, job.missedRunPolicy(), job.epsilon());
      for (Instant t : plan.launch()) {
        state.claim(job, t, Claim.Trigger.SCHEDULE, "", now);
      }
      IsoSchedule next = iso.afterRuns(plan.launch().size(), plan.handledUpTo());
      if (next.render().equals(job.schedule())) {
        return;
      }
      job = job.withSchedule(next.render());
      iso = next;
      state.putJob(new StoredJob(job, null, s.counted()));
      if (!plan.more()) {
        return;
      }
    }
  }

  /** A cron job: plan from its cursor, claim, then store the cursor if it passed a due instant. */
  private void planCron(StoredJob s, Instant now) {
    Job job = s.job();
    CronSchedule cron = (CronSchedule) job.parsedSchedule(now);
    Instant cursor = s.cursor();
    if (cursor == null) {
      state.putJob(s.withCursor(now));
      return;
    }
    for (int round = 0; round < MAX_ROUNDS; round++) {
      RunPlan plan = MissedRuns.plan(cron, cursor, now, job.missedRunPolicy(), job.epsilon());
      for (Instant t : plan.launch()) {
        state.claim(job, t, Claim.Trigger.SCHEDULE, "", now);
      }
      Optional<Instant> first = cron.nextAfter(cursor);
      if (first.isEmpty() || first.get().isAfter(plan.handledUpTo())) {
        return; // nothing was due: the cursor need not move (nor be written)
      }
      cursor = plan.handledUpTo();
      state.putJob(state.jobs.get(job.name()).withCursor(cursor));
      if (!plan.more()) {
        return;
      }
    }
  }

  private void killOverstaying(Instant now) {
    for (Claim c : List.copyOf(state.claims.values())) {
      Optional<Instant> deadline = deadline(c);
      if (deadline.isPresent() && !c.overstayed() && !deadline.get().isAfter(now)) {
        state.putClaim(c.overstaying());
        LOG.info("killing task={}: it overstayed maxCompletionTime", c.taskId());
        state.effects.kill(TaskID.newBuilder().setValue(c.taskId()).build(), JobsState.agent(c));
      }
    }
  }

  /** When a running attempt overstays its job's maxCompletionTime, if it has one. */
  private Optional<Instant> deadline(Claim c) {
    StoredJob s = state.jobs.get(c.job());
    if (s == null || s.job().maxCompletionTime() <= 0 || c.state() != Claim.State.RUNNING
        || c.startedAt() == null) {
      return Optional.empty();
    }
    return Optional.of(c.startedAt().plusSeconds(s.job().maxCompletionTime()));
  }

  /**
   * When to look again: the earliest next scheduled instant, retry time or maxCompletionTime
   * deadline after {@code now}, and at the latest {@code now + maxSleep}.
   */
  Instant nextWake(Instant now) {
    Instant wake = now.plus(state.options.getMaxSleep());
    for (StoredJob s : state.jobs.values()) {
      if (!s.job().disabled() && s.job().kind() != Job.Kind.DEPENDENT) {
        try {
          Optional<Instant> next = s.job().parsedSchedule(now).nextAfter(now);
          if (next.isPresent() && next.get().isBefore(wake)) {
            wake = next.get();
          }
        } catch (RuntimeException e) {
          LOG.debug("no next run for job={}: {}", s.name(), e.toString());
        }
      }
    }
    for (Claim c : state.claims.values()) {
      if (c.state() == Claim.State.QUEUED && c.notBefore().isAfter(now) && c.notBefore().isBefore(wake)) {
        wake = c.notBefore();
      }
      Optional<Instant> deadline = deadline(c);
      if (deadline.isPresent() && deadline.get().isAfter(now) && deadline.get().isBefore(wake)) {
        wake = deadline.get();
      }
    }
    return wake;
  }
}
