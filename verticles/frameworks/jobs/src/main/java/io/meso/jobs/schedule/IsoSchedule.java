package io.meso.jobs.schedule;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Chronos schedule {@code R[n]/[start]/period} (Chronos's {@code Iso8601Expressions.scala}
 * and {@code JobUtils.skipForward}). {@code R} repeats forever, {@code Rn} has n runs left,
 * {@code R0} never runs again. The start is the next run; the runs are start + k * period for
 * k = 0..n-1.
 *
 * <p>The start is kept as wall-clock fields in {@link #zone()}: with a {@code scheduleTimeZone}
 * the written offset is ignored (Joda's {@code withZoneRetainFields}) except to pick the second
 * occurrence of an ambiguous fall-back time; without one the zone is the written offset (UTC if
 * none). After runs the stored string is rewritten as Chronos does: the start moves to the first
 * run after now and n drops ({@link #afterRuns}). A start that fell in a DST gap keeps its nominal
 * wall time in the string, so the job does not drift (see {@link WallClock}).
 */
public record IsoSchedule(long repetitions, LocalDateTime start, ZoneOffset writtenOffset,
    ZoneId zone, IsoPeriod period) implements Schedule {

  /** Repetitions value for {@code R} (forever). */
  public static final long FOREVER = -1;
  static final String FIELD = "schedule";
  static final String ALLOWED = "R[n]/[start]/period, e.g. R/2024-01-01T00:00:00Z/P1D "
      + "(R = forever, Rn = n more runs, empty start = now, start not before 1970)";
  private static final Pattern FORMAT = Pattern.compile("(R[0-9]*)/(.*)/(P.*)");
  private static final DateTimeFormatter START = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd")
      .optionalStart().appendLiteral('T').appendPattern("HH")
      .optionalStart().appendPattern(":mm")
      .optionalStart().appendPattern(":ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
      .optionalEnd().optionalEnd()
      .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
      .optionalStart().appendOffset("+HH", "Z").optionalEnd()
      .optionalEnd()
      .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
      .toFormatter();
  private static final DateTimeFormatter PRINT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");

  /**
   * Parses a stored or submitted schedule. {@code timeZone} is the job's
   * {@code scheduleTimeZone} ("" for none); {@code now} is used for an empty start (now - 1 s, as
   * Chronos did, so the job runs at once).
   */
  public static IsoSchedule parse(String text, String timeZone, Instant now) {
    Matcher m = text == null ? null : FORMAT.matcher(text);
    if (m == null || !m.matches()) {
      throw new ScheduleException(FIELD, String.valueOf(text), ALLOWED);
    }
    long repetitions;
    try {
      repetitions = m.group(1).length() == 1 ? FOREVER : Long.parseLong(m.group(1).substring(1));
    } catch (NumberFormatException e) {
      throw new ScheduleException(FIELD, text, ALLOWED);
    }
    ZoneId tz = timeZone == null || timeZone.isEmpty() ? null : zone(timeZone);
    IsoPeriod period = IsoPeriod.parse(m.group(3), FIELD, text);
    String startText = m.group(2);
    if (startText.isEmpty()) {
      ZoneId z = tz == null ? ZoneOffset.UTC : tz;
      ZonedDateTime s = now.minusSeconds(1).atZone(z);
      return new IsoSchedule(repetitions, s.toLocalDateTime(), s.getOffset(), z, period);
    }
    TemporalAccessor parsed;
    try {
      parsed = START.parse(startText);
    } catch (DateTimeParseException e) {
      throw new ScheduleException(FIELD, text, "the start must be an ISO 8601 date-time such as "
          + "2024-01-01T00:00:00Z or 2024-01-01T09:30:00.000+01:00; " + ALLOWED);
    }
    LocalDateTime local = LocalDateTime.from(parsed);
    ZoneOffset written = parsed.isSupported(ChronoField.OFFSET_SECONDS)
        ? ZoneOffset.from(parsed) : null;
    ZoneId z = tz != null ? tz : written != null ? written : ZoneOffset.UTC;
    IsoSchedule s = new IsoSchedule(repetitions, local, written, z, period);
    if (s.startInstant().isBefore(Instant.EPOCH)) {
      throw new ScheduleException(FIELD, text, "the start must not be before 1970-01-01");
    }
    return s;
  }

  /** Resolves a tz database ID; unlike Chronos (java.util.TimeZone), unknown IDs are refused. */
  public static ZoneId zone(String id) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new ScheduleException("scheduleTimeZone", id,
          "a tz database zone ID such as UTC, Europe/Berlin or America/New_York");
    }
  }

  /** The instant of the next run (the start). */
  public Instant startInstant() {
    return WallClock.resolve(start, zone, writtenOffset);
  }

  /** The k-th run from the start (k = 0 is the start), ignoring the repetition count. */
  public Instant occurrence(long k) {
    return nominal(k).at();
  }

  /** A run: when it happens, and the wall time and offset a rewritten string carries for it. */
  private record Nominal(Instant at, LocalDateTime local, ZoneOffset offset) {}

  private Nominal nominal(long k) {
    if (period.hasDatePart() && period.timePart().isZero()) {
      LocalDateTime local = period.addDatePart(start, k);
      Instant at = WallClock.resolve(local, zone, k == 0 ? writtenOffset : null);
      ZoneOffset off = WallClock.inGap(local, zone) ? WallClock.offsetFor(local, zone)
          : zone.getRules().getOffset(at);
      return new Nominal(at, local, off);
    }
    Instant base = period.hasDatePart()
        ? WallClock.resolve(period.addDatePart(start, k), zone, k == 0 ? writtenOffset : null)
        : startInstant();
    ZonedDateTime at = base.plus(period.timePart().multipliedBy(k)).atZone(zone);
    return new Nominal(at.toInstant(), at.toLocalDateTime(), at.getOffset());
  }

  /** The first k with occurrence(k) strictly after {@code t} (not bounded by repetitions). */
  long firstIndexAfter(Instant t) {
    if (startInstant().isAfter(t)) {
      return 0;
    }
    Duration longest = period.longestLength();
    long k = Math.max(0, Duration.between(startInstant(), t).toMillis() / longest.toMillis());
    while (!occurrence(k).isAfter(t)) {
      k++;
    }
    return k;
  }

  private boolean withinRepetitions(long k) {
    return repetitions == FOREVER || k < repetitions;
  }

  @Override
  public Optional<Instant> nextAfter(Instant after) {
    long k = firstIndexAfter(after);
    return withinRepetitions(k) ? Optional.of(occurrence(k)) : Optional.empty();
  }

  @Override
  public Optional<Instant> latestIn(Instant fromExclusive, Instant toInclusive) {
    long k = firstIndexAfter(toInclusive) - 1;
    if (repetitions != FOREVER) {
      k = Math.min(k, repetitions - 1);
    }
    if (k < 0) {
      return Optional.empty();
    }
    Instant t = occurrence(k);
    return fromExclusive == null || t.isAfter(fromExclusive) ? Optional.of(t) : Optional.empty();
  }

  /**
   * The schedule to store after {@code runs} runs were launched at {@code now} (Chronos's
   * {@code skipForward}): the start becomes the first run strictly after {@code now}, so every
   * period up to now is consumed, and n drops by {@code runs} (never below 0; R stays R).
   * Chronos always dropped n by one, which is {@code runs = 1}; the run-all policy passes more,
   * the skip policy may pass 0.
   */
  public IsoSchedule afterRuns(int runs, Instant now) {
    long k = firstIndexAfter(now);
    Nominal next = nominal(k);
    long left = repetitions == FOREVER ? FOREVER : Math.max(0, repetitions - runs);
    return new IsoSchedule(left, next.local(), next.offset(), zone, period);
  }

  /** True once no run is left (R0): Chronos never enqueues it and disables it after its run. */
  public boolean exhausted() {
    return repetitions == 0;
  }

  /** The stored form, as Chronos's {@code Iso8601Expressions.create} prints it. */
  public String render() {
    ZoneOffset off = writtenOffset != null ? writtenOffset : WallClock.offsetFor(start, zone);
    String startText = PRINT.format(start.atOffset(off));
    return (repetitions == FOREVER ? "R" : "R" + repetitions) + "/" + startText + "/" + period;
  }

  @Override
  public String toString() {
    return render();
  }
}
