package io.meso.cli.services;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code meso apps}: the services framework's apps as a table (GET /v2/apps). */
@Command(name = "apps", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class,
    description = "List the long-running apps: instances running, healthy and staged of those asked for.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:listed", "1:refused", "2:no master answered"})
public final class AppsCommand implements Callable<Integer> {

  static final String[] HEADER = {"ID", "INSTANCES", "HEALTHY", "STAGED", "CPUS", "MEM", "DEPLOYING", "COMMAND"};
  private static final int MAX_COMMAND = 50;

  @Mixin
  MasterOption master;

  @Override
  public Integer call() throws InterruptedException {
    try {
      ServicesHttp.Answer answer = master.client().send("GET", "/v2/apps", null);
      if (!answer.ok()) {
        return ServicesHttp.refused(System.err, "listing apps", answer);
      }
      JsonArray apps = answer.json().getJsonArray("apps", new JsonArray());
      if (apps.isEmpty()) {
        System.out.println("no apps (meso app run FILE starts one)");
        return ServicesHttp.Exit.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(HEADER);
      for (int i = 0; i < apps.size(); i++) {
        JsonObject app = apps.getJsonObject(i);
        String command = app.getString("cmd", app.getJsonArray("args") == null ? "" : app.getJsonArray("args").encode());
        rows.add(new String[] {
            app.getString("id"),
            app.getInteger("tasksRunning", 0) + "/" + app.getInteger("instances", 0),
            String.valueOf(app.getInteger("tasksHealthy", 0)),
            String.valueOf(app.getInteger("tasksStaged", 0)),
            number(app.getValue("cpus")),
            number(app.getValue("mem")),
            app.getJsonArray("deployments", new JsonArray()).isEmpty() ? "-" : "yes",
            command.length() > MAX_COMMAND ? command.substring(0, MAX_COMMAND - 3) + "..." : command});
      }
      System.out.print(io.meso.cli.Columns.format(rows));
      return ServicesHttp.Exit.OK;
    } catch (ServicesHttp.Unreachable e) {
      System.err.println("meso: " + e.getMessage());
      return ServicesHttp.Exit.UNREACHABLE;
    }
  }

  static String number(Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
    return value == null ? "" : value.toString();
  }
}
