package io.meso.cli.jobs;

import io.meso.cli.services.MasterOption;
import io.meso.cli.services.ServicesHttp.Answer;
import io.meso.cli.services.ServicesHttp.Exit;
import io.meso.cli.services.ServicesHttp.Unreachable;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meso job add|run|show|history|delete}: one job of the jobs framework, through its
 * Chronos-compatible {@code /v1/scheduler} API. Exit codes: 0 done, 1 refused, 2 no master
 * answered, 3 no such job, 4 invalid definition or request.
 */
@Command(name = "job", mixinStandardHelpOptions = true,
    description = "Add, run, show, list the runs of, or delete a scheduled or dependent job (Chronos job JSON, or "
        + "\"cron\" instead of \"schedule\"). Exit codes: 0 done, 1 refused, 2 no master answered, 3 no such job, "
        + "4 invalid definition or request.",
    subcommands = {JobCommand.Add.class, JobCommand.Run.class, JobCommand.Show.class, JobCommand.History.class,
        JobCommand.Delete.class})
public final class JobCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs a request and turns its outcome into output and an exit code. */
  abstract static class Request implements Callable<Integer> {
    @Mixin
    MasterOption master;

    final PrintStream out = System.out;
    final PrintStream err = System.err;

    @Override
    public final Integer call() throws InterruptedException {
      try {
        return run(new JobsHttp(master.client()));
      } catch (Unreachable e) {
        err.println("meso: " + e.getMessage());
        return Exit.UNREACHABLE;
      }
    }

    abstract int run(JobsHttp http) throws Unreachable, InterruptedException;
  }

  /** A request about one job by name; the name is checked before anything is sent. */
  abstract static class Named extends Request {
    @Parameters(index = "0", paramLabel = "NAME", description = "The job's name.")
    String name;

    @Override
    final int run(JobsHttp http) throws Unreachable, InterruptedException {
      String problem = JobsHttp.checkName(name);
      if (problem != null) {
        err.println("meso: " + problem);
        return Exit.INVALID;
      }
      return named(http);
    }

    abstract int named(JobsHttp http) throws Unreachable, InterruptedException;

    /** The job's JSON, or null after printing why it could not be read (see {@link #failure}). */
    JsonObject job(JobsHttp http, String what) throws Unreachable, InterruptedException {
      Answer answer = http.send("GET", "/job/" + JobsHttp.segment(name), null);
      if (!answer.ok()) {
        failure = http.refused(err, what + " job " + name, name, answer);
        return null;
      }
      return answer.json();
    }

    int failure = Exit.REFUSED;
  }

  @Command(name = "add", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class,
      exitCodeListHeading = "Exit codes:%n",
      exitCodeList = {"0:added or replaced", "1:refused", "2:no master answered",
          "4:invalid definition (the master's reason is printed)"},
      description = "Add a job from its JSON definition, or replace the job with its name. A job with \"parents\" is "
          + "a dependent job (POST /v1/scheduler/dependency); any other is scheduled by its \"schedule\" or "
          + "\"cron\" (POST /v1/scheduler/iso8601).")
  static final class Add extends Request {
    @Parameters(paramLabel = "FILE", description = "The job's JSON definition, or - to read it from stdin.")
    String file;

    @Override
    int run(JobsHttp http) throws Unreachable, InterruptedException {
      String source = "-".equals(file) ? "stdin" : file;
      String text;
      try {
        text = "-".equals(file) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
            : Files.readString(Path.of(file));
      } catch (IOException e) {
        err.println("meso: cannot read " + source + ": " + e.getMessage());
        return Exit.INVALID;
      }
      JsonObject job;
      try {
        job = new JsonObject(text);
      } catch (DecodeException | ClassCastException e) {
        err.println("meso: " + source + " is not a JSON object: " + e.getMessage());
        return Exit.INVALID;
      }
      if (!(job.getValue("name") instanceof String name)) {
        err.println("meso: " + source + " has no \"name\"; give the job a name such as \"nightly-report\"");
        return Exit.INVALID;
      }
      String problem = JobsHttp.checkName(name);
      if (problem != null) {
        err.println("meso: " + source + ": " + problem.replace("NAME", "\"name\""));
        return Exit.INVALID;
      }
      boolean existed = http.exists(name);
      boolean dependent = !JobsHttp.parents(job).isEmpty();
      Answer answer = http.send("POST", dependent ? "/dependency" : "/iso8601", job.encode());
      if (!answer.ok()) {
        return http.refused(err, "adding job " + name, null, answer);
      }
      out.println("job " + name + ": " + (existed ? "replaced" : "added") + " (" + JobsHttp.trigger(job) + ")");
      return Exit.OK;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class,
      description = "Run a job now, once, besides its schedule (PUT /v1/scheduler/job/NAME).")
  static final class Run extends Named {
    @Option(names = "--arguments", paramLabel = "TEXT",
        description = "Appended to the job's command after a space for this run only.")
    String arguments;

    @Override
    int named(JobsHttp http) throws Unreachable, InterruptedException {
      JsonObject job = job(http, "running");
      if (job == null) {
        return failure;
      }
      if (job.getBoolean("disabled", false)) {
        // Chronos drops a run of a disabled job without a word; say so instead.
        err.println("meso: job " + name + " is disabled, so a run would be dropped; enable it first "
            + "(meso job add with \"disabled\": false)");
        return Exit.REFUSED;
      }
      String query = arguments == null ? ""
          : "?arguments=" + URLEncoder.encode(arguments, StandardCharsets.UTF_8).replace("+", "%20");
      Answer answer = http.send("PUT", "/job/" + JobsHttp.segment(name) + query, null);
      if (!answer.ok()) {
        return http.refused(err, "running job " + name, name, answer);
      }
      out.println("job " + name + ": run requested (meso job history " + name + " shows it)");
      return Exit.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class,
      description = "Show a job: what it runs, when, its resources, retries and its last results.")
  static final class Show extends Named {
    @Override
    int named(JobsHttp http) throws Unreachable, InterruptedException {
      JsonObject job = job(http, "showing");
      if (job == null) {
        return failure;
      }
      String zone = job.getString("scheduleTimeZone", "");
      line("name", job.getString("name"));
      line("command", job.getString("command", "") + (job.getBoolean("shell", true) ? ""
          : " " + job.getJsonArray("arguments", new JsonArray()).encode() + " (no shell)"));
      line("runs", JobsHttp.trigger(job) + " (" + (zone.isBlank() ? "UTC" : zone) + ")");
      Answer stat = http.send("GET", "/job/stat/" + JobsHttp.segment(name), null);
      JsonArray next = stat.ok() ? stat.json().getJsonArray("nextRuns", new JsonArray()) : new JsonArray();
      line("next runs", next.isEmpty() ? "-" : String.join(", ",
          next.stream().limit(3).map(String::valueOf).toList()));
      line("resources", "cpus " + job.getValue("cpus") + ", mem " + job.getValue("mem") + ", disk "
          + job.getValue("disk"));
      line("retries", job.getValue("retries") + ", concurrent " + job.getBoolean("concurrent", false)
          + ", high priority " + job.getBoolean("highPriority", false));
      if (!job.getString("owner", "").isBlank()) {
        line("owner", job.getString("owner"));
      }
      line("results", job.getValue("successCount", 0) + " succeeded, " + job.getValue("errorCount", 0)
          + " failed (" + job.getValue("errorsSinceLastSuccess", 0) + " since the last success)");
      line("last success", blankAsDash(job.getString("lastSuccess", "")));
      line("last error", blankAsDash(job.getString("lastError", "")));
      if (job.getBoolean("disabled", false)) {
        line("disabled", "yes");
      }
      return Exit.OK;
    }

    private void line(String label, String value) {
      out.println(String.format("%-13s %s", label + ":", value));
    }
  }

  static String blankAsDash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }

  @Command(name = "history", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class,
      description = "List a job's recent runs: task, agent, start, end, duration and result "
          + "(GET /v1/scheduler/job/stat/NAME).")
  static final class History extends Named {
    @Override
    int named(JobsHttp http) throws Unreachable, InterruptedException {
      Answer answer = http.send("GET", "/job/stat/" + JobsHttp.segment(name), null);
      if (!answer.ok()) {
        return http.refused(err, "reading the history of job " + name, name, answer);
      }
      JsonArray runs = answer.json().getJsonArray("taskStatHistory", new JsonArray());
      if (runs.isEmpty()) {
        out.println("job " + name + " has not run yet");
        return Exit.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"TASK", "AGENT", "STARTED", "ENDED", "DURATION", "RESULT"});
      for (Object o : runs) {
        JsonObject run = (JsonObject) o;
        rows.add(new String[] {run.getString("taskId", ""), blankAsDash(run.getString("slaveId", "")),
            blankAsDash(String.valueOf(run.getValue("startTime", ""))),
            blankAsDash(String.valueOf(run.getValue("endTime", ""))),
            blankAsDash(String.valueOf(run.getValue("duration", ""))),
            blankAsDash(String.valueOf(run.getValue("status", "")))});
      }
      out.print(io.meso.cli.Columns.format(rows));
      return Exit.OK;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class,
      description = "Kill a job's running tasks and remove it (its dependent jobs keep its parents or schedule, as "
          + "Chronos does).")
  static final class Delete extends Named {
    @Override
    int named(JobsHttp http) throws Unreachable, InterruptedException {
      Answer answer = http.send("DELETE", "/job/" + JobsHttp.segment(name), null);
      if (!answer.ok()) {
        return http.refused(err, "deleting job " + name, name, answer);
      }
      out.println("job " + name + ": deleted");
      return Exit.OK;
    }
  }
}
