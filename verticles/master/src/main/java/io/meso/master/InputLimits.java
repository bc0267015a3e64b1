package io.meso.master;

import io.meso.v1.CommandInfo;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Label;
import io.meso.v1.Labels;
import io.meso.v1.TaskInfo;
import java.nio.charset.StandardCharsets;

/**
 * Size limits on everything a framework or operator sends the master, so that one oversized call
 * cannot grow the master's state (and GET_STATE, and every client reading it) by megabytes.
 * Checked where launches and subscriptions are validated, for every door. Each refusal names the
 * field, the value (truncated) and the limit.
 *
 * <p>The limits follow Mesos practice where it has one (ids are path components on the agent:
 * 255 bytes, as a file name) and are otherwise generous for real use: names and principals 1 KiB,
 * a label key 256 bytes and value 4 KiB with at most 64 labels and 16 KiB in all, a command 64 KiB,
 * 1,024 arguments or environment variables with 64 KiB each in all, 128 resources per task, and
 * a whole TaskInfo 256 KiB / FrameworkInfo 64 KiB serialized as the catch-all.
 */
final class InputLimits {

  static final int MAX_ID_BYTES = 255;
  static final int MAX_NAME_BYTES = 1024;
  static final int MAX_HOSTNAME_BYTES = 255;
  static final int MAX_ROLE_BYTES = 255;
  static final int MAX_ROLES = 64;
  static final int MAX_LABELS = 64;
  static final int MAX_LABEL_KEY_BYTES = 256;
  static final int MAX_LABEL_VALUE_BYTES = 4 * 1024;
  static final int MAX_LABELS_TOTAL_BYTES = 16 * 1024;
  static final int MAX_COMMAND_BYTES = 64 * 1024;
  static final int MAX_ARGUMENTS = 1024;
  static final int MAX_ARGUMENTS_TOTAL_BYTES = 64 * 1024;
  static final int MAX_ENVIRONMENT_VARIABLES = 1024;
  static final int MAX_ENVIRONMENT_TOTAL_BYTES = 64 * 1024;
  static final int MAX_URIS = 64;
  static final int MAX_RESOURCES = 128;
  static final int MAX_TASK_INFO_BYTES = 256 * 1024;
  static final int MAX_FRAMEWORK_INFO_BYTES = 64 * 1024;

  private static final int SHOWN_CHARS = 64;

  private InputLimits() {}

  /** The value's first characters, for an error message. */
  static String shown(String s) {
    return s.length() <= SHOWN_CHARS ? "'" + s + "'" : "'" + s.substring(0, SHOWN_CHARS) + "...' ("
        + s.length() + " characters)";
  }

  /** Throws naming {@code field} when {@code value} is longer than {@code max} bytes in UTF-8. */
  static void checkString(String field, String value, int max) {
    if (value.length() > max || value.getBytes(StandardCharsets.UTF_8).length > max) {
      throw tooLong(field, value, max);
    }
  }

  static CallException tooLong(String field, String value, int max) {
    return CallException.invalid(field + " is " + value.getBytes(StandardCharsets.UTF_8).length + " bytes ("
        + shown(value) + "); at most " + max + " bytes are allowed");
  }

  static void checkCount(String field, int count, int max) {
    if (count > max) {
      throw CallException.invalid(field + " has " + count + " entries; at most " + max + " are allowed");
    }
  }

