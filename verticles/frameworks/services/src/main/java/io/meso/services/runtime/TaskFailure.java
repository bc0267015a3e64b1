package io.meso.services.runtime;

import io.meso.services.app.json.AppWriter;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The last task of an app that ended without being asked to (failed, errored, lost, or killed by
 * its health check), as {@code lastTaskFailure} shows it.
 */
record TaskFailure(String appId, String host, String message, String state, String taskId,
    Instant timestamp, Instant version, String agentId) {

  TaskFailure(Instance i, String message, Instant now) {
    this(i.app.id().toString(), i.host, message == null ? "" : message, i.state.name(),
        i.taskId.getValue(), now, i.app.version(), i.agentId.getValue());
  }

  /** {@code {appId,host,message,state,taskId,timestamp,version,slaveId}}. */
  JsonObject toJson() {
    return new JsonObject().put("appId", appId).put("host", host).put("message", message)
        .put("state", state).put("taskId", taskId).put("timestamp", AppWriter.timestamp(timestamp))
        .put("version", AppWriter.timestamp(version)).put("slaveId", agentId);
  }
}
