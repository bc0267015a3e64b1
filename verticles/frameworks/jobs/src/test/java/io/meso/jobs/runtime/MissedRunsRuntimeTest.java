package io.meso.jobs.runtime;

import static io.meso.jobs.runtime.Harness.cronJob;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a leader that takes over after an outage claims, per missed-run policy, and that
 * stepping the clock through a day claims each instant once, across daylight-saving changes.
 */
class MissedRunsRuntimeTest {

  static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");

  /**
   * A job every minute; its last leader looked at T0 + 30 s, the next one at T0 + 10 min 30 s:
   * the instants T0 + 1 min .. T0 + 10 min were missed. RUN_ONCE runs the latest; RUN_ALL all
   * (epsilon PT3M: those at most 3 min late, i.e. :08, :09, :10); SKIP those on time (60 s grace
   * by default: only :10, 30 s late; epsilon PT10S: none).
   */
  @ParameterizedTest(name = "{0} epsilon={1}: {2}")
  @CsvSource({
      "RUN_ONCE, , 10",
      "RUN_ALL, , 1 2 3 4 5 6 7 8 9 10",
      "RUN_ALL, PT3M, 8 9 10",
      "SKIP, , 10",
      "SKIP, PT10S, ''",
  })
  void aNewLeaderFollowsTheJobsPolicy(String policy, String epsilon, String minutes) {
    Harness h = new Harness(T0);
    JsonObject job = cronJob("every", "* * * * *").put("missedRunPolicy", policy).put("concurrent", true);
    if (epsilon != null) {
      job.put("epsilon", epsilon);
    }
    h.submit(job);
    h.at(T0.plusSeconds(30));
    assertThat(h.storedClaims()).isEmpty();

    h.clock.set(T0.plus(Duration.ofMinutes(10)).plusSeconds(30));
    h.newLeader();
    h.scheduler.tick();
    List<Instant> expected = minutes.isEmpty() ? List.of()
        : java.util.Arrays.stream(minutes.split(" ")).map(m -> T0.plusSeconds(60L * Integer.parseInt(m))).toList();
    assertThat(h.storedClaims().values()).extracting(Claim::instant).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // schedule, instants claimed after the outage, schedule stored afterwards
      "R/2025-03-03T10:00:00Z/PT1M, 10, R/2025-03-03T10:11:00.000Z/PT1M",
      "R5/2025-03-03T10:00:00Z/PT1M, 4, R0/2025-03-03T10:11:00.000Z/PT1M",
  })
  void anIsoJobRunsAllMissedRunsItHasLeftAndItsStoredScheduleSaysSo(String schedule, int claimed, String after) {
    Harness h = new Harness(T0);
    h.submit(new JsonObject().put("name", "iso").put("command", "true").put("schedule", schedule)
        .put("missedRunPolicy", "RUN_ALL").put("concurrent", true));
    assertThat(h.storedClaims()).containsOnlyKeys(Claim.key("iso", T0));
    h.clock.set(T0.plus(Duration.ofMinutes(10)).plusSeconds(30));
    h.newLeader();
    h.scheduler.tick();
    assertThat(h.storedClaims()).hasSize(1 + claimed);
    assertThat(h.storedJob("iso").schedule()).isEqualTo(after);
  }

  /**
   * Steps the clock through a whole day in 10-minute steps (ticking each time, as the framework
   * does at least every minute) and counts the claims: a wall time in the spring-forward gap runs
   * once at the end of the gap; one in the fall-back overlap runs once, at its first occurrence.
   */
  @ParameterizedTest(name = "{0} {1} in {2}")
  @CsvSource({
      "30 2 * * *, 2025-03-09T05:00:00Z, America/New_York, 2025-03-09T07:00:00Z",
      "30 1 * * *, 2025-11-02T04:00:00Z, America/New_York, 2025-11-02T05:30:00Z",
      "30 2 * * *, 2025-03-30T00:00:00Z, Europe/Berlin, 2025-03-30T01:00:00Z",
      "30 2 * * *, 2025-10-26T00:00:00Z, Europe/Berlin, 2025-10-26T00:30:00Z",
  })
  void aDaylightSavingDayClaimsItsInstantOnce(String cron, String from, String zone, String runsAt) {
    Instant start = Instant.parse(from);
    Harness h = new Harness(start);
    h.submit(cronJob("dst", cron).put("scheduleTimeZone", zone));
    for (Instant t = start; t.isBefore(start.plus(Duration.ofHours(20))); t = t.plus(Duration.ofMinutes(10))) {
      h.at(t);
    }
    assertThat(h.storedClaims().values()).extracting(Claim::instant).containsExactly(Instant.parse(runsAt));
  }
}
