package io.meso.master;

import io.meso.codecs.TaskEnd;
import io.meso.v1.AgentID;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;

/** Task state helpers and master-generated statuses. */
public final class Tasks {

  private Tasks() {}

  static double nowSeconds() {
    return System.currentTimeMillis() / 1000.0;
  }

  /**
   * The status the master sends, and records, when it ends a task for {@code why}: the state the
   * {@link TaskEnd} table gives this kind of framework (none: not partition-aware), and its reason.
   */
  static TaskStatus endStatus(TaskEnd why, FrameworkRecord framework, TaskID taskId, String agentId, String message) {
    boolean aware = framework != null && framework.partitionAware();
    return masterStatus(taskId, agentId, why.state(aware), why.reason(), message);
  }

  /** A status the master generates itself: no uuid, so it is neither retried nor acknowledged. */
  static TaskStatus masterStatus(TaskID taskId, String agentId, TaskState state, TaskStatus.Reason reason, String message) {
    TaskStatus.Builder status = TaskStatus.newBuilder()
        .setTaskId(taskId)
        .setState(state)
        .setSource(TaskStatus.Source.SOURCE_MASTER)
        .setReason(reason)
        .setMessage(message)
        .setTimestamp(nowSeconds());
    if (agentId != null && !agentId.isEmpty()) {
      status.setAgentId(AgentID.newBuilder().setValue(agentId));
    }
    return status.build();
  }
}
