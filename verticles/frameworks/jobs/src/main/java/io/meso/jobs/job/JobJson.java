package io.meso.jobs.job;

import io.meso.jobs.schedule.CronSchedule;
import io.meso.jobs.schedule.IsoSchedule;
import io.meso.jobs.schedule.MissedRunPolicy;
import io.meso.jobs.schedule.ScheduleException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads and writes jobs exactly as Chronos 3 does ({@code utils/JobDeserializer.scala},
 * {@code utils/JobSerializer.scala}): same field names, same defaults for absent fields, same
 * output order, "" rather than null for empty strings, and {@code parents} or
 * {@code schedule}+{@code scheduleTimeZone} depending on the kind. Meso's fields are rendered
 * only when used: {@code cron} (with {@code scheduleTimeZone}), {@code missedRunPolicy} when
 * not RUN_ONCE, and {@code epsilon} when set. Chronos 2's {@code async} is accepted and
 * ignored, as Chronos 3 did.
 *
 * <p>Validation is stricter than Chronos's (which mostly coerced or failed later with 500):
 * wrong types, unknown constraint operators, container enums, bad zones, bad timestamps and
 * impossible schedules are refused with a {@link JobValidationException} naming the field.
 */
public final class JobJson {
  /** Chronos's job name rule ({@code JobUtils.jobNamePattern}), matched in full. */
  public static final Pattern NAME = Pattern.compile("[\\w.-]+");
  private static final DateTimeFormatter JODA_PRINT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");

  private JobJson() {}

