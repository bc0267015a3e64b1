package io.meso.executor.docker;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Container names: {@code mesos-<agentId>.<containerId>}, the form Mesos's docker containerizer
 * used, so an agent lists its own containers by the prefix {@code mesos-<agentId>.}. The
 * container id is a name-based UUID of the framework and task id: the same task always gets the
 * same name, so a restarted agent computes it again from the checkpointed TaskInfo.
 */
public final class DockerNames {

  private DockerNames() {}

  /** The prefix of every container name of this agent. */
  public static String prefix(String agentId) {
    return "mesos-" + clean(agentId) + ".";
  }

  /** The container name of a task. */
  public static String of(String agentId, String frameworkId, String taskId) {
    UUID id = UUID.nameUUIDFromBytes((frameworkId + '\0' + taskId).getBytes(StandardCharsets.UTF_8));
    return prefix(agentId) + id;
  }

  /** Docker allows [a-zA-Z0-9][a-zA-Z0-9_.-]* in names; anything else becomes '_'. */
  static String clean(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      out.append(ok ? c : '_');
    }
    return out.toString();
  }
}
