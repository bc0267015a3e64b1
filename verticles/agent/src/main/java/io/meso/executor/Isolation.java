package io.meso.executor;

import java.nio.file.Path;

/**
 * How the process executor isolates a task. Every mode runs each task in its own session
 * (and so its own process group), which is how its whole process tree is found and killed.
 */
public enum Isolation {
  /** {@link #CGROUPS} when cgroups v1 memory and cpu hierarchies are writable, else {@link #POSIX}. */
  AUTO,
  /** Per-task cgroups v1 (memory limit, cpu shares); the cgroup also catches escaped daemons. */
  CGROUPS,
  /** Sessions and process groups only: no resource limits. */
  POSIX;

  /** The concrete mode for this machine: never {@link #AUTO}. */
  public Isolation resolve(Path cgroupBase) {
    if (this != AUTO) {
      return this;
    }
    return Cgroups.available(cgroupBase) ? CGROUPS : POSIX;
  }
}
