package io.meso.cli.jobs;

import io.meso.cli.services.MasterOption;
import io.meso.cli.services.ServicesHttp.Answer;
import io.meso.cli.services.ServicesHttp.Exit;
import io.meso.cli.services.ServicesHttp.Unreachable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code meso jobs}: the jobs framework's jobs as a table, from {@code /v1/scheduler/jobs} (the
 * definitions and counts) and {@code /v1/scheduler/jobs/summary} (the last result and state).
 */
@Command(name = "jobs", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class,
    description = "List the scheduled and dependent jobs: when they run, their last result and whether one runs now.",
    exitCodeListHeading = "Exit codes:%n", exitCodeList = {"0:listed", "1:refused", "2:no master answered"})
public final class JobsCommand implements Callable<Integer> {

  static final String[] HEADER = {"NAME", "RUNS", "ZONE", "NEXT RUN", "LAST", "STATE", "SUCCESSES", "ERRORS", "DISABLED"};

  @Mixin
  MasterOption master;

  @Override
  public Integer call() throws InterruptedException {
    JobsHttp http = new JobsHttp(master.client());
    try {
      Answer jobs = http.send("GET", "/jobs", null);
      if (!jobs.ok()) {
        return http.refused(System.err, "listing jobs", null, jobs);
      }
      JsonArray list = jobs.jsonArray();
      if (list.isEmpty()) {
        System.out.println("no jobs (meso job add FILE adds one)");
        return Exit.OK;
      }
      Map<String, JsonObject> summaries = new HashMap<>();
      Answer summary = http.send("GET", "/jobs/summary", null);
      if (summary.ok()) {
        for (Object o : summary.json().getJsonArray("jobs", new JsonArray())) {
          if (o instanceof JsonObject s) {
            summaries.put(s.getString("name"), s);
          }
        }
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(HEADER);
      for (Object o : list) {
        JsonObject job = (JsonObject) o;
        String name = job.getString("name", "");
        JsonObject s = summaries.getOrDefault(name, new JsonObject());
        String zone = job.getString("scheduleTimeZone", "");
        rows.add(new String[] {name, JobsHttp.trigger(job), zone.isBlank() ? "UTC" : zone,
            JobCommand.blankAsDash(s.getString("nextRun", "")), s.getString("status", "-"), s.getString("state", "-"),
            String.valueOf(job.getValue("successCount", 0)), String.valueOf(job.getValue("errorCount", 0)),
            job.getBoolean("disabled", false) ? "yes" : "-"});
      }
      System.out.print(io.meso.cli.Columns.format(rows));
      return Exit.OK;
    } catch (Unreachable e) {
      System.err.println("meso: " + e.getMessage());
      return Exit.UNREACHABLE;
    }
  }
}
