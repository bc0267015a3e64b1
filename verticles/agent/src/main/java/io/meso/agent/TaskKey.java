package io.meso.agent;

import java.util.Objects;

/** A task's identity on an agent: task ids are unique per framework only. */
record TaskKey(String frameworkId, String taskId) {
  TaskKey {
    Objects.requireNonNull(frameworkId, "frameworkId");
    Objects.requireNonNull(taskId, "taskId");
  }

  @Override
  public String toString() {
    return "framework_id=" + frameworkId + " task_id=" + taskId;
  }
}
