package io.meso.jobs.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides which due instants to launch, given the last instant already handled and now. Pure:
 * the runtime persists {@link RunPlan#handledUpTo()} (for an ISO schedule the rewritten string
 * carries it: {@code iso.afterRuns(plan.launch().size(), plan.handledUpTo())}).
 *
 * <p>Epsilon follows Chronos 2.x (an occurrence older than now - epsilon was skipped) read as
 * "start no later than instant + epsilon", the property Jepsen checked.
 */
public final class MissedRuns {
  /** SKIP's on-time window when the job sets no epsilon: Chronos 2.x's --task_epsilon default. */
  public static final Duration DEFAULT_SKIP_GRACE = Duration.ofSeconds(60);
  /** Most instants one run-all plan launches; the rest follow in the next call. */
  public static final int MAX_BATCH = 1000;

  private MissedRuns() {}

  /**
   * Plans launches for the instants in {@code (handledUpTo, now]}.
   *
   * @param handledUpTo the last instant already decided; null for "none yet" (an ISO schedule
   *     then starts at its start; a cron job should pass its creation time instead)
   * @param epsilon the job's epsilon, or null for none
   */
  public static RunPlan plan(Schedule schedule, Instant handledUpTo, Instant now,
      MissedRunPolicy policy, Duration epsilon) {
    if (handledUpTo != null && !now.isAfter(handledUpTo)) {
      return new RunPlan(List.of(), handledUpTo, false);
    }
    return switch (policy) {
      case RUN_ALL -> runAll(schedule, handledUpTo, now, epsilon);
      case RUN_ONCE -> latest(schedule, handledUpTo, now, epsilon);
      case SKIP -> latest(schedule, handledUpTo, now,
          epsilon == null ? DEFAULT_SKIP_GRACE : epsilon);
    };
  }

  private static RunPlan runAll(Schedule schedule, Instant handledUpTo, Instant now,
      Duration epsilon) {
    List<Instant> due = schedule.dueIn(handledUpTo, now, MAX_BATCH + 1);
    boolean more = due.size() > MAX_BATCH;
    if (more) {
      due = due.subList(0, MAX_BATCH);
    }
    List<Instant> launch = new ArrayList<>();
    for (Instant t : due) {
      if (onTime(t, now, epsilon)) {
        launch.add(t);
      }
    }
    return new RunPlan(launch, more ? due.get(due.size() - 1) : now, more);
  }

  private static RunPlan latest(Schedule schedule, Instant handledUpTo, Instant now,
      Duration epsilon) {
    Optional<Instant> latest = schedule.latestIn(handledUpTo, now);
    List<Instant> launch = latest.filter(t -> onTime(t, now, epsilon)).map(List::of)
        .orElse(List.of());
    return new RunPlan(launch, now, false);
  }

  private static boolean onTime(Instant due, Instant now, Duration epsilon) {
    return epsilon == null || !now.isAfter(due.plus(epsilon));
  }
}
