package io.meso.jobs.runtime;

import io.meso.jobs.graph.EdgeState;
import io.meso.jobs.job.JobDefaults;
import io.meso.jobs.job.JobJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry values of the jobs framework, as UTF-8 JSON: a job ({@code {"job":<Chronos
 * JSON>,"cursor":millis}}), a claim, a job's run history ({@code {"runs":[...]}}, oldest first),
 * an edge's completion count (decimal) and the framework id. Instants are epoch milliseconds.
 */
public final class StateJson {

  private StateJson() {}

  public static byte[] job(StoredJob stored) {
    JsonObject o = new JsonObject().put("job", JobJson.render(stored.job()));
    if (stored.cursor() != null) {
      o.put("cursor", stored.cursor().toEpochMilli());
    }
    if (!stored.counted().isEmpty()) {
      o.put("counted", new io.vertx.core.json.JsonArray(stored.counted()));
    }
    return bytes(o);
  }

  /** Reads a stored job; {@code defaults} only fill fields an older version did not store. */
  public static StoredJob job(byte[] value, JobDefaults defaults, Instant now) {
    JsonObject o = json(value);
    Long cursor = o.getLong("cursor");
    io.vertx.core.json.JsonArray counted = o.getJsonArray("counted");
    return new StoredJob(JobJson.parse(o.getJsonObject("job"), defaults, now),
        cursor == null ? null : Instant.ofEpochMilli(cursor),
        counted == null ? java.util.List.of() : counted.stream().map(String::valueOf).toList());
  }

  public static byte[] claim(Claim c) {
    JsonObject o = new JsonObject().put("job", c.job()).put("instant", c.instant().toEpochMilli())
        .put("attempt", c.attempt()).put("arguments", c.arguments())
        .put("trigger", c.trigger().name())
        // LAUNCHED is not known to have reached the master: a new leader reconciles it as queued.
        .put("state", (c.state() == Claim.State.LAUNCHED ? Claim.State.QUEUED : c.state()).name())
        .put("notBefore", c.notBefore().toEpochMilli()).put("agentId", c.agentId())
        .put("killRequested", c.killRequested()).put("overstayed", c.overstayed())
        .put("queuedAt", c.queuedAt().toEpochMilli());
    if (c.startedAt() != null) {
      o.put("startedAt", c.startedAt().toEpochMilli());
    }
    return bytes(o);
  }

  public static Claim claim(byte[] value) {
    JsonObject o = json(value);
    return new Claim(o.getString("job"), instant(o, "instant"), o.getInteger("attempt"),
        o.getString("arguments"), Claim.Trigger.valueOf(o.getString("trigger")),
        Claim.State.valueOf(o.getString("state")), instant(o, "notBefore"),
        o.getString("agentId"), instant(o, "startedAt"), o.getBoolean("killRequested", false),
        o.getBoolean("overstayed", false), instant(o, "queuedAt"));
  }

  public static byte[] runs(List<RunRecord> runs) {
    JsonArray a = new JsonArray();
    for (RunRecord r : runs) {
      JsonObject o = new JsonObject().put("taskId", r.taskId()).put("job", r.job())
          .put("instant", r.instant().toEpochMilli()).put("attempt", r.attempt())
          .put("trigger", r.trigger().name()).put("agentId", r.agentId())
          .put("endedAt", r.endedAt().toEpochMilli()).put("outcome", r.outcome().name())
          .put("message", r.message());
      if (r.startedAt() != null) {
        o.put("startedAt", r.startedAt().toEpochMilli());
      }
      a.add(o);
    }
    return bytes(new JsonObject().put("runs", a));
  }

  public static List<RunRecord> runs(byte[] value) {
    List<RunRecord> out = new ArrayList<>();
    for (Object e : json(value).getJsonArray("runs")) {
      JsonObject o = (JsonObject) e;
      out.add(new RunRecord(o.getString("taskId"), o.getString("job"), instant(o, "instant"),
          o.getInteger("attempt"), Claim.Trigger.valueOf(o.getString("trigger")),
          o.getString("agentId"), instant(o, "startedAt"), instant(o, "endedAt"),
          RunRecord.Outcome.valueOf(o.getString("outcome")), o.getString("message")));
    }
    return out;
  }

  /**
   * An edge's stored value: its count in ASCII when no run is marked (the form stored before
   * marks existed, still read), else {"completions": N, "counted": [task ids]}.
   */
  public static byte[] edge(EdgeState e) {
    if (e.counted().isEmpty()) {
      return count(e.completions());
    }
    return new JsonObject().put("completions", e.completions())
        .put("counted", new JsonArray(e.counted())).encode().getBytes(StandardCharsets.UTF_8);
  }

  public static EdgeState edge(String parent, String child, byte[] value) {
    String text = new String(value, StandardCharsets.UTF_8).trim();
    if (!text.startsWith("{")) {
      return new EdgeState(parent, child, count(value));
    }
    JsonObject o = new JsonObject(text);
    io.vertx.core.json.JsonArray counted = o.getJsonArray("counted");
    return new EdgeState(parent, child, o.getLong("completions", 0L),
        counted == null ? List.of() : counted.stream().map(String::valueOf).toList());
  }

  public static byte[] count(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  public static long count(byte[] value) {
    return Long.parseLong(new String(value, StandardCharsets.US_ASCII).trim());
  }

  public static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static String text(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }

  private static Instant instant(JsonObject o, String field) {
    Long millis = o.getLong(field);
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  private static JsonObject json(byte[] value) {
    return new JsonObject(new String(value, StandardCharsets.UTF_8));
  }

  private static byte[] bytes(JsonObject o) {
    return o.encode().getBytes(StandardCharsets.UTF_8);
  }
}
