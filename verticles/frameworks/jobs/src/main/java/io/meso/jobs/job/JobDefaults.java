package io.meso.jobs.job;

/**
 * What a job gets when it omits resources or the user, Chronos's {@code --mesos_task_cpu},
 * {@code --mesos_task_mem}, {@code --mesos_task_disk} and {@code --user}
 * ({@code config/SchedulerConfiguration.scala}). A value of 0 also means "the default".
 */
public record JobDefaults(double cpus, double mem, double disk, String user) {
  /** Chronos's own defaults: 0.1 cpus, 128 MB, 256 MB, root. */
  public static final JobDefaults CHRONOS = new JobDefaults(0.1, 128, 256, "root");
  /**
   * Meso's: Chronos's resources, and no user: a job without {@code runAsUser} runs as the agent's
   * default task user ({@code --task-user}, nobody unless told), never as root by default.
   */
  public static final JobDefaults MESO = new JobDefaults(0.1, 128, 256, "");
}
