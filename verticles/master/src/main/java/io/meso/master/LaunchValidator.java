package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.v1.CommandInfo;
import io.meso.v1.Resource;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskStatus;
import io.meso.v1.Value;
import java.util.Set;

/**
 * Checks one task of a LAUNCH operation before the master accepts it. Each failure names the
 * field and the value that was wrong and what is allowed, and carries the Mesos reason the
 * framework receives with TASK_ERROR.
 */
final class LaunchValidator {

  /** Why a task was refused. */
  record Rejection(TaskStatus.Reason reason, String message) {}

  private LaunchValidator() {}

  /**
   * Validates {@code task} (at {@code field}, e.g. "accept.operations[0].launch.task_infos[1]")
   * against the agent the offers are on, the framework's task ids still in use and the
   * resources the offers have left. Returns null when the task is acceptable.
   */
  static Rejection validate(String field, TaskInfo task, String offeredAgentId, Set<String> activeTaskIds,
      Resources available) {
    if (!task.hasTaskId() || task.getTaskId().getValue().isEmpty()) {
      return invalid(field + ".task_id is missing; every task needs a task_id unique within its framework");
    }
    String taskId = task.getTaskId().getValue();
    try {
      InputLimits.checkTask(field, task);
    } catch (CallException e) {
      return invalid(e.getMessage());
    }
    if (taskId.contains("/") || taskId.equals(".") || taskId.equals("..") || hasControlOrSpace(taskId)) {
      return invalid(field + ".task_id '" + taskId + "' is not allowed; use letters, digits, '-', '_' or '.', "
          + "no '/', spaces or control characters");
    }
    if (taskId.length() > 255) {
      return invalid(field + ".task_id is " + taskId.length() + " characters long; at most 255 are allowed");
    }
    if (activeTaskIds.contains(taskId)) {
      return invalid(field + ".task_id '" + taskId + "' is already used by a task of this framework that has not "
          + "finished; task ids must be unique among a framework's active tasks");
    }
    if (!task.hasName() || task.getName().isEmpty()) {
      return invalid(field + ".name is missing for task '" + taskId + "'; give the task a name");
    }
    if (!task.hasAgentId() || task.getAgentId().getValue().isEmpty()) {
      return invalid(field + ".agent_id is missing for task '" + taskId + "'; set it to the offer's agent_id '"
          + offeredAgentId + "'");
    }
    if (!task.getAgentId().getValue().equals(offeredAgentId)) {
      return invalid(field + ".agent_id '" + task.getAgentId().getValue() + "' of task '" + taskId
          + "' differs from the offers' agent '" + offeredAgentId + "'; a task must use offers of its own agent");
    }
    if (task.hasExecutor() && !task.hasCommand()) {
      return invalid(field + ".executor is set for task '" + taskId + "'; custom executors are not supported, "
          + "set command instead");
    }
    if (task.hasExecutor() && task.hasCommand()) {
      return invalid(field + " of task '" + taskId + "' sets both command and executor; set only command");
    }
    Rejection command = validateCommand(field + ".command", taskId, task);
    if (command != null) {
      return command;
    }
    if (task.hasHealthCheck()) {
      String error = io.meso.codecs.HealthChecks.validate(field + ".health_check", task.getHealthCheck());
      if (error != null) {
        return invalid(error + " (task '" + taskId + "')");
      }
    }
    String container = io.meso.codecs.ContainerChecks.problem(task);
    if (container != null) {
      return invalid(field + "." + container + " (task '" + taskId + "')");
    }
    if (task.getResourcesCount() == 0) {
      return invalid(field + ".resources is empty for task '" + taskId + "'; a task needs some resources, "
          + "e.g. cpus:0.1;mem:32");
    }
    for (int i = 0; i < task.getResourcesCount(); i++) {
      Resource r = task.getResources(i);
      if (r.getType() == Value.Type.SCALAR && r.hasScalar() && r.getScalar().getValue() == 0.0) {
        return invalid(field + ".resources[" + i + "] '" + r.getName() + "' of task '" + taskId
            + "' is 0; a task's scalar resources must be positive");
      }
    }
    Resources needed;
    try {
      needed = Resources.fromProto(task.getResourcesList());
    } catch (IllegalArgumentException e) {
      return invalid(field + ": task '" + taskId + "': " + e.getMessage());
    }
    if (!available.contains(needed)) {
      return invalid("task '" + taskId + "' needs " + needed + " but the offers have only " + available
          + " left; use only offered resources");
    }
    return null;
  }

  private static Rejection validateCommand(String field, String taskId, TaskInfo task) {
    if (!task.hasCommand()) {
      return invalid(field + " is missing for task '" + taskId + "'; set command.value to what the task runs");
    }
    CommandInfo command = task.getCommand();
    if (!command.hasValue() || command.getValue().isBlank()) {
      String expected = command.getShell() ? "a shell command such as 'echo hello'" : "the executable to run";
      return invalid(field + ".value is empty for task '" + taskId + "'; expected " + expected);
    }
    for (int i = 0; i < command.getEnvironment().getVariablesCount(); i++) {
      String name = command.getEnvironment().getVariables(i).getName();
      if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0) {
        return invalid(field + ".environment.variables[" + i + "].name '" + name + "' of task '" + taskId
            + "' is not a valid variable name; it must be non-empty without '=' or NUL");
      }
    }
    return null;
  }

  private static boolean hasControlOrSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return true;
      }
    }
    return false;
  }

  private static Rejection invalid(String message) {
    return new Rejection(TaskStatus.Reason.REASON_TASK_INVALID, message);
  }
}
