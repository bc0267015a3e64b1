package io.meso.jobs.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {
  private static final ZoneId NY = ZoneId.of("America/New_York");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static Instant t(String s) {
    return Instant.parse(s);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // expression | after | the next three runs (UTC); 2024-01-01 is a Monday
      "*/15 * * * *|2024-01-01T00:00:00Z|2024-01-01T00:15:00Z 2024-01-01T00:30:00Z 2024-01-01T00:45:00Z",
      "0 9 * * MON-FRI|2024-01-05T10:00:00Z|2024-01-08T09:00:00Z 2024-01-09T09:00:00Z 2024-01-10T09:00:00Z",
      "0 0 1,15 * *|2024-01-01T00:00:00Z|2024-01-15T00:00:00Z 2024-02-01T00:00:00Z 2024-02-15T00:00:00Z",
      "0 0 13 * FRI|2024-01-01T00:00:00Z|2024-01-05T00:00:00Z 2024-01-12T00:00:00Z 2024-01-13T00:00:00Z",
      // Vixie: a field starting with * counts as unrestricted, so */10 ANDs with FRI
      "0 0 */10 * FRI|2024-01-01T00:00:00Z|2024-03-01T00:00:00Z 2024-05-31T00:00:00Z 2024-06-21T00:00:00Z",
      "30 4 * JAN,jul 0|2024-01-01T00:00:00Z|2024-01-07T04:30:00Z 2024-01-14T04:30:00Z 2024-01-21T04:30:00Z",
      "0 0 * * 7|2024-01-01T00:00:00Z|2024-01-07T00:00:00Z 2024-01-14T00:00:00Z 2024-01-21T00:00:00Z",
      "5-10/5 1-2 * * *|2024-01-01T00:00:00Z|2024-01-01T01:05:00Z 2024-01-01T01:10:00Z 2024-01-01T02:05:00Z",
      "0 0 29 2 *|2024-03-01T00:00:00Z|2028-02-29T00:00:00Z 2032-02-29T00:00:00Z 2036-02-29T00:00:00Z",
      "@yearly|2024-01-01T00:00:00Z|2025-01-01T00:00:00Z 2026-01-01T00:00:00Z 2027-01-01T00:00:00Z",
      "@annually|2024-06-01T00:00:00Z|2025-01-01T00:00:00Z 2026-01-01T00:00:00Z 2027-01-01T00:00:00Z",
      "@monthly|2024-01-31T00:00:00Z|2024-02-01T00:00:00Z 2024-03-01T00:00:00Z 2024-04-01T00:00:00Z",
      "@weekly|2024-01-01T00:00:00Z|2024-01-07T00:00:00Z 2024-01-14T00:00:00Z 2024-01-21T00:00:00Z",
      "@daily|2024-01-01T00:00:00Z|2024-01-02T00:00:00Z 2024-01-03T00:00:00Z 2024-01-04T00:00:00Z",
      "@MIDNIGHT|2024-01-01T12:00:00Z|2024-01-02T00:00:00Z 2024-01-03T00:00:00Z 2024-01-04T00:00:00Z",
      "@hourly|2024-01-01T00:30:00Z|2024-01-01T01:00:00Z 2024-01-01T02:00:00Z 2024-01-01T03:00:00Z",
  })
  void nextRunsInUtc(String expr, String after, String expected) {
    CronSchedule c = CronSchedule.parse(expr, ZoneOffset.UTC);
    assertThat(c.next(t(after), 3).stream().map(Instant::toString))
        .containsExactly(expected.split(" "));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "* * * *|5 fields are needed, 4 given",
      "* * * * * *|5 fields are needed, 6 given",
      "60 * * * *|minute field '60': minute values are 0-59",
      "* 24 * * *|hour field '24': hour values are 0-23",
      "* * 0 * *|day of month field '0': day of month values are 1-31",
      "* * * 13 *|month field '13': month values are 1-12 or JAN-DEC",
      "* * * * 8|day of week field '8': day of week values are 0-7 or SUN-SAT",
      "* * * * FUN|day of week field 'FUN'",
      "5-1 * * * *|must not wrap around",
      "5/15 * * * *|a step needs a range or *",
      "*/0 * * * *|minute field '*/0'",
      "1-2-3 * * * *|a range is low-high",
      "1,,2 * * * *|minute field ''",
      "@reboot|a shorthand is one of",
      "0 0 30 2 *|never matches",
      "0 0 31 4,6 *|never matches",
  })
  void rejectsInvalidExpressions(String expr, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(expr, ZoneOffset.UTC))
        .isInstanceOfSatisfying(ScheduleException.class, e -> {
          assertThat(e.field()).isEqualTo("cron");
          assertThat(e.value()).isEqualTo(expr);
          assertThat(e.getMessage()).contains(message);
        });
  }

  @Test
  void springForwardRunsAtTheEndOfTheGapOnce() {
    CronSchedule c = CronSchedule.parse("30 2 * * *", NY);
    assertThat(c.next(t("2024-03-09T00:00:00Z"), 3)).containsExactly(
        t("2024-03-09T07:30:00Z"), t("2024-03-10T07:00:00Z"), t("2024-03-11T06:30:00Z"));
    CronSchedule quarter = CronSchedule.parse("*/15 2-3 10 3 *", NY);
    assertThat(quarter.next(t("2024-03-10T06:00:00Z"), 5)).containsExactly(
        t("2024-03-10T07:00:00Z"), // 02:00..02:45 do not exist: one run at 03:00 EDT
        t("2024-03-10T07:15:00Z"), t("2024-03-10T07:30:00Z"), t("2024-03-10T07:45:00Z"),
        t("2025-03-10T06:00:00Z"));
    CronSchedule berlin = CronSchedule.parse("30 2 * * *", BERLIN);
    assertThat(berlin.next(t("2024-03-30T00:00:00Z"), 3)).containsExactly(
        t("2024-03-30T01:30:00Z"), t("2024-03-31T01:00:00Z"), t("2024-04-01T00:30:00Z"));
  }

  @Test
  void fallBackRunsOnceAtTheFirstOccurrence() {
    CronSchedule c = CronSchedule.parse("30 1 * * *", NY);
    assertThat(c.next(t("2024-11-02T00:00:00Z"), 3)).containsExactly(
        t("2024-11-02T05:30:00Z"), t("2024-11-03T05:30:00Z"), t("2024-11-04T06:30:00Z"));
    // Asked from inside the second 01:xx hour, the repeated 01:30 is not run again.
    assertThat(c.nextAfter(t("2024-11-03T06:10:00Z"))).contains(t("2024-11-04T06:30:00Z"));
    CronSchedule every20 = CronSchedule.parse("*/20 1 3 11 *", NY);
    assertThat(every20.next(t("2024-11-03T04:59:00Z"), 4)).containsExactly(
        t("2024-11-03T05:00:00Z"), t("2024-11-03T05:20:00Z"), t("2024-11-03T05:40:00Z"),
        t("2025-11-03T06:00:00Z"));
    CronSchedule berlin = CronSchedule.parse("30 2 * * *", BERLIN);
    assertThat(berlin.next(t("2024-10-26T12:00:00Z"), 2)).containsExactly(
        t("2024-10-27T00:30:00Z"), t("2024-10-28T01:30:00Z"));
  }

  @Test
  void lordHoweHalfHourShift() {
    CronSchedule c = CronSchedule.parse("15 2 * * *", ZoneId.of("Australia/Lord_Howe"));
    assertThat(c.next(t("2024-10-04T00:00:00Z"), 3)).containsExactly(
        t("2024-10-04T15:45:00Z"), t("2024-10-05T15:30:00Z"), t("2024-10-06T15:15:00Z"));
  }

  @Test
  void leapDayOnlyInLeapYears() {
    CronSchedule c = CronSchedule.parse("0 12 29 FEB *", ZoneOffset.UTC);
    assertThat(c.nextAfter(t("2096-03-01T00:00:00Z"))).contains(t("2104-02-29T12:00:00Z"));
  }

  @Test
  void latestIn() {
    CronSchedule c = CronSchedule.parse("0 * * * *", ZoneOffset.UTC);
    assertThat(c.latestIn(t("2024-01-01T00:00:00Z"), t("2024-01-03T05:30:00Z")))
        .contains(t("2024-01-03T05:00:00Z"));
    assertThat(c.latestIn(t("2024-01-03T05:00:00Z"), t("2024-01-03T05:30:00Z"))).isEmpty();
    CronSchedule yearly = CronSchedule.parse("@yearly", ZoneOffset.UTC);
    assertThat(yearly.latestIn(null, t("2024-06-01T00:00:00Z")))
        .contains(t("2024-01-01T00:00:00Z"));
  }
}
