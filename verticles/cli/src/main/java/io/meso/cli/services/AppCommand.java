package io.meso.cli.services;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
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
 * {@code meso app run|show|scale|restart|delete}: one app of the services framework, through its
 * Marathon-compatible /v2 API. Changes print the deployment they started; exit codes say what
 * went wrong (see {@link ServicesHttp.Exit}).
 */
@Command(name = "app", mixinStandardHelpOptions = true,
    description = "Run, show, scale, restart or delete a long-running app (Marathon app JSON). Exit codes: 0 done, "
        + "1 refused, 2 no master answered, 3 no such app, 4 invalid definition or request, 5 locked by a deployment "
        + "(--force overrides).",
    subcommands = {AppCommand.Run.class, AppCommand.Show.class, AppCommand.Scale.class, AppCommand.Restart.class,
        AppCommand.Delete.class})
public final class AppCommand implements Runnable {

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
        return run(master.client());
      } catch (ServicesHttp.Unreachable e) {
        err.println("meso: " + e.getMessage());
        return ServicesHttp.Exit.UNREACHABLE;
      }
    }

    abstract int run(ServicesHttp http) throws ServicesHttp.Unreachable, InterruptedException;

    /** Prints "app ID: deployment D (version V)" for a deployment result. */
    int deployed(String id, String what, ServicesHttp.Answer answer) {
      if (!answer.ok()) {
        return ServicesHttp.refused(err, what + " " + id, answer);
      }
      JsonObject result = answer.json();
      String deployment = result.getString("deploymentId");
      if (deployment == null && result.getValue("deployments") instanceof JsonArray ds && !ds.isEmpty()) {
        deployment = ds.getJsonObject(0).getString("id");
      }
      out.println("app " + id + ": " + what + (deployment == null ? "" : ", deployment " + deployment)
          + (result.getString("version") == null ? "" : " (version " + result.getString("version") + ")"));
      return ServicesHttp.Exit.OK;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class, exitCodeListHeading = "Exit codes:%n",
      exitCodeList = {"0:done (a change prints its deployment)", "1:refused", "2:no master answered",
          "3:no such app", "4:invalid definition or request (each problem is printed)",
          "5:locked by a deployment (--force overrides)"},
      description = "Start an app from its Marathon JSON definition, or replace the definition of the app with its "
          + "id (a rolling restart when more than its instance count changed).")
  static final class Run extends Request {
    @Parameters(paramLabel = "FILE", description = "The app's JSON definition, or - to read it from stdin.")
    String file;

    @Option(names = "--force", description = "Cancel a deployment in the way instead of failing.")
    boolean force;

    @Override
    int run(ServicesHttp http) throws ServicesHttp.Unreachable, InterruptedException {
      String text;
      try {
        text = "-".equals(file) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
            : Files.readString(Path.of(file));
      } catch (IOException e) {
        err.println("meso: cannot read " + ("-".equals(file) ? "stdin" : file) + ": " + e.getMessage());
        return ServicesHttp.Exit.INVALID;
      }
      JsonObject app;
      try {
        app = new JsonObject(text);
      } catch (DecodeException | ClassCastException e) {
        err.println("meso: " + file + " is not a JSON object: " + e.getMessage());
        return ServicesHttp.Exit.INVALID;
      }
      if (!(app.getValue("id") instanceof String id) || id.isBlank()) {
        err.println("meso: " + file + " has no \"id\"; give the app an id such as \"/web\"");
        return ServicesHttp.Exit.INVALID;
      }
      ServicesHttp.Answer answer = http.send("PUT", "/v2/apps" + ServicesHttp.appPath(id) + "?partialUpdate=false"
          + (force ? "&force=true" : ""), app.encode());
      return deployed(id, answer.status() == 201 ? "created" : "updated", answer);
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class,
      description = "Show an app: its definition's main fields, its autoscale policy and last decision, its "
          + "instances and their health, its last failure, and why it waits when instances are not placed.")
  static final class Show extends Request {
    @Parameters(paramLabel = "ID", description = "The app's id, such as /web.")
    String id;

    @Override
    int run(ServicesHttp http) throws ServicesHttp.Unreachable, InterruptedException {
      ServicesHttp.Answer answer = http.send("GET", "/v2/apps" + ServicesHttp.appPath(id), null);
      if (!answer.ok()) {
        return ServicesHttp.refused(err, "showing app " + id, answer);
      }
      JsonObject app = answer.json().getJsonObject("app", new JsonObject());
      out.println("id:        " + app.getString("id"));
      out.println("command:   " + app.getString("cmd", String.valueOf(app.getValue("args"))));
      out.println("resources: cpus " + AppsCommand.number(app.getValue("cpus")) + ", mem "
          + AppsCommand.number(app.getValue("mem")) + ", disk " + AppsCommand.number(app.getValue("disk")));
      out.println("instances: " + app.getInteger("tasksRunning", 0) + " running, " + app.getInteger("tasksHealthy", 0)
          + " healthy, " + app.getInteger("tasksStaged", 0) + " staged of " + app.getInteger("instances", 0));
      out.println("version:   " + app.getString("version"));
      JsonArray deployments = app.getJsonArray("deployments", new JsonArray());
      if (!deployments.isEmpty()) {
        out.println("deploying: " + deployments.stream().map(d -> ((JsonObject) d).getString("id")).toList());
      }
      if (app.getValue("autoscale") instanceof JsonObject autoscale) {
        autoscale(autoscale);
      }
      if (app.getValue("lastTaskFailure") instanceof JsonObject failure) {
        out.println("last failure: " + failure.getString("state") + " of " + failure.getString("taskId") + " on "
            + failure.getString("host") + " at " + failure.getString("timestamp") + ": " + failure.getString("message"));
      }
      waiting(http);
      JsonArray tasks = app.getJsonArray("tasks", new JsonArray());
      if (tasks.isEmpty()) {
        out.println("no instances");
        return ServicesHttp.Exit.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"TASK", "HOST", "STATE", "HEALTH", "PORTS", "STARTED"});
      for (int i = 0; i < tasks.size(); i++) {
        JsonObject task = tasks.getJsonObject(i);
        JsonArray health = task.getJsonArray("healthCheckResults", new JsonArray());
        String healthy = health.isEmpty() ? "-"
            : health.stream().allMatch(h -> ((JsonObject) h).getBoolean("alive", false)) ? "healthy" : "unhealthy";
        rows.add(new String[] {task.getString("id"), task.getString("host", ""), task.getString("state", ""), healthy,
            task.getJsonArray("ports", new JsonArray()).encode(), String.valueOf(task.getValue("startedAt", "-"))});
      }
      out.print(io.meso.cli.Columns.format(rows));
      return ServicesHttp.Exit.OK;
    }

    /** The app's autoscale policy, and its last decision when there is one. */
    private void autoscale(JsonObject a) {
      out.println("autoscale: cpu target " + percent(a.getValue("targetCpuUtilization")) + " of its cpus, "
          + a.getValue("minInstances") + " to " + a.getValue("maxInstances") + " instances (stabilisation up "
          + a.getValue("scaleUpStabilizationSeconds") + " s, down " + a.getValue("scaleDownStabilizationSeconds") + " s)");
      if (a.getValue("lastDecision") instanceof JsonObject d) {
        out.println("autoscaled: at " + d.getString("timestamp") + " cpu " + (d.containsKey("cpuUtilization")
            ? percent(d.getValue("cpuUtilization")) : "n/a") + " over " + d.getValue("measuredInstances")
            + " measured instance(s) (" + d.getValue("unmeasuredInstances") + " unmeasured): "
            + d.getValue("instances") + " -> " + d.getValue("desiredInstances") + ", " + d.getString("reason"));
      }
    }

    private static String percent(Object fraction) {
      return fraction instanceof Number n ? AppsCommand.number(Math.round(n.doubleValue() * 1000) / 10.0) + "%" : "?";
    }

    /** Why the app's instances wait, from /v2/queue: the reasons offers were declined, most first. */
    private void waiting(ServicesHttp http) throws ServicesHttp.Unreachable, InterruptedException {
      ServicesHttp.Answer queue = http.send("GET", "/v2/queue", null);
      if (!queue.ok()) {
        return;
      }
      for (Object o : queue.json().getJsonArray("queue", new JsonArray())) {
        JsonObject item = (JsonObject) o;
        JsonObject app = item.getJsonObject("app", new JsonObject());
        if (!id(id).equals(app.getString("id"))) {
          continue;
        }
        StringBuilder line = new StringBuilder("waiting:   " + item.getInteger("count", 0) + " instance(s)");
        JsonObject delay = item.getJsonObject("delay", new JsonObject());
        if (!delay.getBoolean("overdue", true)) {
          line.append(", backing off ").append(delay.getValue("timeLeftSeconds")).append(" s");
        }
        JsonArray reasons = item.getJsonObject("processedOffersSummary", new JsonObject())
            .getJsonArray("rejectSummaryLastOffers", new JsonArray());
        List<String> declined = new ArrayList<>();
        for (Object r : reasons) {
          JsonObject reason = (JsonObject) r;
          if (reason.getInteger("declined", 0) > 0) {
            declined.add(reason.getString("reason") + " " + reason.getInteger("declined") + "/"
                + reason.getInteger("processed", 0));
          }
        }
        if (!declined.isEmpty()) {
          line.append("; offers declined: ").append(String.join(", ", declined));
        }
        out.println(line);
      }
    }
  }

  /** An id as the API renders it: absolute, without a trailing slash. */
  static String id(String id) {
    String path = ServicesHttp.appPath(id);
    return path.isEmpty() ? "/" : java.net.URLDecoder.decode(path, StandardCharsets.UTF_8);
  }

  @Command(name = "scale", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class, description = "Set how many instances an app runs.")
  static final class Scale extends Request {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "INSTANCES", description = "The number of instances, 0 or more.")
    int instances;

    @Option(names = "--force", description = "Cancel a deployment in the way instead of failing.")
    boolean force;

    @Override
    int run(ServicesHttp http) throws ServicesHttp.Unreachable, InterruptedException {
      if (instances < 0) {
        err.println("meso: INSTANCES is " + instances + "; expected 0 or more");
        return ServicesHttp.Exit.INVALID;
      }
      ServicesHttp.Answer answer = http.send("PUT", "/v2/apps" + ServicesHttp.appPath(id) + (force ? "?force=true" : ""),
          new JsonObject().put("instances", instances).encode());
      return deployed(id(id), "scaled to " + instances, answer);
    }
  }

  @Command(name = "restart", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class,
      description = "Replace every instance of an app, rolling as its upgradeStrategy allows.")
  static final class Restart extends Request {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--force", description = "Cancel a deployment in the way instead of failing.")
    boolean force;

    @Override
    int run(ServicesHttp http) throws ServicesHttp.Unreachable, InterruptedException {
      return deployed(id(id), "restarting", http.send("POST", "/v2/apps" + ServicesHttp.appPath(id) + "/restart"
          + (force ? "?force=true" : ""), null));
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class, description = "Stop an app's instances and remove it.")
  static final class Delete extends Request {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(ServicesHttp http) throws ServicesHttp.Unreachable, InterruptedException {
      return deployed(id(id), "deleting", http.send("DELETE", "/v2/apps" + ServicesHttp.appPath(id), null));
    }
  }
}