  static void checkLabels(String field, Labels labels) {
    checkCount(field + ".labels", labels.getLabelsCount(), MAX_LABELS);
    long total = 0;
    for (int i = 0; i < labels.getLabelsCount(); i++) {
      Label l = labels.getLabels(i);
      checkString(field + ".labels[" + i + "].key", l.getKey(), MAX_LABEL_KEY_BYTES);
      checkString(field + ".labels[" + i + "].value", l.getValue(), MAX_LABEL_VALUE_BYTES);
      total += l.getKey().length() + l.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (total > MAX_LABELS_TOTAL_BYTES) {
      throw CallException.invalid(field + ".labels total " + total + " bytes of keys and values; at most "
          + MAX_LABELS_TOTAL_BYTES + " are allowed");
    }
  }

  /** SUBSCRIBE's framework_info. */
  static void checkFrameworkInfo(FrameworkInfo info) {
    String f = "framework_info";
    checkString(f + ".name", info.getName(), MAX_NAME_BYTES);
    checkString(f + ".user", info.getUser(), MAX_NAME_BYTES);
    checkString(f + ".principal", info.getPrincipal(), MAX_NAME_BYTES);
    checkString(f + ".hostname", info.getHostname(), MAX_HOSTNAME_BYTES);
    checkString(f + ".webui_url", info.getWebuiUrl(), MAX_NAME_BYTES);
    checkString(f + ".id", info.getId().getValue(), MAX_ID_BYTES);
    checkString(f + ".role", info.getRole(), MAX_ROLE_BYTES);
    checkCount(f + ".roles", info.getRolesCount(), MAX_ROLES);
    for (int i = 0; i < info.getRolesCount(); i++) {
      checkString(f + ".roles[" + i + "]", info.getRoles(i), MAX_ROLE_BYTES);
    }
    checkLabels(f, info.getLabels());
    if (info.getSerializedSize() > MAX_FRAMEWORK_INFO_BYTES) {
      throw CallException.invalid(f + " is " + info.getSerializedSize() + " bytes serialized; at most "
          + MAX_FRAMEWORK_INFO_BYTES + " are allowed");
    }
  }

  /** One task of a LAUNCH or LAUNCH_GROUP ({@code field} names it); a CallException's message is the rejection. */
  static void checkTask(String field, TaskInfo task) {
    checkString(field + ".task_id", task.getTaskId().getValue(), MAX_ID_BYTES);
    checkString(field + ".name", task.getName(), MAX_NAME_BYTES);
    checkString(field + ".agent_id", task.getAgentId().getValue(), MAX_ID_BYTES);
    checkCount(field + ".resources", task.getResourcesCount(), MAX_RESOURCES);
    checkLabels(field, task.getLabels());
    if (task.hasCommand()) {
      CommandInfo c = task.getCommand();
      String cf = field + ".command";
      checkString(cf + ".value", c.getValue(), MAX_COMMAND_BYTES);
      checkString(cf + ".user", c.getUser(), MAX_NAME_BYTES);
      checkCount(cf + ".arguments", c.getArgumentsCount(), MAX_ARGUMENTS);
      long args = 0;
      for (String a : c.getArgumentsList()) {
        args += a.getBytes(StandardCharsets.UTF_8).length;
      }
      if (args > MAX_ARGUMENTS_TOTAL_BYTES) {
        throw CallException.invalid(cf + ".arguments total " + args + " bytes; at most " + MAX_ARGUMENTS_TOTAL_BYTES
            + " are allowed");
      }
      checkCount(cf + ".environment.variables", c.getEnvironment().getVariablesCount(), MAX_ENVIRONMENT_VARIABLES);
      long env = 0;
      for (var v : c.getEnvironment().getVariablesList()) {
        env += v.getName().getBytes(StandardCharsets.UTF_8).length + v.getValue().getBytes(StandardCharsets.UTF_8).length;
      }
      if (env > MAX_ENVIRONMENT_TOTAL_BYTES) {
        throw CallException.invalid(cf + ".environment total " + env + " bytes of names and values; at most "
            + MAX_ENVIRONMENT_TOTAL_BYTES + " are allowed");
      }
      checkCount(cf + ".uris", c.getUrisCount(), MAX_URIS);
    }
    if (task.getSerializedSize() > MAX_TASK_INFO_BYTES) {
      throw CallException.invalid(field + " is " + task.getSerializedSize() + " bytes serialized; at most "
          + MAX_TASK_INFO_BYTES + " are allowed (data, labels, command and the rest together)");
    }
  }
}
