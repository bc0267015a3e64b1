package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.allocator.Resources;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceDetectorTest {

  @TempDir
  Path workDir;

  private static Resource named(Resources resources, String name) {
    return resources.toProto().stream().filter(r -> r.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void detectsTheMachineWithoutASpec() {
    Resources detected = ResourceDetector.detect(null, workDir);

    assertThat(detected.names()).containsExactlyInAnyOrder("cpus", "mem", "disk", "ports");
    assertThat(detected.scalar("cpus")).isEqualTo(Runtime.getRuntime().availableProcessors());
    long totalMem = ResourceDetector.totalMemoryMb();
    assertThat(detected.scalar("mem")).isEqualTo(ResourceDetector.afterReserve(totalMem, 1024)).isPositive();
    assertThat(detected.scalar("disk")).isEqualTo(ResourceDetector.afterReserve(ResourceDetector.totalDiskMb(workDir), 5120));
    assertThat(named(detected, "ports").getRanges().getRangeList()).containsExactly(
        Value.Range.newBuilder().setBegin(31_000).setEnd(32_000).build());
  }

  @Test
  void theSpecOverridesByNameAndAddsTheRest() {
    Resources resources = ResourceDetector.detect("cpus:4;mem:8192;ports:[5000-5010];gpus:2;licenses:7", workDir);

    assertThat(resources.scalar("cpus")).isEqualTo(4);
    assertThat(resources.scalar("mem")).isEqualTo(8192);
    assertThat(resources.scalar("gpus")).isEqualTo(2);
    assertThat(resources.scalar("licenses")).isEqualTo(7);
    assertThat(resources.scalar("disk")).isPositive();
    assertThat(named(resources, "ports").getRanges().getRangeList()).containsExactly(
        Value.Range.newBuilder().setBegin(5000).setEnd(5010).build());
  }

  // total - min(reserve, total / 2): small machines keep half, large ones give up the whole reserve.
  @ParameterizedTest
  @CsvSource({
      "16384, 1024, 15360",
      "2048,  1024, 1024",
      "1000,  1024, 500",
      "0,     1024, 0",
      "500000, 5120, 494880",
      "6000,  5120, 3000"})
  void reservesMemoryAndDiskForTheSystem(long total, long reserve, long expected) {
    assertThat(ResourceDetector.afterReserve(total, reserve)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cpus:lots | cpus",
      "mem:-5 | mem",
      "ports:[32000-31000] | ports",
      "cpus | cpus"})
  void aBadSpecIsRefusedNamingTheEntry(String spec, String field) {
    assertThatThrownBy(() -> ResourceDetector.detect(spec, workDir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid agent resources '" + spec + "'")
        .hasMessageContaining(field);
  }
}
