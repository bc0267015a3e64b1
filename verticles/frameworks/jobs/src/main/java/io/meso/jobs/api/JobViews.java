package io.meso.jobs.api;

import io.meso.jobs.graph.JobGraph;
import io.meso.jobs.job.Job;
import io.meso.jobs.job.JobJson;
import io.meso.jobs.runtime.Claim;
import io.meso.jobs.runtime.JobScheduler;
import io.meso.jobs.runtime.RunRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The read side of /v1/scheduler, rendered as Chronos renders it: job lists and search
 * ({@code JobManagementResource}), the summary ({@code JobSummaryWrapperSerializer}), a job's
 * stats ({@code JobStatWrapperSerializer}, {@code HistogramSerializer}) and the percentile stats
 * ({@code StatsResource}), from the scheduler's state and bounded run history. Pure.
 */
final class JobViews {

  /** Chronos's time format in taskStatHistory (Joda "MM/dd/yy HH:mm:ss", here in UTC). */
  private static final DateTimeFormatter STAT_TIME = DateTimeFormatter.ofPattern("MM/dd/yy HH:mm:ss");
  /** The percentiles of GET /stats/{percentile} and of a job's histogram. */
  static final Map<String, Double> PERCENTILES = Map.of("75thPercentile", 0.75, "95thPercentile", 0.95,
      "98thPercentile", 0.98, "99thPercentile", 0.99, "median", 0.5);
  /** How many upcoming runs GET /job/stat/{name} lists (Meso's addition). */
  static final int NEXT_RUNS = 5;

  private JobViews() {}

  /** GET /jobs: every job, uris and fetch filled in from each other. */
  static JsonArray list(JobScheduler s) {
    JsonArray out = new JsonArray();
    s.jobs().forEach(j -> out.add(JobJson.renderForList(j)));
    return out;
  }

  /**
   * GET /jobs/search: case-insensitive substrings; {@code name} and {@code command} must both
   * match when given, and {@code any} lets a job that failed them match on either; then
   * {@code offset} and {@code limit}.
   */
  static JsonArray search(JobScheduler s, String name, String command, String any, int limit,
      int offset) {
    List<Job> matched = new ArrayList<>();
    for (Job j : s.jobs()) {
      boolean valid = (empty(name) || contains(j.name(), name))
          && (empty(command) || contains(j.command(), command));
      if (!valid && !empty(any) && (contains(j.name(), any) || contains(j.command(), any))) {
        valid = true;
      }
      if (valid) {
        matched.add(j);
      }
    }
    JsonArray out = new JsonArray();
    matched.stream().skip(offset).limit(limit).forEach(j -> out.add(JobJson.render(j)));
    return out;
  }

  private static boolean empty(String s) {
    return s == null || s.isEmpty();
  }

  private static boolean contains(String haystack, String needle) {
    return haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
  }

  /**
   * GET /jobs/summary: name, status (success|failure|fresh: the last run), state (idle|queued|N
   * running), schedule ("" for dependent and cron jobs; a cron job also has "cron"), parents
   * and disabled. Meso adds {@code nextRun}: the next scheduled run as an ISO offset date-time in
   * the job's zone ("" for dependent and disabled jobs and for schedules with no run left), which
   * the web UI's jobs list shows.
   */
  static JsonObject summary(JobScheduler s) {
    JsonArray jobs = new JsonArray();
    for (Job j : s.jobs()) {
      JsonObject o = new JsonObject().put("name", j.name()).put("status", JobGraph.lastState(j))
          .put("state", s.runState(j.name()))
          .put("schedule", j.kind() == Job.Kind.ISO ? j.schedule() : "")
          .put("parents", new JsonArray(new ArrayList<>(j.parents() == null ? List.of() : j.parents())))
          .put("disabled", j.disabled());
      if (j.kind() == Job.Kind.CRON) {
        o.put("cron", j.cron());
      }
      o.put("nextRun", s.nextRun(j.name())
          .map(t -> t.atZone(j.zone()).toOffsetDateTime().toString()).orElse(""));
      jobs.add(o);
    }
    return new JsonObject().put("jobs", jobs);
  }

