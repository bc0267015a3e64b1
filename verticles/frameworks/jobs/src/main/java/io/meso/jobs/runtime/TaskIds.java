package io.meso.jobs.runtime;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chronos's task ids ({@code jobs/TaskUtils.scala}): {@code ct:<instantMillis>:<attempt>:<job>}.
 * The id names the run's (job, instant) and attempt, so any leader can tell from a task which
 * claim it belongs to, and a task id is never reused for another run. Unlike Chronos, a retry
 * keeps the instant of the run it retries (Chronos put the retry's own due time there), a
 * dependent run carries the instant of the parent run that released it, and run-now arguments
 * are not appended ({@code :<arguments>}): the master refuses task ids with spaces or '/', and
 * the claim keeps them. Chronos's ids with arguments are still read.
 */
public final class TaskIds {

  /** Mesos's limit on a task id (and the master's). */
  public static final int MAX_BYTES = 255;
  private static final Pattern FORMAT = Pattern.compile("ct:(\\d+):(\\d+):([\\w.-]+)(?::(.*))?", Pattern.DOTALL);

  private TaskIds() {}

  /** What a task id says. {@code arguments} is "" when the run has none. */
  public record Parsed(String job, Instant instant, int attempt, String arguments) {
    /** The claim this task belongs to. */
    public String claimKey() {
      return Claim.key(job, instant);
    }
  }

  /** The id of attempt {@code attempt} of the run of {@code job} at {@code instant}. */
  public static String of(String job, Instant instant, int attempt) {
    return "ct:" + instant.toEpochMilli() + ":" + attempt + ":" + job;
  }

  /** Reads a task id of this form; null for any other id (not one of this framework's runs). */
  public static Parsed parse(String taskId) {
    Matcher m = FORMAT.matcher(taskId);
    if (!m.matches()) {
      return null;
    }
    try {
      return new Parsed(m.group(3), Instant.ofEpochMilli(Long.parseLong(m.group(1))),
          Integer.parseInt(m.group(2)), m.group(4) == null ? "" : m.group(4));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The longest run-now arguments accepted (the command they join is limited to 64 KiB). */
  public static final int MAX_ARGUMENTS = 8192;

  /**
   * Run-now arguments as they are appended to a command: Chronos dropped every ';' (its
   * {@code commandInjectionFilter}) and so does Meso.
   */
  public static String cleanArguments(String arguments) {
    return arguments == null ? "" : arguments.replace(";", "").trim();
  }
}
