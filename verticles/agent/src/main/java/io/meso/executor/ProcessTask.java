package io.meso.executor;

import io.meso.executor.isolation.Container;
import io.meso.executor.isolation.Limitation;
import io.meso.executor.isolation.cgroups.TaskCgroup;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The process executor's record of one task, from LaunchTask to its terminal status.
 * Event-loop confined, except that {@link #members()} is called off the loop once the task has
 * been spawned (it only reads fields that are final by then).
 */
final class ProcessTask {

  final LaunchTask launch;
  /** Set once spawned (null while spawning, and for an adopted task: not this JVM's child). */
  Process process;
  long leader;
  /** The leader's start time (see {@link ProcessTree#startTime}), -1 when unknown. */
  long startTime = -1;
  /** Recovered after an agent restart: watched by polling its pid rather than by waiting on it. */
  boolean adopted;
  /** What the isolators know and made for the task (its cgroups among them). */
  final Container container;
  /** A limit the task ran into while it ran (it is being killed for it); null unless so. */
  Limitation limitation;
  boolean killRequested;
  boolean killedDuringLaunch;
  long graceTimer = -1;
  /** Exit status once the main process exited and was reaped. */
  Integer exitStatus;
  /** After a kill: nothing of the tree is left (or it was SIGKILLed after the grace period). */
  boolean treeGone;
  boolean terminal;
  /** Runs the task's health check while it runs; null without one. */
  HealthChecker health;
  /** Why the health checker had the task killed; null unless it did. */
  String killedByHealthCheck;

  /** The docker container this task runs as (docker containerizer), null for a plain process. */
  String dockerName;
  /** The GPU indices the task holds; empty without gpus. */
  java.util.List<Integer> gpus = java.util.List.of();

  ProcessTask(LaunchTask launch) {
    this.launch = launch;
    this.container = new Container(launch.frameworkId(), launch.task(), Path.of(launch.sandbox()), this::members);
  }

  /** The task's cgroups, or null without cgroups isolation. */
  TaskCgroup cgroup() {
    return container.cgroup();
  }

  String taskId() {
    return launch.taskId();
  }

  /**
   * Blocking: the live processes of the task: its session/process group (skipped once the
   * leader was reaped and its pid is in use again, see {@link ProcessTree}), the leader's
   * descendants while it lives, and everything in its cgroups.
   */
  Set<Long> members() {
    Set<Long> pids = new HashSet<>();
    boolean leaderReaped = process != null ? !process.isAlive() : !ProcessTree.alive(leader, startTime);
    if (!leaderReaped) {
      pids.add(leader);
      (process != null ? process.descendants() : ProcessHandle.of(leader).stream().flatMap(ProcessHandle::descendants))
          .forEach(h -> pids.add(h.pid()));
    }
    if (!leaderReaped || !ProcessTree.alive(leader)) {
      pids.addAll(ProcessTree.members(leader));
    }
    TaskCgroup cgroup = container.cgroup();
    if (cgroup != null) {
      pids.addAll(cgroup.pids());
    }
    return pids;
  }

  /**
   * Blocking: SIGKILLs the tree until nothing is left (a few passes catch processes forked
   * meanwhile; a v2 cgroup is killed whole by the kernel as well).
   */
  Set<Long> killTree() throws InterruptedException {
    Set<Long> left = members();
    for (int pass = 0; pass < 20 && !left.isEmpty(); pass++) {
      TaskCgroup cgroup = container.cgroup();
      if (cgroup != null) {
        cgroup.kill();
      }
      ProcessTree.signal(left, true);
      Thread.sleep(pass == 0 ? 1 : 5);
      left = members();
    }
    return left;
  }
}
