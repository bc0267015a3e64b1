package io.meso.jobs.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IsoScheduleTest {
  private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

  private static Instant t(String s) {
    return Instant.parse(s);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "R/2024-01-01T00:00:00Z/P1D|-1|2024-01-01T00:00:00Z|P1D",
      "R5/2024-01-01T00:00:00.000Z/PT1H|5|2024-01-01T00:00:00Z|PT1H",
      "R0/2024-01-01T00:00:00Z/PT1M|0|2024-01-01T00:00:00Z|PT1M",
      "R/2024-01-01T09:30:00+01:00/P1W|-1|2024-01-01T08:30:00Z|P1W",
      "R/2024-01-01T09:30:00.5+0100/P1Y2M3W4DT5H6M7.5S|-1|2024-01-01T08:30:00.500Z|P1Y2M3W4DT5H6M7.500S",
      "R/2024-01-01/P1M|-1|2024-01-01T00:00:00Z|P1M",
      "R/2024-01-01T10/PT90M|-1|2024-01-01T10:00:00Z|PT90M",
      "R2//PT1H|2|2024-06-01T11:59:59Z|PT1H",
  })
  void parsesValidSchedules(String text, long reps, String start, String period) {
    IsoSchedule s = IsoSchedule.parse(text, "", NOW);
    assertThat(s.repetitions()).isEqualTo(reps);
    assertThat(s.startInstant()).isEqualTo(t(start));
    assertThat(s.period().toString()).isEqualTo(period);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2024-01-01T00:00:00Z/P1D|R[n]/[start]/period",
      "X/2024-01-01T00:00:00Z/P1D|R[n]/[start]/period",
      "R/2024-01-01T00:00:00Z/1D|R[n]/[start]/period",
      "R/2024-01-01T00:00:00Z/P|not all zero",
      "R/2024-01-01T00:00:00Z/PT0S|not all zero",
      "R/2024-01-01T00:00:00Z/P1.5D|whole non-negative",
      "R/2024-01-01T00:00:00Z/P-1D|whole non-negative",
      "R/2024-01-01T00:00:00Z/PT|not all zero",
      "R/2024-01-01 00:00/P1D|ISO 8601 date-time",
      "R/1969-12-31T23:59:59Z/P1D|not be before 1970",
      "R99999999999999999999/2024-01-01T00:00:00Z/P1D|R[n]/[start]/period",
  })
  void rejectsInvalidSchedulesNamingFieldValueAndRule(String text, String allowed) {
    assertThatThrownBy(() -> IsoSchedule.parse(text, "", NOW))
        .isInstanceOfSatisfying(ScheduleException.class, e -> {
          assertThat(e.field()).isEqualTo("schedule");
          assertThat(e.value()).isEqualTo(text);
          assertThat(e.getMessage()).startsWith("schedule: '" + text + "' is not valid: ")
              .contains(allowed);
        });
  }

  @Test
  void unknownZoneIsRefusedInsteadOfSilentlyBecomingGmt() {
    assertThatThrownBy(() -> IsoSchedule.parse("R/2024-01-01T00:00:00Z/P1D", "PST8", NOW))
        .isInstanceOfSatisfying(ScheduleException.class,
            e -> assertThat(e.field()).isEqualTo("scheduleTimeZone"));
  }

  @Test
  void timeZoneKeepsWallClockFieldsAndIgnoresTheWrittenOffset() {
    IsoSchedule s = IsoSchedule.parse("R/2024-01-15T09:00:00Z/P1D", "Europe/Berlin", NOW);
    assertThat(s.startInstant()).isEqualTo(t("2024-01-15T08:00:00Z"));
  }

  @Test
  void emptyStartIsNowMinusOneSecondInTheScheduleZone() {
    IsoSchedule s = IsoSchedule.parse("R//PT1H", "America/New_York", NOW);
    assertThat(s.startInstant()).isEqualTo(NOW.minusSeconds(1));
    assertThat(s.afterRuns(1, NOW).render()).isEqualTo("R/2024-06-01T08:59:59.000-04:00/PT1H");
  }

  @Test
  void repetitionsLimitTheRuns() {
    IsoSchedule r3 = IsoSchedule.parse("R3/2024-01-01T00:00:00Z/PT1H", "", NOW);
    assertThat(r3.next(t("2023-12-31T00:00:00Z"), 10)).containsExactly(
        t("2024-01-01T00:00:00Z"), t("2024-01-01T01:00:00Z"), t("2024-01-01T02:00:00Z"));
    IsoSchedule r0 = IsoSchedule.parse("R0/2024-01-01T00:00:00Z/PT1H", "", NOW);
    assertThat(r0.nextAfter(t("2023-01-01T00:00:00Z"))).isEmpty();
    assertThat(r0.exhausted()).isTrue();
    IsoSchedule forever = IsoSchedule.parse("R/2024-01-01T00:00:00Z/PT1H", "", NOW);
    assertThat(forever.nextAfter(t("2030-01-01T00:30:00Z"))).contains(t("2030-01-01T01:00:00Z"));
  }

  @Test
  void rewriteAfterRunsMovesStartPastNowAndCountsDown() {
    IsoSchedule r1 = IsoSchedule.parse("R1/2024-01-01T00:00:00Z/PT1H", "", NOW);
    IsoSchedule r0 = r1.afterRuns(1, t("2024-01-01T00:00:01Z"));
    assertThat(r0.render()).isEqualTo("R0/2024-01-01T01:00:00.000Z/PT1H");
    assertThat(r0.exhausted()).isTrue();
    assertThat(r0.afterRuns(1, t("2024-01-01T05:00:00Z")).repetitions()).isZero();

    IsoSchedule r5 = IsoSchedule.parse("R5/2024-01-01T00:00:00Z/PT1H", "", NOW);
    // Missed 00:00..03:00 collapse into one run (Chronos): n drops by one, start passes now.
    assertThat(r5.afterRuns(1, t("2024-01-01T03:30:00Z")).render())
        .isEqualTo("R4/2024-01-01T04:00:00.000Z/PT1H");
    // Exactly on an instant: the next start is strictly after now.
    assertThat(r5.afterRuns(1, t("2024-01-01T03:00:00Z")).render())
        .isEqualTo("R4/2024-01-01T04:00:00.000Z/PT1H");
    assertThat(r5.afterRuns(3, t("2024-01-01T03:00:00Z")).repetitions()).isEqualTo(2);
    assertThat(r5.afterRuns(9, t("2024-01-01T03:00:00Z")).repetitions()).isZero();
    IsoSchedule forever = IsoSchedule.parse("R/2024-01-01T00:00:00+02:00/P1D", "", NOW);
    assertThat(forever.afterRuns(1, t("2024-03-01T00:00:00Z")).render())
        .isEqualTo("R/2024-03-02T00:00:00.000+02:00/P1D");
  }

  @Test
  void calendarPeriodsKeepWallClockAcrossSpringForward() {
    // New York skips 02:00-03:00 on 2024-03-10.
    IsoSchedule daily = IsoSchedule.parse("R/2024-03-08T02:30:00Z/P1D", "America/New_York", NOW);
    assertThat(daily.next(t("2024-03-08T00:00:00Z"), 4)).containsExactly(
        t("2024-03-08T07:30:00Z"), // 02:30 EST
        t("2024-03-09T07:30:00Z"), // 02:30 EST
        t("2024-03-10T07:00:00Z"), // 02:30 does not exist: 03:00 EDT, the end of the gap
        t("2024-03-11T06:30:00Z")); // 02:30 EDT: no drift to 03:30
    IsoSchedule rewritten = daily.afterRuns(1, t("2024-03-09T08:00:00Z"));
    assertThat(rewritten.render()).isEqualTo("R/2024-03-10T02:30:00.000-05:00/P1D");
    assertThat(rewritten.startInstant()).isEqualTo(t("2024-03-10T07:00:00Z"));
    assertThat(rewritten.afterRuns(1, t("2024-03-10T07:00:00Z")).render())
        .isEqualTo("R/2024-03-11T02:30:00.000-04:00/P1D");
  }

  @Test
  void hourPeriodsAreElapsedTimeAcrossDst() {
    // PT24H is 86,400 s (Joda): the wall-clock time moves by the DST shift.
    IsoSchedule s = IsoSchedule.parse("R/2024-03-30T12:00:00Z/PT24H", "Europe/Berlin", NOW);
    assertThat(s.next(t("2024-03-30T00:00:00Z"), 3)).containsExactly(
        t("2024-03-30T11:00:00Z"), t("2024-03-31T11:00:00Z"), t("2024-04-01T11:00:00Z"));
    assertThat(s.afterRuns(1, t("2024-03-30T11:00:00Z")).render())
        .isEqualTo("R/2024-03-31T13:00:00.000+02:00/PT24H");
    IsoSchedule d = IsoSchedule.parse("R/2024-03-30T12:00:00Z/P1D", "Europe/Berlin", NOW);
    assertThat(d.nextAfter(t("2024-03-30T11:00:00Z"))).contains(t("2024-03-31T10:00:00Z"));
  }

  @Test
  void fallBackOverlapRunsOnceAtTheFirstOccurrence() {
    // New York repeats 01:00-02:00 on 2024-11-03.
    IsoSchedule daily = IsoSchedule.parse("R/2024-11-02T01:30:00Z/P1D", "America/New_York", NOW);
    assertThat(daily.next(t("2024-11-02T00:00:00Z"), 3)).containsExactly(
        t("2024-11-02T05:30:00Z"), t("2024-11-03T05:30:00Z"), t("2024-11-04T06:30:00Z"));
    // Hourly across the overlap: every elapsed hour once, none repeated after a rewrite.
    IsoSchedule hourly = IsoSchedule.parse("R/2024-11-03T00:30:00Z/PT1H", "America/New_York",
        NOW);
    IsoSchedule afterFirst130 = hourly.afterRuns(1, t("2024-11-03T05:30:00Z"));
    assertThat(afterFirst130.render()).isEqualTo("R/2024-11-03T01:30:00.000-05:00/PT1H");
    assertThat(afterFirst130.startInstant()).isEqualTo(t("2024-11-03T06:30:00Z"));
    IsoSchedule reparsed = IsoSchedule.parse(afterFirst130.render(), "America/New_York", NOW);
    assertThat(reparsed.startInstant()).isEqualTo(t("2024-11-03T06:30:00Z"));
  }

  @Test
  void lordHoweHalfHourGap() {
    // Australia/Lord_Howe skips 02:00-02:30 on 2024-10-06.
    IsoSchedule s = IsoSchedule.parse("R/2024-10-05T02:15:00Z/P1D", "Australia/Lord_Howe", NOW);
    assertThat(s.next(t("2024-10-04T00:00:00Z"), 3)).containsExactly(
        t("2024-10-04T15:45:00Z"), t("2024-10-05T15:30:00Z"), t("2024-10-06T15:15:00Z"));
  }

  @Test
  void yearlyFromLeapDayAndMonthEnds() {
    IsoSchedule leap = IsoSchedule.parse("R/2024-02-29T00:00:00Z/P1Y", "", NOW);
    assertThat(leap.next(t("2024-01-01T00:00:00Z"), 5)).containsExactly(
        t("2024-02-29T00:00:00Z"), t("2025-02-28T00:00:00Z"), t("2026-02-28T00:00:00Z"),
        t("2027-02-28T00:00:00Z"), t("2028-02-29T00:00:00Z"));
    IsoSchedule monthly = IsoSchedule.parse("R/2024-01-31T00:00:00Z/P1M", "", NOW);
    assertThat(monthly.next(t("2024-01-01T00:00:00Z"), 3)).containsExactly(
        t("2024-01-31T00:00:00Z"), t("2024-02-29T00:00:00Z"), t("2024-03-31T00:00:00Z"));
  }

  @Test
  void dueInAndLatestIn() {
    IsoSchedule s = IsoSchedule.parse("R/2024-01-01T00:00:00Z/PT15M", "", NOW);
    List<Instant> due = s.dueIn(t("2024-01-01T00:00:00Z"), t("2024-01-01T01:00:00Z"), 100);
    assertThat(due).containsExactly(t("2024-01-01T00:15:00Z"), t("2024-01-01T00:30:00Z"),
        t("2024-01-01T00:45:00Z"), t("2024-01-01T01:00:00Z"));
    assertThat(s.dueIn(null, t("2024-01-01T00:20:00Z"), 100)).hasSize(2);
    assertThat(s.latestIn(null, t("2025-01-01T00:07:00Z"))).contains(t("2025-01-01T00:00:00Z"));
    assertThat(s.latestIn(t("2025-01-01T00:00:00Z"), t("2025-01-01T00:07:00Z"))).isEmpty();
  }
}
