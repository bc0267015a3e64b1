package io.meso.security.acl;

import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskInfo;

/**
 * The OS user a task runs as, which is the object of {@code run_tasks}, {@code view_tasks} and
 * {@code access_sandboxes} for it: its command's user, else its framework's (as Mesos). One rule
 * for the master's checks and the agent's views.
 */
public final class TaskUser {

  private TaskUser() {}

  /** The task's command user, else the framework's user; null when neither is known. */
  public static String of(TaskInfo task, FrameworkInfo framework) {
    if (task.hasCommand() && task.getCommand().hasUser() && !task.getCommand().getUser().isEmpty()) {
      return task.getCommand().getUser();
    }
    return framework == null ? null : framework.getUser();
  }
}
