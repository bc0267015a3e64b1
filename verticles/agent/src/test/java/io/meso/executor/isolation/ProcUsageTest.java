package io.meso.executor.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.v1.ResourceStatistics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /proc usage of real processes, sandbox disk usage, and the parsing of /proc tables the isolators read. */
class ProcUsageTest {

  @TempDir
  Path dir;

  @Test
  void procOfThisJvmCountsItsCpuAndMemory() {
    ResourceStatistics.Builder stats = ResourceStatistics.newBuilder();
    ProcUsage.read(Set.of(ProcessHandle.current().pid(), Long.MAX_VALUE), stats);
    assertThat(stats.getProcesses()).as("a pid that does not exist is skipped").isEqualTo(1);
    assertThat(stats.getThreads()).isGreaterThan(1);
    assertThat(stats.getMemRssBytes()).isGreaterThan(10L << 20);
    assertThat(stats.getCpusUserTimeSecs() + stats.getCpusSystemTimeSecs()).isPositive();
    assertThat(ProcUsage.rss(Set.of(ProcessHandle.current().pid()))).isGreaterThan(10L << 20);
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

  @Test
  void listeningSocketsAreReadFromProcNetTcpLines() {
    Map<Long, Integer> listening = new HashMap<>();
    ListeningSockets.parse("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        + "timeout inode", listening);
    ListeningSockets.parse("   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0"
        + "        0 1456 1 00000000fc975dad 100 0 0 10 0", listening);
    ListeningSockets.parse("   1: 0100007F:C646 0100007F:9835 01 00000000:00000000 03:00001503 00000000     0"
        + "        0 2222 3 00000000e80623e4", listening);
    ListeningSockets.parse("   0: 00000000000000000000000000000000:7A69 00000000000000000000000000000000:0000 0A "
        + "00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0", listening);
    assertThat(listening).as("LISTEN (0A) only, IPv4 and IPv6").containsExactlyInAnyOrderEntriesOf(
        Map.of(1456L, 8080, 3333L, 31337));
  }

  @Test
  void mountinfoLinesGiveMountPointsReadOnlinessAndTypes() {
    var mounts = MountInfo.parse("""
        31 23 0:28 / /sys/fs/cgroup ro,relatime shared:9 - tmpfs tmpfs rw,mode=755
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        50 27 0:40 / /tmp/with\\040space rw - tmpfs tmpfs rw
        """);
    assertThat(mounts).hasSize(3);
    assertThat(mounts.get(0).readOnly()).isTrue();
    assertThat(mounts.get(0).propagation()).containsExactly("shared:9");
    assertThat(mounts.get(1).readOnly()).isFalse();
    assertThat(mounts.get(1).fsType()).isEqualTo("cgroup");
    assertThat(mounts.get(2).mountPoint()).isEqualTo(Path.of("/tmp/with space"));
    assertThat(MountInfo.under(mounts, Path.of("/sys/fs/cgroup"))).hasSize(2);
  }
}
