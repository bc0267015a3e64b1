package io.meso.jobs.runtime;

import io.meso.jobs.job.Job;
import java.time.Instant;
import java.util.List;

/**
 * A job as the registry keeps it: its definition (with Chronos's counters, and for an ISO job the
 * schedule as last rewritten, which is its own cursor) and, for a cron job, the cursor: the last
 * instant up to which every due run has been decided (claimed or dropped). A new leader plans
 * from there, so it neither repeats nor forgets an instant.
 *
 * @param cursor null except for cron jobs
 */
public record StoredJob(Job job, Instant cursor, List<String> counted) {

  /**
   * @param counted the task ids of runs whose end the job's counters already count, kept while
   *     their claims may still be stored: the count and this mark are one registry write, so an
   *     end whose update comes again after a failover (the leader died before it stored the run's
   *     history) is not counted twice
   */
  public StoredJob {
    counted = List.copyOf(counted);
  }

  public StoredJob(Job job, Instant cursor) {
    this(job, cursor, List.of());
  }

  public String name() {
    return job.name();
  }

  public StoredJob withJob(Job newJob) {
    return new StoredJob(newJob, cursor, counted);
  }

  public StoredJob withCursor(Instant newCursor) {
    return new StoredJob(job, newCursor, counted);
  }

  public StoredJob withCounted(List<String> newCounted) {
    return new StoredJob(job, cursor, newCounted);
  }
}
