package io.meso.executor.isolation.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meso.executor.Isolation;
import io.meso.executor.isolation.HostSupport;
import io.meso.executor.isolation.LaunchPlan;
import io.meso.v1.ResourceStatistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cgroups v2 code paths against the host's real unified hierarchy: detection, a task's
 * cgroup made under it, joined by the task's shell exactly as the launcher joins it, counted
 * (cgroup.procs, cgroup.threads), its cpu time read from cpu.stat, killed whole through
 * cgroup.kill, removed, and swept after an agent restart. On hosts whose controllers are held by
 * v1 (a "hybrid" host, as the machines these tests run on) the unified hierarchy has none, so
 * the controller files (memory.max, cpu.weight, cpu.max, pids.max, memory.events) cannot be
 * exercised here: their formats are covered by CgroupUsageTest, and an isolator that needs a
 * missing controller is refused at start, which this test checks. Handing the childless cpu or
 * pids v1 hierarchy over to v2 for a test does not work on these machines either: their init
 * process (pid 1, whose files root cannot inspect) keeps every v1 mount busy, so {@code umount}
 * fails with EBUSY, and a lazy {@code umount -l} leaves the hierarchy alive (same hierarchy id and
 * device after remounting) without the controller ever appearing in {@code cgroup.controllers}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CgroupsV2Test {

  private Path base;
  private final String root = "meso-test-v2";
  private final String agent = "agent-" + UUID.randomUUID();
  private Process process;

  /** The first cgroup2 mount of this process's mount namespace, or null. */
  static Path unifiedMount() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      int dash = java.util.Arrays.asList(f).indexOf("-");
      if (dash > 0 && f[dash + 1].equals("cgroup2") && Files.isWritable(Path.of(f[4]))) {
        return Path.of(f[4]);
      }
    }
    return null;
  }

  @BeforeEach
  void findTheUnifiedHierarchy() throws IOException {
    base = unifiedMount();
    Assumptions.assumeTrue(base != null, "no writable cgroup2 hierarchy is mounted here");
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (base != null) {
      Files.deleteIfExists(base.resolve(root).resolve(agent));
      try {
        Files.deleteIfExists(base.resolve(root));
      } catch (IOException e) {
        // another run's agent is still in it
      }
    }
  }

  private Cgroups cgroups() {
    CgroupsHost host = CgroupsHost.detect(base);
    return new Cgroups(host, root, agent, EnumSet.of(Controller.CPUACCT));
  }

  /** Starts a shell that joins the cgroup as a launched task does, then burns cpu in a child and sleeps in another. */
  private Process joinAndRun(TaskCgroup cgroup) throws IOException {
    LaunchPlan plan = new LaunchPlan();
    cgroup.dirs().forEach(plan::join);
    return new ProcessBuilder("/bin/sh", "-c", plan.joinScript()
        + "timeout 60 sh -c 'while :; do :; done' & sleep 1000 & wait").start();
  }

  @Test
  void theUnifiedHierarchyIsV2WithTheControllersItLists() throws IOException {
    CgroupsHost host = CgroupsHost.detect(base);
    assertThat(host.version()).isEqualTo(CgroupsHost.Version.V2);
    Set<String> listed = Set.of(Files.readString(base.resolve("cgroup.controllers")).trim().split("\\s+"));
    for (Controller c : EnumSet.of(Controller.CPU, Controller.MEMORY, Controller.PIDS)) {
      assertThat(host.has(c)).as(c.fileName()).isEqualTo(listed.contains(c.fileName()));
    }
    assertThat(host.has(Controller.CPUACCT)).as("cpu.stat needs no controller").isTrue();
  }

  @Test
  void anIsolatorWhoseControllerIsMissingIsRefusedNamingIt() {
    CgroupsHost host = CgroupsHost.detect(base);
    Assumptions.assumeFalse(host.has(Controller.MEMORY), "this host's v2 hierarchy has a memory controller");
    assertThatThrownBy(() -> Isolation.parse("cgroups/mem").isolators(HostSupport.probe(base)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("isolator cgroups/mem is not available on this host: no writable memory controller "
            + "in cgroups v2 at " + base);
  }

  @Test
  void aTaskJoinsItsV2CgroupIsMeasuredAndIsKilledWholeThroughCgroupKill() throws Exception {
    TaskCgroup cgroup = cgroups().create("fw", "task");
    assertThat(cgroup.version()).isEqualTo(CgroupsHost.Version.V2);
    assertThat(cgroup.dirs()).containsExactly(base.resolve(root).resolve(agent).resolve("fw+task"));
    process = joinAndRun(cgroup);

    // the shell, timeout, its busy shell and sleep
    await().atMost(Duration.ofSeconds(20)).until(() -> cgroup.pids().size() >= 4);
    assertThat(cgroup.pids()).contains(process.pid());
    assertThat(cgroup.processes()).isGreaterThanOrEqualTo(4);
    assertThat(cgroup.threads()).isGreaterThanOrEqualTo(4);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      ResourceStatistics.Builder stats = ResourceStatistics.newBuilder();
      CgroupsCpuIsolator.read(cgroup, stats);
      return stats.getCpusUserTimeSecs() + stats.getCpusSystemTimeSecs() > 0.2;
    });

    assertThat(cgroup.kill()).isTrue();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("SIGKILL").isEqualTo(137);
    await().atMost(Duration.ofSeconds(10)).until(() -> cgroup.pids().isEmpty());
    assertThat(cgroup.remove()).isTrue();
    assertThat(cgroup.dirs().get(0)).doesNotExist();
  }

  @Test
  void aRestartedAgentSweepsTheV2CgroupsNoTaskOwns() throws Exception {
    TaskCgroup kept = cgroups().create("fw", "kept");
    TaskCgroup orphan = cgroups().create("fw", "orphan");
    process = joinAndRun(orphan);
    await().atMost(Duration.ofSeconds(20)).until(() -> orphan.pids().contains(process.pid()));

    Cgroups restarted = cgroups();
    assertThat(restarted.existing("fw", "kept").dirs()).isEqualTo(kept.dirs());
    assertThat(restarted.sweepExcept(Set.of(kept.name()))).isEqualTo(1);

    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(orphan.dirs().get(0)).doesNotExist();
    assertThat(kept.dirs().get(0)).isDirectory();
    assertThat(kept.remove()).isTrue();
    restarted.removeAgentDirs();
    assertThat(base.resolve(root).resolve(agent)).doesNotExist();
  }
}
