package io.meso.executor.isolation.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.executor.isolation.Container;
import io.meso.executor.isolation.Limitation;
import io.meso.v1.ResourceStatistics;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cgroup files the isolators read, v1 and v2, and the values they write: the files' formats
 * as the kernel writes them, on plain directory trees (v2's memory and cpu controllers are not
 * enabled on the machines these tests run on; real v1 cgroups are exercised by
 * CgroupsIsolationTest, the real v2 hierarchy by CgroupsV2Test).
 */
class CgroupUsageTest {

  @TempDir
  Path dir;

  private static Container container(TaskCgroup cgroup) {
    Container c = new Container("fw", TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t"))
        .build(), Path.of("/nonexistent"), Set::of);
    c.cgroup(cgroup);
    return c;
  }

  @Test
  void v1FilesBecomeMesosFields() throws Exception {
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
    TaskCgroup cgroup = new TaskCgroup(CgroupsHost.Version.V1, "t",
        Map.of(Controller.MEMORY, memory, Controller.CPU, cpu, Controller.CPUACCT, cpuacct));

    ResourceStatistics.Builder stats = ResourceStatistics.newBuilder();
    new CgroupsCpuIsolator(true).usage(container(cgroup), stats);
    new CgroupsMemIsolator().usage(container(cgroup), stats);

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
    assertThat(cgroup.processes()).isEqualTo(2);
    assertThat(cgroup.threads()).isEqualTo(3);
  }

  @Test
  void v2FilesBecomeMesosFields() throws Exception {
    Path task = Files.createDirectories(dir.resolve("task"));
    Files.writeString(task.resolve("cpu.stat"), "usage_usec 3250000\nuser_usec 2500000\nsystem_usec 750000\n"
        + "nr_periods 40\nnr_throttled 7\nthrottled_usec 1500000\n");
    Files.writeString(task.resolve("memory.current"), "9000\n");
    Files.writeString(task.resolve("memory.max"), "33554432\n");
    Files.writeString(task.resolve("memory.swap.current"), "0\n");
    Files.writeString(task.resolve("memory.stat"), "anon 8192\nfile 4096\nfile_mapped 512\nunevictable 3\n");
    Files.writeString(task.resolve("cgroup.procs"), "10\n11\n");
    Files.writeString(task.resolve("cgroup.threads"), "10\n11\n12\n");
    TaskCgroup cgroup = new TaskCgroup(CgroupsHost.Version.V2, "task",
        Map.of(Controller.MEMORY, task, Controller.CPU, task, Controller.CPUACCT, task));

    ResourceStatistics.Builder stats = ResourceStatistics.newBuilder();
    new CgroupsCpuIsolator(true).usage(container(cgroup), stats);
    new CgroupsMemIsolator().usage(container(cgroup), stats);

    assertThat(stats.getCpusUserTimeSecs()).isEqualTo(2.5);
    assertThat(stats.getCpusSystemTimeSecs()).isEqualTo(0.75);
    assertThat(stats.getCpusNrPeriods()).isEqualTo(40);
    assertThat(stats.getCpusNrThrottled()).isEqualTo(7);
    assertThat(stats.getCpusThrottledTimeSecs()).isEqualTo(1.5);
    assertThat(stats.getMemTotalBytes()).isEqualTo(9000);
    assertThat(stats.getMemLimitBytes()).isEqualTo(33554432);
    assertThat(stats.getMemRssBytes()).isEqualTo(8192);
    assertThat(stats.getMemCacheBytes()).isEqualTo(4096);
    assertThat(stats.getMemMappedFileBytes()).isEqualTo(512);
    assertThat(stats.getMemUnevictableBytes()).isEqualTo(3);
    assertThat(stats.getMemSwapBytes()).isZero();
    assertThat(cgroup.processes()).isEqualTo(2);
    assertThat(cgroup.threads()).isEqualTo(3);
  }

