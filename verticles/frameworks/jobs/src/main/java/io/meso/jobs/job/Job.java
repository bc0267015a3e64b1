package io.meso.jobs.job;

import io.meso.jobs.schedule.CronSchedule;
import io.meso.jobs.schedule.IsoSchedule;
import io.meso.jobs.schedule.MissedRunPolicy;
import io.meso.jobs.schedule.Schedule;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A job as Chronos 3 defines it ({@code jobs/Jobs.scala}), one record for Chronos's
 * ScheduleBasedJob and DependencyBasedJob: exactly one of {@code schedule} (ISO 8601 interval,
 * kept verbatim as submitted or as last rewritten), {@code cron} (Meso's addition) and
 * {@code parents} is non-null. Build it with {@link JobJson#parse}, which validates.
 *
 * @param container the container object normalised to Chronos's fields, or null
 * @param epsilon "start no later than instant + epsilon", or null for none
 */
public record Job(
    String name, String command, boolean shell, List<String> arguments, String executor,
    String executorFlags, String taskInfoData, int retries, String owner, String ownerName,
    String description, long successCount, long errorCount, String lastSuccess,
    String lastError, double cpus, double disk, double mem, boolean disabled, boolean softError,
    boolean dataProcessingJobType, long errorsSinceLastSuccess, List<Fetch> fetch,
    List<String> uris, List<EnvironmentVariable> environmentVariables, boolean highPriority,
    String runAsUser, boolean concurrent, long maxCompletionTime, JsonObject container,
    List<Constraint> constraints, List<String> parents, String schedule, String cron,
    String scheduleTimeZone, MissedRunPolicy missedRunPolicy, Duration epsilon) {

  /** How a job becomes due. */
  public enum Kind {
    /** {@code schedule}: an ISO 8601 repeating interval (Chronos's ScheduleBasedJob). */
    ISO,
    /** {@code cron}: Meso's 5-field cron. */
    CRON,
    /** {@code parents}: after its parents (Chronos's DependencyBasedJob). */
    DEPENDENT
  }

  public Job {
    arguments = List.copyOf(arguments);
    fetch = List.copyOf(fetch);
    uris = List.copyOf(uris);
    environmentVariables = List.copyOf(environmentVariables);
    constraints = List.copyOf(constraints);
    parents = parents == null ? null : List.copyOf(parents);
    container = container == null ? null : container.copy();
  }

  /** Which of schedule, cron and parents drives this job. */
  public Kind kind() {
    return parents != null ? Kind.DEPENDENT : cron != null ? Kind.CRON : Kind.ISO;
  }

  /** The zone the schedule's wall-clock fields are in (UTC without a scheduleTimeZone). */
  public ZoneId zone() {
    return scheduleTimeZone.isEmpty() ? ZoneOffset.UTC : IsoSchedule.zone(scheduleTimeZone);
  }

  /** The parsed schedule; {@code now} only matters for an ISO schedule with an empty start. */
  public Schedule parsedSchedule(Instant now) {
    return switch (kind()) {
      case ISO -> IsoSchedule.parse(schedule, scheduleTimeZone, now);
      case CRON -> CronSchedule.parse(cron, zone());
      case DEPENDENT -> throw new IllegalStateException(name + " is a dependent job");
    };
  }

  /** This job with its stored ISO schedule replaced (the rewrite after a launch). */
  public Job withSchedule(String newSchedule) {
    return new Job(name, command, shell, arguments, executor, executorFlags, taskInfoData,
        retries, owner, ownerName, description, successCount, errorCount, lastSuccess,
        lastError, cpus, disk, mem, disabled, softError, dataProcessingJobType,
        errorsSinceLastSuccess, fetch, uris, environmentVariables, highPriority, runAsUser,
        concurrent, maxCompletionTime, container, constraints, parents, newSchedule, cron,
        scheduleTimeZone, missedRunPolicy, epsilon);
  }

  /** This job enabled or disabled. */
  public Job withDisabled(boolean newDisabled) {
    return new Job(name, command, shell, arguments, executor, executorFlags, taskInfoData,
        retries, owner, ownerName, description, successCount, errorCount, lastSuccess,
        lastError, cpus, disk, mem, newDisabled, softError, dataProcessingJobType,
        errorsSinceLastSuccess, fetch, uris, environmentVariables, highPriority, runAsUser,
        concurrent, maxCompletionTime, container, constraints, parents, schedule, cron,
        scheduleTimeZone, missedRunPolicy, epsilon);
  }

  /**
   * This job with the counters and timestamps of its runs replaced (what a run's end changes),
   * and disabled when {@code newDisabled}.
   */
  public Job withStats(long newSuccessCount, long newErrorCount, long newErrorsSinceLastSuccess,
      String newLastSuccess, String newLastError, boolean newDisabled) {
    return new Job(name, command, shell, arguments, executor, executorFlags, taskInfoData,
        retries, owner, ownerName, description, newSuccessCount, newErrorCount, newLastSuccess,
        newLastError, cpus, disk, mem, newDisabled, softError, dataProcessingJobType,
        newErrorsSinceLastSuccess, fetch, uris, environmentVariables, highPriority, runAsUser,
        concurrent, maxCompletionTime, container, constraints, parents, schedule, cron,
        scheduleTimeZone, missedRunPolicy, epsilon);
  }

  /**
   * This job with a different trigger: exactly one of {@code newParents}, {@code newSchedule}
   * and {@code newCron} non-null (Chronos turns a child of a deleted scheduled job into a
   * scheduled job with the parent's schedule).
   */
  public Job withTrigger(List<String> newParents, String newSchedule, String newCron,
      String newTimeZone) {
    return new Job(name, command, shell, arguments, executor, executorFlags, taskInfoData,
        retries, owner, ownerName, description, successCount, errorCount, lastSuccess,
        lastError, cpus, disk, mem, disabled, softError, dataProcessingJobType,
        errorsSinceLastSuccess, fetch, uris, environmentVariables, highPriority, runAsUser,
        concurrent, maxCompletionTime, container, constraints, newParents, newSchedule, newCron,
        newTimeZone, missedRunPolicy, epsilon);
  }
}
