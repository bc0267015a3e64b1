package io.meso.jobs.schedule;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ISO 8601 period as Joda's {@code ISOPeriodFormat.standard()} reads and prints it, which is
 * what Chronos stored: {@code P[nY][nM][nW][nD][T[nH][nM][n[.fff]S]]}.
 *
 * <p>DST, matching Joda (and so Chronos): years, months, weeks and days are <em>calendar</em>
 * units added to the wall-clock date (P1D keeps 02:00 at 02:00 across a DST change; Jan 31 + P1M
 * is Feb 28/29); hours, minutes and seconds are <em>elapsed</em> time (PT24H is 86,400 s, so a
 * daily PT24H job moves by an hour in wall-clock time at each DST change). Meso refuses zero and
 * negative periods (Joda accepted {@code P} and {@code P-1D}; Chronos then looped or never ran).
 */
public record IsoPeriod(int years, int months, int weeks, int days, int hours, int minutes,
    long millis) {

  private static final Pattern FORMAT = Pattern.compile(
      "P(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)W)?(?:(\\d+)D)?"
          + "(?:T(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+)(?:[.,](\\d{1,3}))?S)?)?");
  static final String ALLOWED = "an ISO 8601 period P[nY][nM][nW][nD][T[nH][nM][n[.fff]S]] "
      + "with whole non-negative numbers, not all zero, e.g. P1D, PT1H30M, P1W";

  /** Parses {@code text}; {@code field} names the JSON field for the error. */
  public static IsoPeriod parse(String text, String field, String whole) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches() || text.endsWith("T") || text.equals("P")) {
      throw new ScheduleException(field, whole, ALLOWED);
    }
    try {
      long seconds = num(m.group(7));
      String frac = m.group(8) == null ? "0" : (m.group(8) + "00").substring(0, 3);
      IsoPeriod p = new IsoPeriod(Math.toIntExact(num(m.group(1))),
          Math.toIntExact(num(m.group(2))), Math.toIntExact(num(m.group(3))),
          Math.toIntExact(num(m.group(4))), Math.toIntExact(num(m.group(5))),
          Math.toIntExact(num(m.group(6))),
          Math.addExact(Math.multiplyExact(seconds, 1000L), Long.parseLong(frac)));
      if (!p.hasDatePart() && p.timePart().isZero()) {
        throw new ScheduleException(field, whole, ALLOWED);
      }
      return p;
    } catch (ArithmeticException | NumberFormatException e) {
      throw new ScheduleException(field, whole, ALLOWED);
    }
  }

  private static long num(String group) {
    return group == null ? 0 : Long.parseLong(group);
  }

  /** True if the period has calendar units (Y, M, W, D). */
  public boolean hasDatePart() {
    return years != 0 || months != 0 || weeks != 0 || days != 0;
  }

  /** The elapsed-time part (H, M, S). */
  public Duration timePart() {
    return Duration.ofHours(hours).plusMinutes(minutes).plusMillis(millis);
  }

  /** {@code local} plus {@code times} times the calendar part, in Joda's field order. */
  LocalDateTime addDatePart(LocalDateTime local, long times) {
    return local.plusYears(years * times).plusMonths(months * times)
        .plusWeeks(weeks * times).plusDays(days * times);
  }

  /** An upper bound of one period's length (a day is at most 25 h), to skip ahead quickly. */
  Duration longestLength() {
    return Duration.ofHours(25L * (366L * years + 31L * months + 7L * weeks + days))
        .plus(timePart());
  }

  /** Prints as Joda's {@code ISOPeriodFormat.standard()} does (PT1.500S; zero would be PT0S). */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("P");
    append(b, years, 'Y');
    append(b, months, 'M');
    append(b, weeks, 'W');
    append(b, days, 'D');
    if (hours != 0 || minutes != 0 || millis != 0) {
      b.append('T');
      append(b, hours, 'H');
      append(b, minutes, 'M');
      if (millis != 0) {
        b.append(millis / 1000);
        if (millis % 1000 != 0) {
          b.append('.').append(String.format("%03d", millis % 1000));
        }
        b.append('S');
      }
    }
    return b.length() == 1 ? "PT0S" : b.toString();
  }

  private static void append(StringBuilder b, long v, char unit) {
    if (v != 0) {
      b.append(v).append(unit);
    }
  }
}
