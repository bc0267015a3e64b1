package io.meso.bench;

/**
 * The figures of one phase of the services benchmark (deploying the app, then restarting it),
 * every time in nanoseconds from the moment its request was sent, -1 when it never happened.
 *
 * @param name {@code deploy} or {@code restart}
 * @param deploymentId the deployment the request started (Marathon-Deployment-Id), null if refused
 * @param version the app version it deployed, as the API writes it
 * @param instances the app's instance count
 * @param answerNanos until the API answered the request
 * @param allRunningNanos until a poll of {@code /v2/apps} first saw every instance running
 * @param doneNanos until a poll saw the deployment gone from {@code /v2/deployments} and every
 *     instance running the phase's version ({@code /v2/apps/{id}/tasks})
 * @param polls the polls it took
 * @param slowestPollNanos the longest a {@code GET /v2/apps} of a poll waited for its answer (the
 *     API answers on the framework's event loop: this is how long the deployment kept it busy)
 * @param tasksRunning the app's tasksRunning at the last poll (every version)
 * @param onVersion instances running the phase's version at the last poll that checked them (only
 *     once the deployment was gone and tasksRunning reached the count), -1 if none did
 * @param events what the event stream told (null without a stream)
 * @param offers what the master counted during the phase (null if it could not be read)
 * @param cpuNanos CPU time of the JVM during the phase (all threads: master, agents, framework, client)
 */
public record ServicesPhase(
    String name,
    String deploymentId,
    String version,
    int instances,
    long answerNanos,
    long allRunningNanos,
    long doneNanos,
    int polls,
    long slowestPollNanos,
    int tasksRunning,
    int onVersion,
    Events events,
    Offers offers,
    long cpuNanos) {

  /**
   * What {@code /v2/events} told about the phase, times from the phase's start.
   *
   * @param lastRunningNanos the {@code instances}-th instance of the phase's version reported TASK_RUNNING
   * @param successNanos the phase's deployment_success arrived
   * @param launched instances of the phase's version seen (each task id once)
   * @param oldEnded instances of other versions that ended during the phase
   * @param failed tasks that ended during the phase other than killed (TASK_FAILED, TASK_LOST...)
   * @param minRunning the fewest tasks in TASK_RUNNING at once during the phase, after its first
   *     event (every version; killing ones not counted)
   * @param maxLive the most tasks not yet ended at once during the phase (every version, staging
   *     and killing ones counted: what holds resources)
   * @param statusEvents status_update_events during the phase
   */
  public record Events(long lastRunningNanos, long successNanos, int launched, int oldEnded, int failed,
      int minRunning, int maxLive, int statusEvents) {}

  /**
   * The master's counters over the phase ({@code /metrics/snapshot}, taken before the request and
   * after the phase).
   *
   * @param made offers sent to the framework
   * @param declined offers it declined
   * @param rescinded offers the master took back
   * @param outstandingChange offers outstanding after the phase minus before
   * @param tasksLaunched tasks launched
   * @param allocationRuns allocation runs
   */
  public record Offers(long made, long declined, long rescinded, long outstandingChange, long tasksLaunched,
      long allocationRuns) {

    /** Offers the framework accepted (launched on): made minus declined, rescinded and still outstanding. */
    public long used() {
      return made - declined - rescinded - outstandingChange;
    }
  }

  /** The phase ended with every instance on its version and its deployment gone. */
  public boolean done() {
    return doneNanos >= 0;
  }
}
