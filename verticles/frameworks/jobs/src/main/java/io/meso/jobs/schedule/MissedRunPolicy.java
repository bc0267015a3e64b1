package io.meso.jobs.schedule;

import java.util.Arrays;
import java.util.Locale;

/**
 * What to do with run instants that passed while no leader was looking (Meso's addition; JSON
 * field {@code missedRunPolicy}). Chronos 3 behaved as {@link #RUN_ONCE}: its launch rewrote
 * the start past now, collapsing missed periods into one run. The job's {@code epsilon}, when
 * set, bounds every policy: an instant is launched only if it is no later than instant +
 * epsilon. See {@link MissedRuns#plan}.
 */
public enum MissedRunPolicy {
  /** Launch the latest due instant, once, standing for all missed ones (the default). */
  RUN_ONCE,
  /** Launch every due instant, oldest first. */
  RUN_ALL,
  /**
   * Launch only an instant that is on time: within epsilon, or within
   * {@link MissedRuns#DEFAULT_SKIP_GRACE} when the job has no epsilon. Missed ones are dropped.
   */
  SKIP;

  /** Parses the JSON value (case-insensitive). */
  public static MissedRunPolicy parse(String value) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new ScheduleException("missedRunPolicy", String.valueOf(value),
          "one of " + Arrays.toString(values()));
    }
  }
}