  /**
   * GET /job/stat/{name}: the histogram of successful runs' durations in milliseconds and the
   * task history, newest first (runs in flight first, endTime "N/A"). Each entry also carries
   * Meso's fields: instant, attempt, trigger, outcome and message; and the stat carries the
   * job's next scheduled runs in its zone ({@code nextRuns}).
   */
  static JsonObject stat(JobScheduler s, String name) {
    Job job = s.job(name).orElseThrow(() -> new io.meso.jobs.runtime.NoSuchJobException(name));
    List<RunRecord> runs = s.history(name);
    List<Long> durations = runs.stream()
        .filter(r -> r.outcome() == RunRecord.Outcome.SUCCESS && r.duration() != null)
        .map(r -> r.duration().toMillis()).sorted().toList();
    JsonObject histogram = histogram(durations);
    JsonArray history = new JsonArray();
    for (Claim c : s.claimsOf(name)) {
      history.add(new JsonObject().put("taskId", c.taskId()).put("jobName", name)
          .put("slaveId", c.agentId()).put("startTime", time(c.startedAt())).put("endTime", "N/A")
          .put("status", c.active() ? "Running" : "Idle")
          .put("instant", c.instant().toString()).put("attempt", c.attempt())
          .put("trigger", c.trigger().name()).put("outcome", c.active() ? "RUNNING" : "QUEUED"));
    }
    for (int i = runs.size() - 1; i >= 0; i--) {
      RunRecord r = runs.get(i);
      JsonObject o = new JsonObject().put("taskId", r.taskId()).put("jobName", name)
          .put("slaveId", r.agentId()).put("startTime", time(r.startedAt()))
          .put("endTime", time(r.endedAt()));
      if (r.duration() != null) {
        o.put("duration", duration(r.duration()));
      }
      o.put("status", r.outcome().chronosStatus()).put("instant", r.instant().toString())
          .put("attempt", r.attempt()).put("trigger", r.trigger().name())
          .put("outcome", r.outcome().name()).put("message", r.message());
      history.add(o);
    }
    JsonArray next = new JsonArray();
    if (!job.disabled() && job.kind() != Job.Kind.DEPENDENT) {
      Instant now = s.now();
      job.parsedSchedule(now).next(now, NEXT_RUNS)
          .forEach(t -> next.add(t.atZone(job.zone()).toOffsetDateTime().toString()));
    }
    return new JsonObject().put("histogram", histogram).put("taskStatHistory", history)
        .put("nextRuns", next);
  }

  /** Chronos's histogram fields over sorted durations (nearest-rank percentiles; 0 when empty). */
  static JsonObject histogram(List<Long> sorted) {
    JsonObject h = new JsonObject();
    for (String p : List.of("75thPercentile", "95thPercentile", "98thPercentile", "99thPercentile", "median")) {
      h.put(p, percentile(sorted, PERCENTILES.get(p)));
    }
    h.put("mean", sorted.stream().mapToLong(Long::longValue).average().orElse(0));
    h.put("count", sorted.size());
    return h;
  }

  /** The nearest-rank percentile q (0..1] of sorted values, as a double; 0 when empty. */
  static double percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
  }

  /**
   * GET /stats/{percentile}: {@code [{"jobNameLabel":name,"time":seconds}]}, slowest first, for
   * the jobs with a successful run in their history; {@code mean} or one of
   * {@link #PERCENTILES}.
   */
  static JsonArray stats(JobScheduler s, String which) {
    TreeMap<Double, List<String>> bySeconds = new TreeMap<>(Comparator.reverseOrder());
    for (Job j : s.jobs()) {
      List<Long> durations = s.history(j.name()).stream()
          .filter(r -> r.outcome() == RunRecord.Outcome.SUCCESS && r.duration() != null)
          .map(r -> r.duration().toMillis()).sorted().toList();
      if (durations.isEmpty()) {
        continue;
      }
      double millis = which.equals("mean") ? durations.stream().mapToLong(Long::longValue).average().orElse(0)
          : percentile(durations, PERCENTILES.get(which));
      bySeconds.computeIfAbsent(millis / 1000.0, k -> new ArrayList<>()).add(j.name());
    }
    JsonArray out = new JsonArray();
    bySeconds.forEach((seconds, names) -> names.forEach(n ->
        out.add(new JsonObject().put("jobNameLabel", n).put("time", seconds))));
    return out;
  }

  private static String time(Instant t) {
    return t == null ? "N/A" : STAT_TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  /** Joda's period format as Chronos configured it: days, hours, minutes when not 0, then seconds. */
  static String duration(Duration d) {
    long s = Math.max(0, d.getSeconds());
    StringBuilder b = new StringBuilder();
    if (s >= 86400) {
      b.append(s / 86400).append('d');
    }
    if (s % 86400 >= 3600) {
      b.append(s % 86400 / 3600).append('h');
    }
    if (s % 3600 >= 60) {
      b.append(s % 3600 / 60).append('m');
    }
    return b.append(s % 60).append('s').toString();
  }
}
