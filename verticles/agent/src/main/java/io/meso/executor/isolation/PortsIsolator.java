package io.meso.executor.isolation;

import io.meso.v1.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * {@code network/ports}: reports a task that listens on a TCP port outside the ports it was
 * given (Mesos's network/ports isolator without {@code --enforce_container_ports}): a log line
 * and a TASK_RUNNING update naming the port and the task's ranges, once per port. Tasks share the
 * host's network, so nothing stops them binding any free port; this makes it visible. A task is
 * first checked once it ran for a ports watch interval (short tasks never are), then at most once
 * per interval (see {@link ListeningSockets}: /proc reads of every
 * process of the task), never at exit.
 */
public final class PortsIsolator implements Isolator {

  /** How long one read of the host's listening sockets serves the checks of every task (one watch tick). */
  private static final long TABLE_NANOS = 200_000_000;

  private final long intervalNanos;
  private Map<Long, Integer> table = Map.of();
  private long tableAt;

  /** @param intervalMillis the least time between two checks of one task (and the time before its first) */
  public PortsIsolator(long intervalMillis) {
    this.intervalNanos = intervalMillis * 1_000_000;
  }

  @Override
  public IsolatorName name() {
    return IsolatorName.NETWORK_PORTS;
  }

  @Override
  public Limitation limitation(Container container, boolean exited) {
    long now = System.nanoTime();
    if (exited || container.leader() <= 0 || !container.portsCheckDue(now, intervalNanos)) {
      return null;
    }
    List<long[]> assigned = container.ports();
    Set<Integer> listening = ListeningSockets.ports(container.members(), listening(now, container.leader()));
    List<Integer> outside = new ArrayList<>();
    for (int port : listening) {
      if (!within(assigned, port) && container.markReported(port)) {
        outside.add(port);
      }
    }
    if (outside.isEmpty()) {
      return null;
    }
    return new Limitation(TaskStatus.Reason.REASON_CONTAINER_LIMITATION,
        "The task listens on TCP port" + (outside.size() == 1 ? " " : "s ") + join(outside)
            + " outside its assigned ports (" + ranges(assigned) + ")",
        Limitation.Effect.NOTICE);
  }

  /** The listening sockets of the host's network (tasks share it), read at most once per watch tick. */
  private synchronized Map<Long, Integer> listening(long now, long netOf) {
    if (tableAt == 0 || now - tableAt > TABLE_NANOS) {
      table = ListeningSockets.table(netOf);
      tableAt = now;
    }
    return table;
  }

  static boolean within(List<long[]> ranges, int port) {
    for (long[] r : ranges) {
      if (port >= r[0] && port <= r[1]) {
        return true;
      }
    }
    return false;
  }

  private static String join(List<Integer> ports) {
    StringJoiner j = new StringJoiner(", ");
    ports.forEach(p -> j.add(Integer.toString(p)));
    return j.toString();
  }

  private static String ranges(List<long[]> ranges) {
    if (ranges.isEmpty()) {
      return "none";
    }
    StringJoiner j = new StringJoiner(", ");
    for (long[] r : ranges) {
      j.add(r[0] == r[1] ? Long.toString(r[0]) : r[0] + "-" + r[1]);
    }
    return j.toString();
  }
}
