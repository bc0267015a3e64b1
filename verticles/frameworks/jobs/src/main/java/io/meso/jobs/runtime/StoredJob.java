package io.meso.jobs.runtime;

import io.meso.jobs.job.Job;
import java.time.Instant;

/**
 * A job as the registry keeps it: its definition (with Chronos's counters, and for an ISO job the
 * schedule as last rewritten, which is its own cursor) and, for a cron job, the cursor: the last
 * instant up to which every due run has been decided (claimed or dropped). A new leader plans
 * from there, so it neither repeats nor forgets an instant.
 *
 * @param cursor null except for cron jobs
 */
public record StoredJob(Job job, Instant cursor) {

  public String name() {
    return job.name();
  }

  public StoredJob withJob(Job newJob) {
    return new StoredJob(newJob, cursor);
  }

  public StoredJob withCursor(Instant newCursor) {
    return new StoredJob(job, newCursor);
  }
}
