package io.meso.services.runtime;

import io.meso.services.app.PathId;
import java.util.UUID;

/**
 * Marathon 1.8+ instance and task ids: instance {@code <safeId>.instance-<uuid>}, task
 * {@code <instanceId>._app.<n>}, where the safe id is the app id without its leading slash and
 * with {@code /} replaced by {@code _} (app id segments never contain {@code _}, so the app id can
 * be read back from a task id).
 */
public final class TaskIds {

  private static final String INSTANCE = ".instance-";
  private static final String APP_TASK = "._app.";

  private TaskIds() {}

  /** The safe form of an app id: {@code /prod/web} becomes {@code prod_web}. */
  public static String safeId(PathId appId) {
    return String.join("_", appId.segments());
  }

  /** A fresh instance id of {@code appId}. */
  public static String newInstanceId(PathId appId) {
    return safeId(appId) + INSTANCE + UUID.randomUUID();
  }

  /** The id of the {@code n}th task (1-based) of an instance. */
  public static String taskId(String instanceId, int n) {
    return instanceId + APP_TASK + n;
  }

  /** The instance a task id belongs to, or null if it is not a task id of this form. */
  public static String instanceIdOf(String taskId) {
    int at = taskId.lastIndexOf(APP_TASK);
    return at < 0 || taskId.indexOf(INSTANCE) < 0 ? null : taskId.substring(0, at);
  }

  /** The app a task or instance id belongs to, or null if it is not an id of this form. */
  public static PathId appIdOf(String id) {
    int at = id.indexOf(INSTANCE);
    return at <= 0 ? null : PathId.absolute(id.substring(0, at).replace('_', '/'));
  }
}
