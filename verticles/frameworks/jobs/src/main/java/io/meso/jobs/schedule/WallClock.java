package io.meso.jobs.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;

/**
 * Turns a wall-clock time in a zone into the instant a schedule runs at, with one rule for every
 * schedule kind:
 *
 * <ul>
 *   <li><b>Gap</b> (spring forward; the wall time does not exist): the first instant after the gap,
 *       i.e. the transition itself. 02:30 on the day New York skips 02:00-03:00 runs at 03:00 EDT.
 *       Joda (Chronos) moved it by the gap's length instead (03:30), and because Chronos then stored
 *       that shifted start, the job stayed at 03:30 for the rest of the year; Meso does neither.
 *   <li><b>Overlap</b> (fall back; the wall time exists twice): the earlier instant, as Joda's
 *       {@code withZoneRetainFields} did, unless the caller names the later offset (a stored ISO
 *       start written at the second occurrence keeps its offset, so it is not run twice).
 * </ul>
 */
public final class WallClock {
  private WallClock() {}

  /** The instant {@code local} in {@code zone} runs at; {@code preferred} may be null. */
  public static Instant resolve(LocalDateTime local, ZoneId zone, ZoneOffset preferred) {
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
    if (offsets.size() == 1) {
      return local.toInstant(offsets.get(0));
    }
    if (offsets.isEmpty()) {
      ZoneOffsetTransition gap = zone.getRules().getTransition(local);
      return gap.getInstant();
    }
    if (preferred != null && offsets.contains(preferred)) {
      return local.toInstant(preferred);
    }
    return local.toInstant(offsets.get(0));
  }

  /** True if {@code local} does not exist in {@code zone}. */
  public static boolean inGap(LocalDateTime local, ZoneId zone) {
    return zone.getRules().getValidOffsets(local).isEmpty();
  }

  /** The offset to write next to a nominal wall time: for a gap, the offset before it. */
  public static ZoneOffset offsetFor(LocalDateTime local, ZoneId zone) {
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
    if (offsets.isEmpty()) {
      return zone.getRules().getTransition(local).getOffsetBefore();
    }
    return offsets.get(0);
  }
}
