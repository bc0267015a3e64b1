package io.meso.jobs.schedule;

import java.time.Instant;
import java.util.List;

/**
 * The outcome of {@link MissedRuns#plan}: the instants to launch (each claimed as
 * (job, instant) by the runtime), and the watermark every due instant up to which has now been
 * decided, launched or dropped. {@code more} says the batch was cut short (run-all after a long
 * outage): call again from {@code handledUpTo}.
 */
public record RunPlan(List<Instant> launch, Instant handledUpTo, boolean more) {
  public RunPlan {
    launch = List.copyOf(launch);
  }
}
