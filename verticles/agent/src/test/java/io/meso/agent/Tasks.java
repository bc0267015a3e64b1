package io.meso.agent;

import com.google.protobuf.ByteString;
import io.meso.internal.RunTaskMessage;
import io.meso.v1.CommandInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;

/** Builders for the master-to-agent messages the agent tests send. */
final class Tasks {

  static final String FRAMEWORK = "fw-test";

  private Tasks() {}

  static FrameworkInfo framework(String frameworkId, FrameworkInfo.Capability.Type... capabilities) {
    FrameworkInfo.Builder framework = FrameworkInfo.newBuilder().setName("test").setUser("")
        .setId(FrameworkID.newBuilder().setValue(frameworkId));
    for (FrameworkInfo.Capability.Type type : capabilities) {
      framework.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(type));
    }
    return framework.build();
  }

  static TaskInfo task(String taskId, String shellCommand) {
    return TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .setCommand(CommandInfo.newBuilder().setValue(shellCommand)).build();
  }

  static RunTaskMessage run(FrameworkInfo framework, TaskInfo task) {
    return RunTaskMessage.newBuilder().setFramework(framework).setTask(task).build();
  }

  static RunTaskMessage run(String taskId, String shellCommand) {
    return run(framework(FRAMEWORK), task(taskId, shellCommand));
  }

  /** A simulated task that runs for {@code millis} (its data). */
  static RunTaskMessage simulated(String taskId, long millis) {
    return run(framework(FRAMEWORK), task(taskId, "true").toBuilder()
        .setData(ByteString.copyFromUtf8(Long.toString(millis))).build());
  }
}
