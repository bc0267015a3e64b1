package io.meso.services.deploy;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The latest outcome of a readiness check on a new instance during a deployment, shown in the
 * deployment's {@code currentActions[].readinessCheckResults} (Marathon's
 * {@code TaskReadinessCheckResult}).
 *
 * @param name the check's name
 * @param taskId the instance checked
 * @param ready whether the answer was one of the ready status codes
 * @param lastResponse the last HTTP answer, null unless the check preserves it
 */
public record ReadinessCheckResult(String name, String taskId, boolean ready, HttpResponse lastResponse) {

  /** One HTTP answer of a readiness check. */
  public record HttpResponse(int status, String contentType, String body) {}

  public ReadinessCheckResult {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(taskId, "taskId");
  }

  /** {@code {"taskId","lastResponse":{status,contentType,body},"name","ready"}}, lastResponse only if kept. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("taskId", taskId);
    if (lastResponse != null) {
      o.put("lastResponse", new JsonObject().put("body", lastResponse.body())
          .put("contentType", lastResponse.contentType()).put("status", lastResponse.status()));
    }
    return o.put("name", name).put("ready", ready);
  }
}
