package io.meso.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.v1.ResourceStatistics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of cgroup v1 and /proc usage files (cgroups stand-in: a plain directory tree). */
class UsageReaderTest {

  @TempDir
  Path dir;

  @Test
  void cgroupFilesBecomeMesosFields() throws Exception {
    Path memory = Files.createDirectories(dir.resolve("memory"));
    Path cpu = Files.createDirectories(dir.resolve("cpu"));
    Path cpuacct = Files.createDirectories(dir.resolve("cpuacct"));
    Files.writeString(cpuacct.resolve("cpuacct.stat"), "user 250\nsystem 75\n");
    Files.writeString(cpuacct.resolve("cgroup.procs"), "10\n11\n");
    Files.writeString(cpuacct.resolve("tasks"), "10\n11\n12\n");
    Files.writeString(cpu.resolve("cpu.stat"), "nr_periods 40\nnr_throttled 7\nthrottled_time 1500000000\n");
    Files.writeString(memory.resolve("memory.usage_in_bytes"), "9000\n");
    Files.writeString(memory.resolve("memory.limit_in_bytes"), "33554432\n");
    Files.writeString(memory.resolve("memory.stat"),
        "cache 1\nrss 2\ntotal_cache 4096\ntotal_rss 8192\ntotal_mapped_file 512\ntotal_swap 0\ntotal_unevictable 3\n");

    ResourceStatistics.Builder stats = ResourceStatistics.newBuilder();
    UsageReader.fromCgroups(new TaskCgroup(memory, cpu, cpuacct, null), stats);

    assertThat(stats.getCpusUserTimeSecs()).isEqualTo(2.5);
    assertThat(stats.getCpusSystemTimeSecs()).isEqualTo(0.75);
    assertThat(stats.getCpusNrPeriods()).isEqualTo(40);
    assertThat(stats.getCpusNrThrottled()).isEqualTo(7);
    assertThat(stats.getCpusThrottledTimeSecs()).isEqualTo(1.5);
    assertThat(stats.getMemTotalBytes()).isEqualTo(9000);
    assertThat(stats.getMemLimitBytes()).isEqualTo(33554432);
    assertThat(stats.getMemRssBytes()).as("hierarchical total_rss, as Mesos").isEqualTo(8192);
    assertThat(stats.getMemAnonBytes()).isEqualTo(8192);
    assertThat(stats.getMemCacheBytes()).isEqualTo(4096);
    assertThat(stats.getMemFileBytes()).isEqualTo(4096);
    assertThat(stats.getMemMappedFileBytes()).isEqualTo(512);
    assertThat(stats.getMemUnevictableBytes()).isEqualTo(3);
    assertThat(stats.getProcesses()).isEqualTo(2);
    assertThat(stats.getThreads()).isEqualTo(3);
  }

  @Test
  void missingFilesLeaveFieldsUnset() {
    ResourceStatistics.Builder stats = ResourceStatistics.newBuilder();
    UsageReader.fromCgroups(new TaskCgroup(dir.resolve("gone-m"), dir.resolve("gone-c")), stats);
    assertThat(stats.hasCpusUserTimeSecs()).isFalse();
    assertThat(stats.hasMemTotalBytes()).isFalse();
    assertThat(stats.hasMemRssBytes()).isFalse();
  }

  @Test
  void procOfThisJvmCountsItsCpuAndMemory() {
    ResourceStatistics.Builder stats = ResourceStatistics.newBuilder();
    UsageReader.fromProcesses(Set.of(ProcessHandle.current().pid(), Long.MAX_VALUE), stats);
    assertThat(stats.getProcesses()).as("a pid that does not exist is skipped").isEqualTo(1);
    assertThat(stats.getThreads()).isGreaterThan(1);
    assertThat(stats.getMemRssBytes()).isGreaterThan(10L << 20);
    assertThat(stats.getCpusUserTimeSecs() + stats.getCpusSystemTimeSecs()).isPositive();
  }

  @Test
  void sandboxUsageIsKeptForItsIntervalAndForgottenWithItsTask() throws Exception {
    Path sandbox = Files.createDirectories(dir.resolve("sandbox/sub"));
    Files.write(sandbox.resolve("a"), new byte[1000]);
    SandboxDiskUsage cached = new SandboxDiskUsage(3_600_000);
    assertThat(cached.bytes("t", dir.resolve("sandbox"))).isEqualTo(1000);
    Files.write(sandbox.resolve("b"), new byte[500]);
    assertThat(cached.bytes("t", dir.resolve("sandbox"))).as("within the interval").isEqualTo(1000);
    cached.retain(Set.of());
    assertThat(cached.bytes("t", dir.resolve("sandbox"))).as("forgotten: measured again").isEqualTo(1500);
    assertThat(new SandboxDiskUsage(0).bytes("t", dir.resolve("sandbox"))).isEqualTo(1500);
    assertThat(SandboxDiskUsage.walk(dir.resolve("no-such-sandbox"))).isZero();
  }
}
