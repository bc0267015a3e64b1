package io.meso.executor.isolation;

import java.util.Locale;

/**
 * The isolators an agent can be given with {@code --isolation}, by their Mesos-style names.
 * Each one is a small {@link Isolator}; {@link Isolators} puts the chosen ones together.
 */
public enum IsolatorName {
  /** cpu.shares (v2 cpu.weight) = 1024 x cpus and a CFS quota of cpus x period; cpu time and throttling. */
  CGROUPS_CPU("cgroups/cpu"),
  /** A memory limit of mem MB; any OOM kill in the task's cgroup fails it (REASON_CONTAINER_LIMITATION_MEMORY). */
  CGROUPS_MEM("cgroups/mem"),
  /** A process limit (pids.max); a task that failed after forks were refused is told so. */
  CGROUPS_PIDS("cgroups/pids"),
  /** The task in its own pid namespace with its own /proc: it sees only its tree, and its end ends the tree. */
  NAMESPACES_PID("namespaces/pid"),
  /** The task in a mount namespace where the cgroup filesystem is read-only, without CAP_SYS_ADMIN to undo it. */
  FILESYSTEM_CGROUP_RO("filesystem/cgroup-ro"),
  /** Sandbox disk usage against the task's disk (REASON_CONTAINER_LIMITATION_DISK). */
  DISK_DU("disk/du"),
  /** Reports a task that listens on a TCP port outside the ports it was given. */
  NETWORK_PORTS("network/ports"),
  /** Resident memory summed from /proc, polled; the task is killed over its mem (REASON_CONTAINER_LIMITATION_MEMORY). */
  POSIX_MEM("posix/mem");

  private final String text;

  IsolatorName(String text) {
    this.text = text;
  }

  /** The name as written in {@code --isolation}, e.g. {@code cgroups/mem}. */
  public String text() {
    return text;
  }

  /** The isolator of this name, or null. */
  public static IsolatorName of(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    for (IsolatorName n : values()) {
      if (n.text.equals(wanted)) {
        return n;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return text;
  }
}
