package io.meso.jobs.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a job runs: a pure function from instants to instants. Implementations are immutable
 * and never read a clock.
 */
public sealed interface Schedule permits IsoSchedule, CronSchedule {

  /** The zone wall-clock fields are read in. */
  ZoneId zone();

  /** The first instant strictly after {@code after} at which the job runs, if any. */
  Optional<Instant> nextAfter(Instant after);

  /** Up to {@code limit} run instants strictly after {@code after}, earliest first. */
  default List<Instant> next(Instant after, int limit) {
    List<Instant> out = new ArrayList<>();
    Instant t = after;
    while (out.size() < limit) {
      Optional<Instant> n = nextAfter(t);
      if (n.isEmpty()) {
        break;
      }
      out.add(n.get());
      t = n.get();
    }
    return out;
  }

  /**
   * Up to {@code limit} run instants in {@code (fromExclusive, toInclusive]}, earliest first; a
   * null {@code fromExclusive} means from the schedule's beginning (only an ISO schedule has one).
   */
  default List<Instant> dueIn(Instant fromExclusive, Instant toInclusive, int limit) {
    List<Instant> out = new ArrayList<>();
    Instant t = fromExclusive == null ? Instant.EPOCH.minusSeconds(1) : fromExclusive;
    while (out.size() < limit) {
      Optional<Instant> n = nextAfter(t);
      if (n.isEmpty() || n.get().isAfter(toInclusive)) {
        break;
      }
      out.add(n.get());
      t = n.get();
    }
    return out;
  }

  /** The latest run instant in {@code (fromExclusive, toInclusive]}, if any. */
  Optional<Instant> latestIn(Instant fromExclusive, Instant toInclusive);
}
