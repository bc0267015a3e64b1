package io.meso.executor.isolation.cgroups;

/**
 * The cgroup controllers Meso's isolators use. In cgroups v1 each is a hierarchy of its own
 * (cpu and cpuacct often share one mount); in v2 they are enabled per subtree of the one
 * unified hierarchy, where cpu time accounting needs no controller at all.
 */
public enum Controller {
  CPU("cpu"),
  CPUACCT("cpuacct"),
  MEMORY("memory"),
  PIDS("pids");

  private final String v1Name;

  Controller(String v1Name) {
    this.v1Name = v1Name;
  }

  /** The controller's name: its v1 hierarchy's directory under the cgroup base, and its v2 name. */
  public String fileName() {
    return v1Name;
  }
}
