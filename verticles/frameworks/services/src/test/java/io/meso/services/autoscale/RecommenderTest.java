package io.meso.services.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.AutoscalePolicy;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HPA rule, its tolerance, min/max, unmeasured instances and the stabilisation windows. */
class RecommenderTest {

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  static List<Double> each(int n, double u) {
    return Collections.nCopies(n, u);
  }

  @Test
  void scalesUpAtOnceToCeilOfLoadOverTarget() {
    Recommender r = new Recommender(new AutoscalePolicy(0.5, 1, 10, 0, 300, 0.1), T0);
    AutoscaleDecision d = r.decide(2, each(2, 0.9), T0);
    // ceil(2 × 0.9 / 0.5) = ceil(3.6) = 4
    assertThat(d.recommended()).isEqualTo(4);
    assertThat(d.desired()).isEqualTo(4);
    assertThat(d.utilization()).isEqualTo(0.9);
    assertThat(d.scales()).isTrue();
  }

  @Test
  void capsAtMaxAndRaisesToMin() {
    Recommender r = new Recommender(new AutoscalePolicy(0.5, 2, 3, 0, 0, 0.1), T0);
    assertThat(r.decide(2, each(2, 8.0), T0).desired()).isEqualTo(3);
    assertThat(r.decide(1, List.of(), T0.plusSeconds(1)).desired()).isEqualTo(2);
  }

  @Test
  void withinTheToleranceNothingChanges() {
    Recommender r = new Recommender(new AutoscalePolicy(0.5, 1, 10, 0, 0, 0.1), T0);
    assertThat(r.decide(4, each(4, 0.54), T0).desired()).isEqualTo(4);
    assertThat(r.decide(4, each(4, 0.46), T0.plusSeconds(1)).desired()).isEqualTo(4);
    assertThat(r.decide(4, each(4, 0.56), T0.plusSeconds(2)).desired()).isEqualTo(5);
  }

  @Test
  void unmeasuredInstancesCountAsIdleForScaleUpAndBlockScaleDown() {
    Recommender r = new Recommender(new AutoscalePolicy(0.5, 1, 10, 0, 0, 0.1), T0);
    // 4 instances, 2 measured at 0.9: load 1.8 -> ceil(3.6) = 4, no more.
    assertThat(r.decide(4, each(2, 0.9), T0).desired()).isEqualTo(4);
    AutoscaleDecision idle = r.decide(4, each(3, 0.0), T0.plusSeconds(1));
    assertThat(idle.desired()).isEqualTo(4);
    assertThat(idle.missing()).isEqualTo(1);
    assertThat(idle.reason()).contains("not measured");
    // Not even down to maxInstances on partial figures.
    Recommender capped = new Recommender(new AutoscalePolicy(0.5, 1, 2, 0, 0, 0.1), T0);
    assertThat(capped.decide(5, each(4, 0.0), T0).desired()).isEqualTo(5);
  }

  @Test
  void scalesDownOnlyAfterWatchingTheWholeWindowAndToItsHighestRecommendation() {
    Recommender r = new Recommender(new AutoscalePolicy(0.5, 1, 10, 0, 60, 0.1), T0);
    assertThat(r.decide(4, each(4, 0.25), T0).desired()).isEqualTo(4);            // wants 2
    assertThat(r.decide(4, each(4, 0.375), T0.plusSeconds(30)).desired()).isEqualTo(4); // wants 3
    AutoscaleDecision held = r.decide(4, each(4, 0.0), T0.plusSeconds(59));        // wants 1
    assertThat(held.desired()).isEqualTo(4);
    assertThat(held.reason()).contains("60 s scale-down window");
    // A minute watched: the highest recommendation of the last 60 s (3, from t=30) wins.
    assertThat(r.decide(4, each(4, 0.0), T0.plusSeconds(60)).desired()).isEqualTo(3);
    assertThat(r.decide(3, each(3, 0.0), T0.plusSeconds(91)).desired()).isEqualTo(1);
  }

  @Test
  void scaleUpWindowTakesTheLowestRecommendation() {
    Recommender r = new Recommender(new AutoscalePolicy(0.5, 1, 10, 20, 0, 0.1), T0);
    assertThat(r.decide(1, each(1, 0.5), T0).desired()).isEqualTo(1);
    assertThat(r.decide(1, each(1, 2.0), T0.plusSeconds(10)).desired()).isEqualTo(1);
    assertThat(r.decide(1, each(1, 2.0), T0.plusSeconds(21)).desired()).isEqualTo(4);
  }
}
