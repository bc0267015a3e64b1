package io.meso.services.app.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The read-only fields /v2/apps adds to an app definition, which the runtime knows and the
 * definition does not: task counts, the ids of the deployments touching the app, and, when the
 * caller embeds them, the app's tasks (§4 task JSON) and its last task failure
 * ({@code {appId,host,message,state,taskId,timestamp,version,slaveId}}); null ones are left out.
 */
public record AppStatus(
    int tasksStaged,
    int tasksRunning,
    int tasksHealthy,
    int tasksUnhealthy,
    List<String> deploymentIds,
    JsonArray tasks,
    JsonObject lastTaskFailure) {

  /** An app with no tasks and no deployment, as right after it was created with 0 instances. */
  public static final AppStatus NONE = new AppStatus(0, 0, 0, 0, List.of(), null, null);

  public AppStatus {
    deploymentIds = List.copyOf(deploymentIds);
    tasks = tasks == null ? null : tasks.copy();
    lastTaskFailure = lastTaskFailure == null ? null : lastTaskFailure.copy();
  }

  @Override
  public JsonArray tasks() {
    return tasks == null ? null : tasks.copy();
  }

  @Override
  public JsonObject lastTaskFailure() {
    return lastTaskFailure == null ? null : lastTaskFailure.copy();
  }

  /** These counts with the given deployments. */
  public AppStatus withDeployments(List<String> ids) {
    return new AppStatus(tasksStaged, tasksRunning, tasksHealthy, tasksUnhealthy, ids, tasks, lastTaskFailure);
  }
}
