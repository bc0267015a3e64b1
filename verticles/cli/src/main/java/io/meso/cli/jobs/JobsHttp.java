package io.meso.cli.jobs;

import io.meso.cli.services.ServicesHttp;
import io.meso.cli.services.ServicesHttp.Answer;
import io.meso.cli.services.ServicesHttp.Exit;
import io.meso.cli.services.ServicesHttp.Unreachable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The jobs framework's {@code /v1/scheduler} API as the CLI calls it, and how its answers become
 * exit codes. Chronos answers every refusal of a named job with 400 (an unknown job included: it
 * has no 404), so after a 400 this asks for the job list to tell "no such job" (exit 3) from an
 * invalid request (exit 4).
 */
final class JobsHttp {

  static final String BASE = "/v1/scheduler";
  /** A job name as Chronos allows it: the whole name matches this. */
  static final Pattern NAME = Pattern.compile("[\\w.-]+");

  private final ServicesHttp http;

  JobsHttp(ServicesHttp http) {
    this.http = http;
  }

  Answer send(String method, String path, String body) throws Unreachable, InterruptedException {
    return http.send(method, BASE + path, body);
  }

  /** The path segment of a job name (validated by {@link #checkName} first). */
  static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Null if {@code name} is a valid job name, else the line saying what is allowed. */
  static String checkName(String name) {
    if (name != null && NAME.matcher(name).matches()) {
      return null;
    }
    return "NAME '" + name + "' is not a job name; expected letters, digits, '_', '.' and '-' only";
  }

  /** Whether a job named {@code name} exists (one GET of the job list). */
  boolean exists(String name) throws Unreachable, InterruptedException {
    Answer jobs = send("GET", "/jobs", null);
    if (!jobs.ok()) {
      return true; // cannot tell: let the original refusal speak
    }
    for (Object o : jobs.jsonArray()) {
      if (o instanceof JsonObject job && name.equals(job.getString("name"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Prints why a request about job {@code name} (null for none) failed and returns its exit code:
   * 3 if the job does not exist, 4 for another 400, 1 otherwise.
   */
  int refused(PrintStream err, String what, String name, Answer answer) throws Unreachable, InterruptedException {
    if (name != null && answer.status() == 400 && !exists(name)) {
      err.println("meso: " + what + ": job '" + name + "' does not exist (meso jobs lists the jobs)");
      return Exit.NOT_FOUND;
    }
    JsonObject body = answer.json();
    String message = body.getString("message", "HTTP " + answer.status());
    // Chronos put whole stack traces in messages; the first line says what was wrong.
    int newline = message.indexOf('\n');
    err.println("meso: " + what + ": " + (newline < 0 ? message : message.substring(0, newline)).strip());
    return switch (answer.status()) {
      case 404 -> Exit.NOT_FOUND;
      case 400, 422 -> Exit.INVALID;
      default -> Exit.REFUSED;
    };
  }

  /** The parents of a job, or an empty array. */
  static JsonArray parents(JsonObject job) {
    return job.getValue("parents") instanceof JsonArray a ? a : new JsonArray();
  }

  /** How a job is triggered: its cron, its ISO schedule, or "after" its parents. */
  static String trigger(JsonObject job) {
    if (job.getValue("cron") instanceof String cron && !cron.isBlank()) {
      return cron;
    }
    if (job.getValue("schedule") instanceof String schedule && !schedule.isBlank()) {
      return schedule;
    }
    JsonArray parents = parents(job);
    return parents.isEmpty() ? "-" : "after " + String.join(",", parents.stream().map(String::valueOf).toList());
  }
}
