package io.meso.security.acl;

import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
import io.meso.v1.TaskInfo;

/**
 * Redaction of secret values: an environment variable of type {@code SECRET} keeps its name but
 * its value becomes {@link #REDACTED} in anything shown (state, the UI's data, task listings) or
 * logged. Launching uses the original.
 */
public final class Secrets {

  /** What a secret value is shown as. */
  public static final String REDACTED = "<redacted>";

  private Secrets() {}

  /** {@code env} with every SECRET variable's value redacted (the same instance when it has none). */
  public static Environment redact(Environment env) {
    boolean any = env.getVariablesList().stream().anyMatch(v -> v.getType() == Environment.Variable.Type.SECRET);
    if (!any) {
      return env;
    }
    Environment.Builder out = env.toBuilder();
    for (int i = 0; i < out.getVariablesCount(); i++) {
      if (out.getVariables(i).getType() == Environment.Variable.Type.SECRET) {
        out.setVariables(i, out.getVariables(i).toBuilder().setValue(REDACTED));
      }
    }
    return out.build();
  }

  /** {@code command} with its environment's secrets redacted. */
  public static CommandInfo redact(CommandInfo command) {
    if (!command.hasEnvironment()) {
      return command;
    }
    Environment env = redact(command.getEnvironment());
    return env == command.getEnvironment() ? command : command.toBuilder().setEnvironment(env).build();
  }

  /** {@code task} with its command's (and its health check command's) secrets redacted. */
  public static TaskInfo redact(TaskInfo task) {
    TaskInfo.Builder out = null;
    if (task.hasCommand()) {
      CommandInfo c = redact(task.getCommand());
      if (c != task.getCommand()) {
        out = task.toBuilder().setCommand(c);
      }
    }
    if (task.hasHealthCheck() && task.getHealthCheck().hasCommand()) {
      CommandInfo c = redact(task.getHealthCheck().getCommand());
      if (c != task.getHealthCheck().getCommand()) {
        out = (out == null ? task.toBuilder() : out);
        out.setHealthCheck(task.getHealthCheck().toBuilder().setCommand(c));
      }
    }
    return out == null ? task : out.build();
  }
}
