package io.meso.executor;

import java.util.List;
import java.util.Objects;

/**
 * Agent -> executor (local event bus, {@code Addresses.executor(agentId)}), once, right after a
 * restarted agent read its checkpoints and before it takes new launches: the tasks it was running.
 * For each, the executor adopts the process if the checkpointed pid still names it (same start
 * time) and watches it until it exits; if it is gone, it reports the terminal status from the
 * exit status the task's wrapper recorded in the sandbox, or TASK_FAILED with
 * REASON_EXECUTOR_TERMINATED when none was recorded (it does not guess). Then, with cgroups
 * isolation, it kills and removes every task cgroup of this agent that belongs to no adopted task
 * (left by a task whose pid was never recorded, or by an agent killed before it could clean up).
 *
 * @param tasks the tasks to adopt, each with its launch (sandbox and checkpoint dir set) and the checkpointed pid
 */
public record RecoverTasks(List<Adopt> tasks) {
  public RecoverTasks {
    tasks = List.copyOf(Objects.requireNonNull(tasks, "tasks"));
  }

  /** One task to adopt: {@code pid} and {@code startTime} as checkpointed when it was spawned. */
  public record Adopt(LaunchTask launch, long pid, long startTime) {
    public Adopt {
      Objects.requireNonNull(launch, "launch");
    }
  }
}
