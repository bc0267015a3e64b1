package io.meso.jobs.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MissedRunsTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Schedule HOURLY = CronSchedule.parse("0 * * * *", ZoneOffset.UTC);

  private static Instant h(double hours) {
    return T0.plusSeconds((long) (hours * 3600));
  }

  @Test
  void onTimeEveryPolicyLaunchesTheDueInstant() {
    for (MissedRunPolicy p : MissedRunPolicy.values()) {
      RunPlan plan = MissedRuns.plan(HOURLY, h(0.5), h(1.001), p, null);
      assertThat(plan.launch()).as(p.name()).containsExactly(h(1));
      assertThat(plan.handledUpTo()).isEqualTo(h(1.001));
    }
  }

  @Test
  void afterAnOutageRunOnceLaunchesTheLatestOnly() {
    RunPlan plan = MissedRuns.plan(HOURLY, h(0), h(5.5), MissedRunPolicy.RUN_ONCE, null);
    assertThat(plan.launch()).containsExactly(h(5));
    assertThat(plan.handledUpTo()).isEqualTo(h(5.5));
    assertThat(plan.more()).isFalse();
  }

  @Test
  void afterAnOutageRunAllLaunchesEachInOrder() {
    RunPlan plan = MissedRuns.plan(HOURLY, h(0), h(5.5), MissedRunPolicy.RUN_ALL, null);
    assertThat(plan.launch()).containsExactly(h(1), h(2), h(3), h(4), h(5));
  }

  @Test
  void afterAnOutageSkipDropsMissedRuns() {
    assertThat(MissedRuns.plan(HOURLY, h(0), h(5.5), MissedRunPolicy.SKIP, null).launch())
        .isEmpty();
    // within the default 60 s grace the latest still runs
    assertThat(MissedRuns.plan(HOURLY, h(0), h(5).plusSeconds(60), MissedRunPolicy.SKIP, null)
        .launch()).containsExactly(h(5));
    assertThat(MissedRuns.plan(HOURLY, h(0), h(5).plusSeconds(61), MissedRunPolicy.SKIP, null)
        .launch()).isEmpty();
  }

  @Test
  void epsilonIsStartNoLaterThanInstantPlusEpsilon() {
    Duration eps = Duration.ofMinutes(90);
    assertThat(MissedRuns.plan(HOURLY, h(0), h(5.5), MissedRunPolicy.RUN_ALL, eps).launch())
        .containsExactly(h(4), h(5));
    assertThat(MissedRuns.plan(HOURLY, h(0), h(5.5), MissedRunPolicy.RUN_ONCE, eps).launch())
        .containsExactly(h(5));
    assertThat(MissedRuns.plan(HOURLY, h(0), h(5.5), MissedRunPolicy.SKIP, eps).launch())
        .containsExactly(h(5));
    Duration tiny = Duration.ofMinutes(10);
    assertThat(MissedRuns.plan(HOURLY, h(0), h(5.5), MissedRunPolicy.RUN_ONCE, tiny).launch())
        .isEmpty();
    assertThat(MissedRuns.plan(HOURLY, h(0), h(5).plus(tiny), MissedRunPolicy.RUN_ONCE, tiny)
        .launch()).containsExactly(h(5));
  }

  @Test
  void nothingIsLaunchedTwice() {
    RunPlan first = MissedRuns.plan(HOURLY, h(0), h(1), MissedRunPolicy.RUN_ALL, null);
    assertThat(first.launch()).containsExactly(h(1));
    assertThat(MissedRuns.plan(HOURLY, first.handledUpTo(), h(1.9), MissedRunPolicy.RUN_ALL,
        null).launch()).isEmpty();
    assertThat(MissedRuns.plan(HOURLY, h(2), h(2), MissedRunPolicy.RUN_ALL, null).launch())
        .isEmpty();
  }

  @Test
  void runAllBatchesLongOutages() {
    Schedule everyMinute = CronSchedule.parse("* * * * *", ZoneOffset.UTC);
    RunPlan plan = MissedRuns.plan(everyMinute, h(0), h(24), MissedRunPolicy.RUN_ALL, null);
    assertThat(plan.launch()).hasSize(MissedRuns.MAX_BATCH);
    assertThat(plan.more()).isTrue();
    assertThat(plan.handledUpTo()).isEqualTo(T0.plusSeconds(60L * MissedRuns.MAX_BATCH));
    RunPlan rest = MissedRuns.plan(everyMinute, plan.handledUpTo(), h(24),
        MissedRunPolicy.RUN_ALL, null);
    assertThat(rest.launch()).hasSize(24 * 60 - MissedRuns.MAX_BATCH);
    assertThat(rest.more()).isFalse();
  }

  @Test
  void isoScheduleCarriesItsOwnWatermarkAndCountsRuns() {
    IsoSchedule r3 = IsoSchedule.parse("R3/2024-01-01T01:00:00Z/PT1H", "", T0);
    RunPlan all = MissedRuns.plan(r3, null, h(9), MissedRunPolicy.RUN_ALL, null);
    assertThat(all.launch()).containsExactly(h(1), h(2), h(3));
    assertThat(r3.afterRuns(all.launch().size(), all.handledUpTo()).render())
        .isEqualTo("R0/2024-01-01T10:00:00.000Z/PT1H");
    RunPlan once = MissedRuns.plan(r3, null, h(9), MissedRunPolicy.RUN_ONCE, null);
    assertThat(once.launch()).containsExactly(h(3));
    assertThat(r3.afterRuns(once.launch().size(), once.handledUpTo()).render())
        .isEqualTo("R2/2024-01-01T10:00:00.000Z/PT1H");
    RunPlan skip = MissedRuns.plan(r3, null, h(9), MissedRunPolicy.SKIP, null);
    assertThat(skip.launch()).isEmpty();
    assertThat(r3.afterRuns(0, skip.handledUpTo()).repetitions()).isEqualTo(3);
    IsoSchedule r0 = IsoSchedule.parse("R0/2024-01-01T01:00:00Z/PT1H", "", T0);
    assertThat(MissedRuns.plan(r0, null, h(9), MissedRunPolicy.RUN_ALL, null).launch())
        .isEmpty();
  }

  @Test
  void policyParsing() {
    assertThat(MissedRunPolicy.parse("run_all")).isEqualTo(MissedRunPolicy.RUN_ALL);
    assertThatThrownBy(() -> MissedRunPolicy.parse("sometimes"))
        .hasMessage("missedRunPolicy: 'sometimes' is not valid: one of [RUN_ONCE, RUN_ALL, SKIP]");
  }
}
