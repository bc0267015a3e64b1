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
  public long agentsMarkedUnreachable;
  public long invalidCalls;
}
