package io.meso.services.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.v1.ResourceStatistics;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Utilisation from cpu-time deltas over wall time and allocated cpus, and when there is none. */
class CpuUtilizationTest {

  static ResourceStatistics s(double t, double user, double sys) {
    return ResourceStatistics.newBuilder().setTimestamp(t).setCpusUserTimeSecs(user).setCpusSystemTimeSecs(sys)
        .setCpusLimit(0.5).build();
  }

  @Test
  void cpuTimeOverWallTimeOverCpus() {
    // 0.5 cpu-seconds in 2 s on 0.5 cpus: 50 %.
    List<ResourceStatistics> samples = List.of(s(100, 1, 0), s(101, 1.2, 0.05), s(102, 1.4, 0.1));
    assertThat(CpuUtilization.of(samples, 0.5, 5, 60, 102.5).getAsDouble()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void averagesOverTheLookbackNotJustTheLastTick() {
    List<ResourceStatistics> samples = List.of(s(100, 0, 0), s(110, 0, 0), s(112, 0, 0), s(114, 2, 0));
    // lookback 4 s: from t=110 to 114, 2 cpu-s / 4 s / 0.5 = 1.0
    assertThat(CpuUtilization.of(samples, 0.5, 4, 60, 114).getAsDouble()).isEqualTo(1.0);
    // lookback 14 s: from t=100, 2 / 14 / 0.5
    assertThat(CpuUtilization.of(samples, 0.5, 14, 60, 114).getAsDouble()).isCloseTo(2 / 14.0 / 0.5,
        org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void usesTheAppsCpusWhenTheSampleHasNoLimit() {
    List<ResourceStatistics> samples = List.of(
        ResourceStatistics.newBuilder().setTimestamp(0).setCpusUserTimeSecs(0).build(),
        ResourceStatistics.newBuilder().setTimestamp(1).setCpusUserTimeSecs(0.1).build());
    assertThat(CpuUtilization.of(samples, 0.2, 1, 60, 1).getAsDouble()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void noFigureWithoutTwoSamplesCpuTimesFreshnessOrForwardTime() {
    assertThat(CpuUtilization.of(List.of(s(100, 1, 0)), 0.5, 5, 60, 100)).isEqualTo(OptionalDouble.empty());
    assertThat(CpuUtilization.of(List.of(), 0.5, 5, 60, 100)).isEqualTo(OptionalDouble.empty());
    List<ResourceStatistics> noCpu = List.of(ResourceStatistics.newBuilder().setTimestamp(1).build(),
        ResourceStatistics.newBuilder().setTimestamp(2).build());
    assertThat(CpuUtilization.of(noCpu, 0.5, 5, 60, 2)).isEqualTo(OptionalDouble.empty());
    assertThat(CpuUtilization.of(List.of(s(100, 1, 0), s(101, 2, 0)), 0.5, 5, 60, 200)).isEqualTo(OptionalDouble.empty());
    assertThat(CpuUtilization.of(List.of(s(100, 5, 0), s(101, 2, 0)), 0.5, 5, 60, 101)).isEqualTo(OptionalDouble.empty());
  }
}
