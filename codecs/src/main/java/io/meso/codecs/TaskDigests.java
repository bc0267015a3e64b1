package io.meso.codecs;

import com.google.protobuf.ByteString;
import io.meso.internal.TaskDigest;
import io.meso.v1.Task;
import io.meso.v1.TaskState;

/**
 * {@link TaskDigest}s: what an agent runs, in 16 bytes, computed the same way by the agent (from
 * its tasks) and by a master (from its copy of them). A task counts while its state is not
 * terminal ({@link TaskStates#isTerminal}); it adds a 64-bit hash of its framework id, task id,
 * state and the uuid of its latest status, and the sum does not depend on the order the tasks are
 * added in. Two sets of tasks with the same digest hold the same live tasks in the same states with
 * the same latest statuses, but for a collision of 64-bit hashes.
 */
public final class TaskDigests {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private TaskDigests() {}

  /** Sums tasks into a digest, in any order. Not thread-safe. */
  public static final class Builder {
    private int tasks;
    private long hash;

    /** Adds a task (ignored when {@code state} is terminal); {@code latestUuid}: its latest status's uuid, empty if none. */
    public Builder add(String frameworkId, String taskId, TaskState state, ByteString latestUuid) {
      if (!TaskStates.isTerminal(state)) {
        tasks++;
        hash += hash(frameworkId, taskId, state, latestUuid);
      }
      return this;
    }

    /** Adds a task as an agent reports it (its latest status is the last of its statuses). */
    public Builder add(Task task) {
      ByteString uuid = task.getStatusesCount() == 0 ? ByteString.EMPTY
          : task.getStatuses(task.getStatusesCount() - 1).getUuid();
      return add(task.getFrameworkId().getValue(), task.getTaskId().getValue(), task.getState(), uuid);
    }

    public TaskDigest build() {
      return TaskDigest.newBuilder().setTasks(tasks).setHash(hash).build();
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether two digests describe the same tasks (an unset field counts as 0). */
  public static boolean same(TaskDigest a, TaskDigest b) {
    return a.getTasks() == b.getTasks() && a.getHash() == b.getHash();
  }

  /** "N tasks, hash H" for messages. */
  public static String describe(TaskDigest digest) {
    return digest.getTasks() + " tasks, hash " + Long.toHexString(digest.getHash());
  }

  /**
   * One task's hash: FNV-1a over its fields (each ended by a separator), then a 64-bit finaliser.
   * A digest's hash is the sum of its live tasks' hashes, so a copy that keeps a digest up to date
   * subtracts a task's hash before it changes and adds it again after.
   */
  public static long hash(String frameworkId, String taskId, TaskState state, ByteString latestUuid) {
    long h = FNV_OFFSET;
    h = chars(h, frameworkId);
    h = chars(h, taskId);
    h = (h ^ state.getNumber()) * FNV_PRIME;
    for (int i = 0; i < latestUuid.size(); i++) {
      h = (h ^ (latestUuid.byteAt(i) & 0xff)) * FNV_PRIME;
    }
    // splitmix64's finaliser: sums of FNV values alone would let small differences cancel out.
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  private static long chars(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      h = (h ^ (c & 0xff)) * FNV_PRIME;
      h = (h ^ (c >>> 8)) * FNV_PRIME;
    }
    // A separator no char of a string contributes on its own: ("ab", "c") and ("a", "bc") differ.
    return (h ^ 0x1ff) * FNV_PRIME;
  }
}