  /** Parses a request body. */
  public static Job parse(String body, JobDefaults defaults, Instant now) {
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new JobValidationException("body", body, "a JSON object describing a job");
    }
    return parse(json, defaults, now);
  }

  /**
   * Parses and validates a job. {@code now} stands in for Chronos's clock: a job with neither
   * schedule, cron nor parents gets {@code R1/<now>/PT24H}, i.e. runs once now.
   */
  public static Job parse(JsonObject j, JobDefaults defaults, Instant now) {
    String name = string(j, "name", null);
    if (name == null || !NAME.matcher(name).matches()) {
      throw new JobValidationException("name", name,
          "a job needs a name of letters, digits, '_', '.' and '-' ([\\w.-]+)");
    }
    List<Fetch> fetch = fetch(j);
    List<String> uris = strings(j, "uris");
    if (!fetch.isEmpty() && !uris.isEmpty()) {
      throw new JobValidationException("uris", j.getValue("uris"),
          "give either fetch or the deprecated uris, not both");
    }
    String tz = string(j, "scheduleTimeZone", "");
    List<String> parents = null;
    String schedule = null;
    String cron = string(j, "cron", null);
    try {
      if (!tz.isEmpty()) {
        IsoSchedule.zone(tz);
      }
      if (j.containsKey("parents") && j.getValue("parents") != null) {
        parents = new ArrayList<>(new LinkedHashSet<>(strings(j, "parents")));
        for (String p : parents) {
          if (!NAME.matcher(p).matches()) {
            throw new JobValidationException("parents", p, "parents are job names ([\\w.-]+)");
          }
        }
      }
      if (cron != null) {
        if (parents != null || j.getValue("schedule") != null) {
          throw new JobValidationException("cron", cron,
              "a job has one of schedule, cron and parents");
        }
        CronSchedule.parse(cron, tz.isEmpty() ? ZoneOffset.UTC : IsoSchedule.zone(tz));
      } else if (parents == null) {
        schedule = string(j, "schedule", null);
        if (schedule == null) {
          schedule = "R1/" + JODA_PRINT.format(now.atOffset(ZoneOffset.UTC)) + "/PT24H";
        }
        IsoSchedule.parse(schedule, tz, now);
      }
    } catch (ScheduleException e) {
      throw new JobValidationException(e);
    }
    return new Job(name, string(j, "command", ""), bool(j, "shell", true),
        strings(j, "arguments"), string(j, "executor", ""), string(j, "executorFlags", ""),
        string(j, "taskInfoData", ""), (int) count(j, "retries", 2), string(j, "owner", ""),
        string(j, "ownerName", ""), string(j, "description", ""), count(j, "successCount", 0),
        count(j, "errorCount", 0), timestamp(j, "lastSuccess"), timestamp(j, "lastError"),
        resource(j, "cpus", defaults.cpus()), resource(j, "disk", defaults.disk()),
        resource(j, "mem", defaults.mem()), bool(j, "disabled", false),
        bool(j, "softError", false), bool(j, "dataProcessingJobType", false),
        count(j, "errorsSinceLastSuccess", 0), fetch, uris, environment(j),
        bool(j, "highPriority", false), string(j, "runAsUser", defaults.user()),
        bool(j, "concurrent", false), count(j, "maxCompletionTime", 0),
        ContainerJson.parse(j.getValue("container")), constraints(j), parents, schedule, cron,
        tz, policy(j), epsilon(j));
  }

  /** Renders a job as Chronos's GET /job/{name} does. */
  public static JsonObject render(Job job) {
    JsonObject o = new JsonObject();
    o.put("name", job.name()).put("command", job.command()).put("shell", job.shell())
        .put("executor", job.executor()).put("executorFlags", job.executorFlags())
        .put("taskInfoData", job.taskInfoData()).put("retries", job.retries())
        .put("owner", job.owner()).put("ownerName", job.ownerName())
        .put("description", job.description()).put("successCount", job.successCount())
        .put("errorCount", job.errorCount()).put("lastSuccess", job.lastSuccess())
        .put("lastError", job.lastError()).put("cpus", job.cpus()).put("disk", job.disk())
        .put("mem", job.mem()).put("disabled", job.disabled())
        .put("softError", job.softError())
        .put("dataProcessingJobType", job.dataProcessingJobType())
        .put("errorsSinceLastSuccess", job.errorsSinceLastSuccess());
    JsonArray fetch = new JsonArray();
    for (Fetch f : job.fetch()) {
      JsonObject fo = new JsonObject().put("uri", f.uri()).put("executable", f.executable())
          .put("cache", f.cache()).put("extract", f.extract());
      if (!f.outputFile().isEmpty()) {
        fo.put("output_file", f.outputFile());
      }
      fetch.add(fo);
    }
    o.put("fetch", fetch).put("uris", new JsonArray(new ArrayList<>(job.uris())));
    JsonArray env = new JsonArray();
    job.environmentVariables().forEach(
        v -> env.add(new JsonObject().put("name", v.name()).put("value", v.value())));
    o.put("environmentVariables", env)
        .put("arguments", new JsonArray(new ArrayList<>(job.arguments())))
        .put("highPriority", job.highPriority()).put("runAsUser", job.runAsUser())
        .put("concurrent", job.concurrent()).put("maxCompletionTime", job.maxCompletionTime());
    if (job.container() != null) {
      o.put("container", job.container().copy());
    }
    JsonArray constraints = new JsonArray();
    job.constraints().forEach(c -> constraints.add(
        new JsonArray().add(c.attribute()).add(c.operator()).add(c.value())));
    o.put("constraints", constraints);
    switch (job.kind()) {
      case DEPENDENT -> o.put("parents", new JsonArray(new ArrayList<>(job.parents())));
      case ISO -> o.put("schedule", job.schedule()).put("scheduleTimeZone", job.scheduleTimeZone());
      case CRON -> o.put("cron", job.cron()).put("scheduleTimeZone", job.scheduleTimeZone());
    }
    if (job.missedRunPolicy() != MissedRunPolicy.RUN_ONCE) {
      o.put("missedRunPolicy", job.missedRunPolicy().name());
    }
    if (job.epsilon() != null) {
      o.put("epsilon", job.epsilon().toString());
    }
    return o;
  }

  /**
   * Renders a job for GET /jobs, which (for compatibility) fills {@code fetch} from
   * {@code uris} or {@code uris} from {@code fetch}, whichever is empty
   * ({@code JobManagementResource.list}).
   */
  public static JsonObject renderForList(Job job) {
    JsonObject o = render(job);
    if (job.fetch().isEmpty()) {
      JsonArray fetch = new JsonArray();
      job.uris().forEach(u -> fetch.add(new JsonObject().put("uri", u).put("executable", false)
          .put("cache", false).put("extract", true)));
      o.put("fetch", fetch);
    } else {
      JsonArray uris = new JsonArray();
      job.fetch().forEach(f -> uris.add(f.uri()));
      o.put("uris", uris);
    }
    return o;
  }

  // ---- field readers: absent or null → the default; a wrong type → 400 naming the field ----

  static String string(JsonObject j, String field, String dflt) {
    Object v = j.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    throw new JobValidationException(field, v, "a string");
  }

  static boolean bool(JsonObject j, String field, boolean dflt) {
    Object v = j.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if ("true".equals(v) || "false".equals(v)) {
      return Boolean.parseBoolean((String) v);
    }
    throw new JobValidationException(field, v, "true or false");
  }

  private static long count(JsonObject j, String field, long dflt) {
    Object v = j.getValue(field);
    if (v == null) {
      return dflt;
    }
    try {
      long n = v instanceof Number num && num.doubleValue() == num.longValue()
          ? num.longValue() : Long.parseLong((String) v);
      if (n >= 0 && n <= Integer.MAX_VALUE) {
        return n;
      }
    } catch (ClassCastException | NumberFormatException e) {
      // reported below
    }
    throw new JobValidationException(field, v, "a whole number from 0 to " + Integer.MAX_VALUE);
  }

  private static double resource(JsonObject j, String field, double dflt) {
    Object v = j.getValue(field);
    if (v == null) {
      return dflt;
    }
    try {
      double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble((String) v);
      if (d >= 0 && Double.isFinite(d)) {
        return d == 0 ? dflt : d;
      }
    } catch (ClassCastException | NumberFormatException e) {
      // reported below
    }
    throw new JobValidationException(field, v, "a number >= 0 (0 or absent means the default)");
  }

  private static String timestamp(JsonObject j, String field) {
    String s = string(j, field, "");
    if (!s.isEmpty()) {
      try {
        OffsetDateTime.parse(s);
      } catch (DateTimeParseException e) {
        throw new JobValidationException(field, s,
            "\"\" or an ISO 8601 timestamp such as 2024-01-01T00:00:00.000Z");
      }
    }
    return s;
  }

  static JsonArray array(JsonObject j, String field) {
    Object v = j.getValue(field);
    if (v == null) {
      return new JsonArray();
    }
    if (v instanceof JsonArray a) {
      return a;
    }
    throw new JobValidationException(field, v, "a JSON array");
  }

  private static List<String> strings(JsonObject j, String field) {
    List<String> out = new ArrayList<>();
    for (Object o : array(j, field)) {
      if (!(o instanceof String || o instanceof Number || o instanceof Boolean)) {
        throw new JobValidationException(field, o, "an array of strings");
      }
      out.add(String.valueOf(o));
    }
    return out;
  }

  private static JsonObject element(String field, Object o, String allowed) {
    if (o instanceof JsonObject e) {
      return e;
    }
    throw new JobValidationException(field, o, allowed);
  }

  private static List<Fetch> fetch(JsonObject j) {
    List<Fetch> out = new ArrayList<>();
    String allowed = "{\"uri\":..., \"executable\":false, \"cache\":false, \"extract\":true, "
        + "\"output_file\":...}";
    for (Object o : array(j, "fetch")) {
      JsonObject e = element("fetch", o, allowed);
      out.add(new Fetch(string(e, "uri", ""), bool(e, "executable", false),
          bool(e, "cache", false), bool(e, "extract", true), string(e, "output_file", "")));
    }
    return out;
  }

  private static List<EnvironmentVariable> environment(JsonObject j) {
    List<EnvironmentVariable> out = new ArrayList<>();
    for (Object o : array(j, "environmentVariables")) {
      JsonObject e = element("environmentVariables", o, "{\"name\":...,\"value\":...}");
      String name = string(e, "name", null);
      String value = string(e, "value", null);
      if (name == null || name.isEmpty() || value == null) {
        throw new JobValidationException("environmentVariables", e.encode(),
            "each entry needs a non-empty name and a value");
      }
      out.add(new EnvironmentVariable(name, value));
    }
    return out;
  }

  private static List<Constraint> constraints(JsonObject j) {
    List<Constraint> out = new ArrayList<>();
    for (Object o : array(j, "constraints")) {
      if (!(o instanceof JsonArray c) || c.size() != 3
          || !Constraint.OPERATORS.contains(String.valueOf(c.getValue(1)))) {
        throw new JobValidationException("constraints", o instanceof JsonArray a ? a.encode() : o,
            "each constraint is [attribute, \"EQUALS\"|\"LIKE\"|\"UNLIKE\", value]");
      }
      out.add(new Constraint(String.valueOf(c.getValue(0)), c.getString(1),
          String.valueOf(c.getValue(2))));
    }
    return out;
  }

  private static MissedRunPolicy policy(JsonObject j) {
    String v = string(j, "missedRunPolicy", null);
    try {
      return v == null ? MissedRunPolicy.RUN_ONCE : MissedRunPolicy.parse(v);
    } catch (ScheduleException e) {
      throw new JobValidationException(e);
    }
  }

  private static Duration epsilon(JsonObject j) {
    String v = string(j, "epsilon", null);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      Duration d = Duration.parse(v);
      if (!d.isNegative()) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    throw new JobValidationException("epsilon", v,
        "an ISO 8601 duration of days, hours, minutes or seconds, e.g. PT30M or PT60S");
  }
}
