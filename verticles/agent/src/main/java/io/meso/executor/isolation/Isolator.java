package io.meso.executor.isolation;

import io.meso.v1.ResourceStatistics;
import java.io.IOException;
import java.util.List;

/**
 * One piece of a task's isolation (Mesos: an isolator), named in {@code --isolation}. The
 * executor calls each chosen isolator at fixed points of every task's life, all off the event
 * loop (they read and write /proc and cgroup files):
 * <ol>
 *   <li>{@link #prepare} before the task's process is spawned: make and limit what the task runs
 *       in, and say in the {@link LaunchPlan} how it must be started;</li>
 *   <li>{@link #spawned} once its leader's host pid is known;</li>
 *   <li>{@link #usage} for each usage sample;</li>
 *   <li>{@link #limitation} on every watch tick while it runs, and once when its leader exited;</li>
 *   <li>{@link #cleanup} after its processes are gone.</li>
 * </ol>
 * Isolators share the task's {@link Container} (its cgroups are made once, for all the
 * cgroups isolators, by {@link Isolators}). Implementations hold no per-task state of their own.
 */
public interface Isolator {

  IsolatorName name();

  /** Before spawning; throwing fails the launch (REASON_CONTAINER_LAUNCH_FAILED) with the message. */
  default void prepare(Container container, LaunchPlan plan) throws IOException {}

  /** After spawning: {@code container.leader()} is set. */
  default void spawned(Container container) {}

  /** Adds what this isolator measures to a usage sample. */
  default void usage(Container container, ResourceStatistics.Builder stats) {}

  /**
   * A limit the task ran into, or null. {@code exited}: false on a watch tick while the task
   * runs (a {@link Limitation.Effect#FAIL} then kills it), true once its leader exited.
   */
  default Limitation limitation(Container container, boolean exited) {
    return null;
  }

  /**
   * The programs (argv prefix) that run a command inside the task's isolation, for its COMMAND
   * health checks; empty when this isolator adds nothing. Throws when that is no longer possible
   * (the task's namespaces are gone).
   */
  default List<String> enter(Container container) throws IOException {
    return List.of();
  }

  /** After the task's processes are gone; false to be called again later. */
  default boolean cleanup(Container container) {
    return true;
  }

  /** When the executor stops. */
  default void close() {}
}
