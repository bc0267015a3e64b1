package io.meso.executor.isolation;

import io.meso.executor.isolation.cgroups.TaskCgroup;
import io.meso.v1.Resource;
import io.meso.v1.TaskInfo;
import io.meso.v1.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the isolators know about one task: who it is, what it was given (cpus, mem, disk, ports),
 * where its sandbox is, its leader's host pid once spawned, how to list its live processes, and
 * what the isolators made for it (its cgroups). Created by the executor before spawning; read by
 * the isolators on worker threads, hence the volatile fields.
 */
public final class Container {

  private final String frameworkId;
  private final String taskId;
  private final TaskInfo task;
  private final Path sandbox;
  private final Supplier<Set<Long>> members;
  private volatile long leader;
  /** System.nanoTime() when the leader was set (spawned, or adopted). */
  private volatile long since;
  /** The live processes as listed for the current watch tick (one /proc scan for all tasks), or null. */
  private volatile Set<Long> membersNow;
  private volatile TaskCgroup cgroup;
  /** The host pid of the task's pid namespace's init, once found (see PidNamespaceIsolator). */
  private volatile long namespaceInit;
  /** Ports already reported as used outside the task's own (each is reported once). */
  private final Set<Integer> reportedPorts = ConcurrentHashMap.newKeySet();
  /** System.nanoTime() of the last ports check; 0 before the first. */
  private volatile long portsCheckedAt;

  /**
   * @param members lists the host pids of the task's live processes (blocking /proc and cgroup reads)
   */
  public Container(String frameworkId, TaskInfo task, Path sandbox, Supplier<Set<Long>> members) {
    this.frameworkId = Objects.requireNonNull(frameworkId, "frameworkId");
    this.task = Objects.requireNonNull(task, "task");
    this.taskId = task.getTaskId().getValue();
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.members = Objects.requireNonNull(members, "members");
  }

  public String frameworkId() {
    return frameworkId;
  }

  public String taskId() {
    return taskId;
  }

  public TaskInfo task() {
    return task;
  }

  public Path sandbox() {
    return sandbox;
  }

  /** The sum of the task's scalar resources of this name (0 when it has none). */
  public double scalar(String name) {
    return scalar(task, name);
  }

  /** The sum of the task's scalar resources of this name (0 when it has none). */
  public static double scalar(TaskInfo task, String name) {
    double total = 0;
    for (Resource r : task.getResourcesList()) {
      if (r.getName().equals(name) && r.getType() == Value.Type.SCALAR) {
        total += r.getScalar().getValue();
      }
    }
    return total;
  }

  /** The task's port ranges, as [begin, end] pairs. */
  public List<long[]> ports() {
    List<long[]> ranges = new ArrayList<>();
    for (Resource r : task.getResourcesList()) {
      if (r.getName().equals("ports") && r.getType() == Value.Type.RANGES) {
        for (Value.Range range : r.getRanges().getRangeList()) {
          ranges.add(new long[] {range.getBegin(), range.getEnd()});
        }
      }
    }
    return ranges;
  }

  /** Blocking: the host pids of the task's live processes (as listed for this watch tick, if it was). */
  public Set<Long> members() {
    Set<Long> now = membersNow;
    return now != null ? now : members.get();
  }

  /**
   * Sets what {@link #members()} answers until cleared with null: the executor lists the
   * processes of every task with one /proc scan per watch tick rather than one per task.
   */
  public void membersNow(Set<Long> pids) {
    this.membersNow = pids;
  }

  /** The host pid of the task's leader (what the checkpoint records), 0 before it was spawned. */
  public long leader() {
    return leader;
  }

  public void leader(long pid) {
    this.leader = pid;
    this.since = System.nanoTime();
  }

  /** Whether the task has run (since it was spawned or adopted) for at least this long. */
  boolean ranFor(long nanos, long now) {
    return leader > 0 && now - since >= nanos;
  }

  /** The task's cgroups, or null without cgroups isolation. */
  public TaskCgroup cgroup() {
    return cgroup;
  }

  public void cgroup(TaskCgroup cgroup) {
    this.cgroup = cgroup;
  }

  long namespaceInit() {
    return namespaceInit;
  }

  void namespaceInit(long pid) {
    this.namespaceInit = pid;
  }

  Set<Integer> reportedPorts() {
    return Collections.unmodifiableSet(reportedPorts);
  }

  boolean markReported(int port) {
    return reportedPorts.add(port);
  }

  /**
   * Whether a ports check is due at {@code now}: the task ran for an interval and was not checked
   * within the last one (short tasks are never checked); if so, it counts as done.
   */
  boolean portsCheckDue(long now, long intervalNanos) {
    if (!ranFor(intervalNanos, now) || (portsCheckedAt != 0 && now - portsCheckedAt < intervalNanos)) {
      return false;
    }
    portsCheckedAt = now;
    return true;
  }
}