  @Test
  void anOomKillIsAMemoryLimitationInV1AndV2AndNoneBeforeIt() throws Exception {
    Path v1 = Files.createDirectories(dir.resolve("v1"));
    Files.writeString(v1.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    Files.writeString(v1.resolve("memory.limit_in_bytes"), "33554432\n");
    Path v2 = Files.createDirectories(dir.resolve("v2"));
    Files.writeString(v2.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 0\noom_group_kill 0\n");
    Files.writeString(v2.resolve("memory.max"), "33554432\n");
    Container c1 = container(new TaskCgroup(CgroupsHost.Version.V1, "v1", Map.of(Controller.MEMORY, v1)));
    Container c2 = container(new TaskCgroup(CgroupsHost.Version.V2, "v2", Map.of(Controller.MEMORY, v2)));
    CgroupsMemIsolator mem = new CgroupsMemIsolator();
    assertThat(mem.limitation(c1, true)).isNull();
    assertThat(mem.limitation(c2, false)).as("reaching max is not an OOM kill").isNull();

    Files.writeString(v1.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    Files.writeString(v2.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n");
    for (Container c : new Container[] {c1, c2}) {
      Limitation l = mem.limitation(c, false);
      assertThat(l.reason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY);
      assertThat(l.effect()).isEqualTo(Limitation.Effect.FAIL);
      assertThat(l.message()).contains("Memory limit exceeded").contains("32 MB");
    }
    assertThat(mem.limitation(c1, true).message()).contains("2 of its processes");
  }

  @Test
  void refusedForksExplainAFailureNamingThePidsLimit() throws Exception {
    Path pids = Files.createDirectories(dir.resolve("pids"));
    Files.writeString(pids.resolve("pids.max"), "32\n");
    Files.writeString(pids.resolve("pids.events"), "max 0\n");
    Container c = container(new TaskCgroup(CgroupsHost.Version.V1, "p", Map.of(Controller.PIDS, pids)));
    CgroupsPidsIsolator isolator = new CgroupsPidsIsolator(32);
    assertThat(isolator.limitation(c, true)).isNull();

    Files.writeString(pids.resolve("pids.events"), "max 170\n");
    assertThat(isolator.limitation(c, false)).as("not while it runs").isNull();
    Limitation l = isolator.limitation(c, true);
    assertThat(l.effect()).isEqualTo(Limitation.Effect.EXPLAINS_FAILURE);
    assertThat(l.reason()).isEqualTo(TaskStatus.Reason.REASON_CONTAINER_LIMITATION);
    assertThat(l.message()).contains("limit of 32 processes (pids.max)").contains("170 forks were refused");
  }

  // shares = 1024 x cpus (at least 2); weight = 1 + (shares - 2) x 9999 / 262142; quota = cpus x 100 ms, >= 1 ms
  @ParameterizedTest(name = "{0} cpus: shares {1}, weight {2}, cpu.max {3}")
  @CsvSource({
      "1,     1024,  39,    100000 100000",
      "0.2,   205,   8,     20000 100000",
      "2.5,   2560,  98,    250000 100000",
      "0.001, 2,     1,     1000 100000",
      "256,   262144, 10000, 25600000 100000"})
  void cpuValuesFollowTheFormulas(double cpus, long shares, long weight, String cpuMax) {
    assertThat(CgroupFiles.cpuShares(cpus)).isEqualTo(shares);
    assertThat(CgroupFiles.cpuWeight(shares)).isEqualTo(weight);
    assertThat(CgroupFiles.cpuMax(cpus)).isEqualTo(cpuMax);
  }

  @Test
  void v2MaxReadsAsUnlimitedAndMissingFilesAsUnknown() throws Exception {
    Files.writeString(dir.resolve("memory.max"), "max\n");
    assertThat(CgroupFiles.single(dir.resolve("memory.max"))).isEqualTo(Long.MAX_VALUE);
    assertThat(CgroupFiles.single(dir.resolve("gone"))).isEqualTo(-1);
    assertThat(CgroupFiles.keyed(dir.resolve("gone"))).isEmpty();
    assertThat(CgroupFiles.lines(dir.resolve("gone"))).isEqualTo(-1);
  }
}
