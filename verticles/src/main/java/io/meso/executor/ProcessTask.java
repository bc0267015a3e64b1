package io.meso.executor;

import java.util.HashSet;
import java.util.Set;

/**
 * The process executor's record of one task, from LaunchTask to its terminal status.
 * Event-loop confined, except that {@link #members()} is called off the loop once the task has
 * been spawned (it only reads fields that are final by then).
 */
final class ProcessTask {

  final LaunchTask launch;
  /** Set once spawned (null while spawning). */
  Process process;
  long leader;
  TaskCgroup cgroup;
  boolean killRequested;
  boolean killedDuringLaunch;
  long graceTimer = -1;
  /** Exit status once the main process exited and was reaped. */
  Integer exitStatus;
  /** After a kill: nothing of the tree is left (or it was SIGKILLed after the grace period). */
  boolean treeGone;
  boolean terminal;

  ProcessTask(LaunchTask launch) {
    this.launch = launch;
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
    boolean leaderReaped = !process.isAlive();
    if (!leaderReaped) {
      pids.add(leader);
      process.descendants().forEach(h -> pids.add(h.pid()));
    }
    if (!leaderReaped || !ProcessTree.alive(leader)) {
      pids.addAll(ProcessTree.members(leader));
    }
    if (cgroup != null) {
      pids.addAll(cgroup.pids());
    }
    return pids;
  }

  /** Blocking: SIGKILLs the tree until nothing is left (a few passes catch processes forked meanwhile). */
  Set<Long> killTree() throws InterruptedException {
    Set<Long> left = members();
    for (int pass = 0; pass < 20 && !left.isEmpty(); pass++) {
      ProcessTree.signal(left, true);
      Thread.sleep(pass == 0 ? 1 : 5);
      left = members();
    }
    return left;
  }
}
