package io.meso.cli.services;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code meso deployments}: the services framework's running deployments (GET /v2/deployments). */
@Command(name = "deployments", mixinStandardHelpOptions = true, defaultValueProvider = io.meso.cli.MesoDefaults.class,
    description = "List the running deployments of apps: their step and what they are doing.",
    exitCodeListHeading = "Exit codes:%n", exitCodeList = {"0:listed", "1:refused", "2:no master answered"})
public final class DeploymentsCommand implements Callable<Integer> {

  @Mixin
  MasterOption master;

  @Override
  public Integer call() throws InterruptedException {
    try {
      ServicesHttp.Answer answer = master.client().send("GET", "/v2/deployments", null);
      if (!answer.ok()) {
        return ServicesHttp.refused(System.err, "listing deployments", answer);
      }
      JsonArray deployments = answer.jsonArray();
      if (deployments.isEmpty()) {
        System.out.println("no deployments running");
        return ServicesHttp.Exit.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"ID", "APPS", "STEP", "DOING", "VERSION"});
      for (int i = 0; i < deployments.size(); i++) {
        JsonObject d = deployments.getJsonObject(i);
        List<String> doing = new ArrayList<>();
        for (Object a : d.getJsonArray("currentActions", new JsonArray())) {
          JsonObject action = (JsonObject) a;
          doing.add(action.getString("action") + " " + action.getString("app"));
        }
        rows.add(new String[] {d.getString("id"), String.join(",", d.getJsonArray("affectedApps", new JsonArray())
            .stream().map(String::valueOf).toList()), d.getValue("currentStep") + "/" + d.getValue("totalSteps"),
            String.join(", ", doing), d.getString("version", "")});
      }
      System.out.print(io.meso.cli.Columns.format(rows));
      return ServicesHttp.Exit.OK;
    } catch (ServicesHttp.Unreachable e) {
      System.err.println("meso: " + e.getMessage());
      return ServicesHttp.Exit.UNREACHABLE;
    }
  }
}
