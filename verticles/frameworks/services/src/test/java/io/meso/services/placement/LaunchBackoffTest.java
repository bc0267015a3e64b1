package io.meso.services.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.services.placement.LaunchBackoff.Policy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Launch backoff growth, cap, expiry and reset, as Marathon's RateLimiterTest. */
class LaunchBackoffTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void growsByTheFactorUpToTheCap() {
    LaunchBackoff backoff = new LaunchBackoff(new Policy(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(60)));
    long[] expected = {10, 20, 40, 60, 60};
    for (long seconds : expected) {
      assertThat(backoff.launchFailed("v1", T)).isEqualTo(T.plusSeconds(seconds));
    }
    assertThat(backoff.currentDelay("v1", T)).contains(Duration.ofSeconds(60));
  }

  @Test
  void marathonDefaults() {
    LaunchBackoff backoff = new LaunchBackoff(Policy.DEFAULT);
    assertThat(backoff.launchFailed("v1", T)).isEqualTo(T.plusSeconds(1));
    assertThat(backoff.launchFailed("v1", T)).isEqualTo(T.plusMillis(1150));
    assertThat(backoff.launchFailed("v1", T)).isEqualTo(T.plusNanos(1_322_500_000L));
  }

  @Test
  void theFirstDelayIsCappedToo() {
    LaunchBackoff backoff = new LaunchBackoff(new Policy(Duration.ofSeconds(30), 1.15, Duration.ofSeconds(5)));
    assertThat(backoff.launchFailed("v1", T)).isEqualTo(T.plusSeconds(5));
  }

  @Test
  void launchesWaitUntilTheDeadline() {
    LaunchBackoff backoff = new LaunchBackoff(new Policy(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(60)));
    assertThat(backoff.delayedUntil("v1", T)).isEmpty();
    backoff.launchFailed("v1", T);
    assertThat(backoff.delayedUntil("v1", T.plusSeconds(9))).contains(T.plusSeconds(10));
    assertThat(backoff.delayedUntil("v1", T.plusSeconds(10))).isEmpty();
    assertThat(backoff.currentDelay("v1", T.plusSeconds(10))).contains(Duration.ofSeconds(10));
  }

  @Test
  void aNewVersionStartsAfresh() {
    LaunchBackoff backoff = new LaunchBackoff(new Policy(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(60)));
    backoff.launchFailed("v1", T);
    backoff.launchFailed("v1", T);
    assertThat(backoff.delayedUntil("v2", T)).isEmpty();
    assertThat(backoff.launchFailed("v2", T)).isEqualTo(T.plusSeconds(10));
  }

  @Test
  void forgottenOnceMaxLaunchDelayHasPassedOrReset() {
    LaunchBackoff backoff = new LaunchBackoff(new Policy(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(60)));
    backoff.launchFailed("v1", T);
    backoff.launchFailed("v1", T);
    assertThat(backoff.currentDelay("v1", T.plusSeconds(60))).contains(Duration.ofSeconds(20));
    assertThat(backoff.currentDelay("v1", T.plusSeconds(61))).isEmpty();
    assertThat(backoff.launchFailed("v1", T.plusSeconds(61))).isEqualTo(T.plusSeconds(71));
    backoff.reset();
    assertThat(backoff.delayedUntil("v1", T.plusSeconds(62))).isEmpty();
  }

  @Test
  void rejectsAShrinkingFactor() {
    assertThatThrownBy(() -> new Policy(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(10)))
        .hasMessageContaining("factor");
  }
}
