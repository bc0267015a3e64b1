package io.meso.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LaunchStatsTest {

  private static LaunchStats withLatencies(long... sorted) {
    return new LaunchStats(sorted.length, sorted.length, sorted.length, sorted.length, 0, null, 1, 0, 1, 0, 0, 0,
        0, 2_000_000_000L, 3_000_000_000L, sorted);
  }

  /** Nearest rank: the ceil(p/100 * n)-th smallest value (1-based). */
  @ParameterizedTest(name = "n={0} p{1} -> {2}")
  @CsvSource({
      "100, 50,  50",   // ceil(50) = 50th of 1..100
      "100, 99,  99",
      "100, 100, 100",
      "10,  50,  5",
      "10,  99,  10",   // ceil(9.9) = 10th
      "1,   50,  1",
      "1,   99,  1",
      "3,   50,  2",    // ceil(1.5) = 2nd
      "0,   50,  -1"})  // nothing ran
  void percentilesAreNearestRank(int n, double percent, long expected) {
    LaunchStats stats = withLatencies(LongStream.rangeClosed(1, n).toArray());
    assertThat(stats.latencyPercentileNanos(percent)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} tasks running 2 s after the first offer -> {1}/s")
  @CsvSource({"100, 50", "1, 0.5", "0, 0"})
  void ratesCountFromTheFirstOffer(int running, double perSecond) {
    LaunchStats stats = new LaunchStats(100, 100, running, 0, 0, null, 1, 0, 1, 0, 0, 0, 0, 2_000_000_000L, -1, new long[0]);
    assertThat(stats.runningPerSecond()).isEqualTo(perSecond);
    assertThat(stats.endedPerSecond()).isZero();
  }
}
