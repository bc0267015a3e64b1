package io.meso.jobs.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A 5-field cron expression (minute hour day-of-month month day-of-week) with Vixie cron's
 * rules: lists, ranges, {@code *}, steps ({@code * /15}, {@code 1-30/2}), month and weekday
 * names (JAN, MON), 0 or 7 for Sunday, and the day-of-month/day-of-week rule: when both fields
 * are restricted (neither starts with {@code *}), a day matches if <em>either</em> matches.
 * Shorthands: {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}.
 *
 * <p>Times are wall-clock times in {@link #zone()}, resolved by {@link WallClock}: a time in a
 * spring-forward gap runs at the end of the gap (several such times run once), a time in a
 * fall-back overlap runs once, at its first occurrence. This is Meso's addition (the
 * {@code cron} job field); Chronos had no cron.
 */
public final class CronSchedule implements Schedule {
  static final String FIELD = "cron";
  private static final Map<String, String> SHORTHANDS = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");
  private static final String[] MONTHS =
      {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  /** How far ahead to look for a match: Feb 29s can be 8 years apart (2096, 2104). */
  private static final int SEARCH_DAYS = 366 * 9;

  private final String expression;
  private final ZoneId zone;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domStar;
  private final boolean dowStar;

  private CronSchedule(String expression, ZoneId zone, String[] f) {
    this.expression = expression;
    this.zone = zone;
    this.minutes = field(f[0], "minute", 0, 59, null, expression);
    this.hours = field(f[1], "hour", 0, 23, null, expression);
    this.daysOfMonth = field(f[2], "day of month", 1, 31, null, expression);
    this.months = field(f[3], "month", 1, 12, MONTHS, expression);
    BitSet dow = field(f[4], "day of week", 0, 7, DAYS, expression);
    if (dow.get(7)) {
      dow.set(0);
      dow.clear(7);
    }
    this.daysOfWeek = dow;
    this.domStar = f[2].startsWith("*");
    this.dowStar = f[4].startsWith("*");
  }

  /** Parses {@code expression}; {@code zone} is the job's scheduleTimeZone (UTC if none). */
  public static CronSchedule parse(String expression, ZoneId zone) {
    if (expression == null) {
      throw new ScheduleException(FIELD, "null", allowed());
    }
    String text = expression.trim();
    if (text.startsWith("@")) {
      String expanded = SHORTHANDS.get(text.toLowerCase(Locale.ROOT));
      if (expanded == null) {
        throw new ScheduleException(FIELD, expression,
            "a shorthand is one of @yearly @annually @monthly @weekly @daily @midnight @hourly");
      }
      text = expanded;
    }
    String[] f = text.split("\\s+");
    if (f.length != 5) {
      throw new ScheduleException(FIELD, expression, "5 fields are needed, " + f.length
          + " given; " + allowed());
    }
    CronSchedule c = new CronSchedule(expression, zone, f);
    if (c.nextAfter(Instant.EPOCH).isEmpty()) {
      throw new ScheduleException(FIELD, expression,
          "the expression never matches a date (e.g. 30 February)");
    }
    return c;
  }

  private static String allowed() {
    return "minute hour day-of-month month day-of-week, e.g. '*/5 * * * *' or '30 2 * * MON-FRI',"
        + " or a shorthand @yearly @monthly @weekly @daily @hourly";
  }

  private static BitSet field(String text, String name, int min, int max, String[] names,
      String whole) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",", -1)) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), name, 1, max, null, whole, part);
        if (!range.equals("*") && !range.contains("-")) {
          throw bad(whole, name, part, "a step needs a range or *, e.g. */15 or 0-30/5");
        }
      }
      int lo;
      int hi;
      if (range.equals("*")) {
        lo = min;
        hi = names == DAYS ? 6 : max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", -1);
        if (ends.length != 2) {
          throw bad(whole, name, part, "a range is low-high, e.g. 1-5");
        }
        lo = number(ends[0], name, min, max, names, whole, part);
        hi = number(ends[1], name, min, max, names, whole, part);
        if (lo > hi) {
          throw bad(whole, name, part, "a range must not wrap around (low <= high)");
        }
      } else {
        lo = number(range, name, min, max, names, whole, part);
        hi = lo;
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String s, String name, int min, int max, String[] names,
      String whole, String part) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equalsIgnoreCase(s)) {
          return names == MONTHS ? i + 1 : i;
        }
      }
    }
    try {
      int v = Integer.parseInt(s);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    String namesText = names == null ? "" : names == MONTHS ? " or JAN-DEC" : " or SUN-SAT";
    throw bad(whole, name, part, name + " values are " + min + "-" + max + namesText);
  }

  private static ScheduleException bad(String whole, String name, String part, String allowed) {
    return new ScheduleException(FIELD, whole, name + " field '" + part + "': " + allowed);
  }

  @Override
  public ZoneId zone() {
    return zone;
  }

  /** The expression as given (the stored form never changes). */
  public String expression() {
    return expression;
  }

  private boolean dayMatches(LocalDate d) {
    boolean dom = daysOfMonth.get(d.getDayOfMonth());
    boolean dow = daysOfWeek.get(d.getDayOfWeek().getValue() % 7);
    return domStar || dowStar ? dom && dow : dom || dow;
  }

  @Override
  public Optional<Instant> nextAfter(Instant after) {
    // A fall-back overlap puts later instants at earlier wall times: start three hours early
    // (no zone's overlap is longer) and let the "strictly after" check drop what has passed.
    LocalDateTime from = LocalDateTime.ofInstant(after, zone).minusHours(3);
    LocalDate day = from.toLocalDate();
    LocalDate lastDay = day.plusDays(SEARCH_DAYS);
    LocalTime fromTime = from.toLocalTime();
    for (; !day.isAfter(lastDay); day = day.plusDays(1), fromTime = LocalTime.MIDNIGHT) {
      if (!months.get(day.getMonthValue())) {
        day = day.withDayOfMonth(day.lengthOfMonth());
        continue;
      }
      if (!dayMatches(day)) {
        continue;
      }
      for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
        if (h < fromTime.getHour()) {
          continue;
        }
        for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
          LocalDateTime candidate = day.atTime(h, m);
          if (candidate.toLocalTime().isBefore(fromTime)) {
            continue;
          }
          Instant at = WallClock.resolve(candidate, zone, null);
          if (at.isAfter(after)) {
            return Optional.of(at);
          }
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<Instant> latestIn(Instant fromExclusive, Instant toInclusive) {
    Instant windowStart = toInclusive;
    for (long hours = 2; ; hours *= 4) {
      windowStart = toInclusive.minusSeconds(hours * 3600);
      if (fromExclusive != null && !windowStart.isAfter(fromExclusive)) {
        windowStart = fromExclusive;
      }
      Optional<Instant> last = Optional.empty();
      for (Instant t : dueIn(windowStart, toInclusive, Integer.MAX_VALUE)) {
        last = Optional.of(t);
      }
      boolean wholeRange = fromExclusive != null && windowStart.equals(fromExclusive);
      if (last.isPresent() || wholeRange || hours > 24L * 366 * 9) {
        return last;
      }
    }
  }

  @Override
  public String toString() {
    return expression + " (" + zone + ")";
  }
}
