package io.meso.master;

/** Counters the master keeps; read by the operator API and metrics. Event-loop confined. */
public final class MasterMetrics {
  public long allocationRuns;
  public long offersMade;
  public long offersDeclined;
  public long offersRescinded;
  public long tasksLaunched;
  public long tasksRejected;
  public long statusUpdatesReceived;
  public long statusUpdatesForwarded;
  /** Status updates an agent sent again because the framework had not acknowledged them yet. */
  public long statusUpdateRetries;
  public long agentsMarkedUnreachable;
  /** Agents re-admitted after a failover from this master's copy of their tasks (their digest matched it). */
  public long agentsReregisteredFromCopy;
  /** Re-registrations by digest refused because the copy differed (the agent then sent its tasks). */
  public long reregistrationDigestMismatches;
  /** Re-registration attempts answered as an earlier attempt of the same series was, not filed again. */
  public long reregistrationsRepeated;
  /** Tasks a re-registering agent did not report that the master asked it about (ReconcileTasksMessage). */
  public long tasksReconciledWithAgents;
  public long invalidCalls;
  /** Tasks that reached each terminal (or lost) state since the master started, as Mesos counts them. */
  public final java.util.Map<io.meso.v1.TaskState, Long> ended = new java.util.EnumMap<>(io.meso.v1.TaskState.class);

  /**
   * States whose Mesos metric (master/tasks_<state>) is an all-time count rather than a gauge:
   * the terminal ones ({@link io.meso.codecs.TaskStates#TERMINAL}).
   */
  public static boolean counted(io.meso.v1.TaskState state) {
    return io.meso.codecs.TaskStates.isTerminal(state);
  }

  public void taskEnded(io.meso.v1.TaskState state) {
    if (counted(state)) {
      ended.merge(state, 1L, Long::sum);
    }
  }

  /** Upper bounds, in seconds, of the allocation run duration histogram's buckets. */
  public static final double[] ALLOCATION_RUN_BOUNDS = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  /** Non-cumulative counts per bucket of {@link #ALLOCATION_RUN_BOUNDS}, plus the +Inf bucket. */
  public final long[] allocationRunCounts = new long[ALLOCATION_RUN_BOUNDS.length + 1];
  public double allocationRunSecondsSum;
  public double lastAllocationRunSeconds;

  /** Records one allocation run (that produced offers) of the given duration. */
  public void recordAllocationRun(long nanos) {
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < ALLOCATION_RUN_BOUNDS.length && seconds > ALLOCATION_RUN_BOUNDS[i]) {
      i++;
    }
    allocationRunCounts[i]++;
    allocationRunSecondsSum += seconds;
    lastAllocationRunSeconds = seconds;
  }
}
