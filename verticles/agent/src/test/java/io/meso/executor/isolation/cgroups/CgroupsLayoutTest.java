package io.meso.executor.isolation.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cgroup directory names and how a host's cgroups are recognised, on plain directory trees
 * laid out as the kernel lays out a v1 and a v2 mount (the files that decide are all there is
 * to it; real hierarchies are exercised by the isolation tests).
 */
class CgroupsLayoutTest {

  @TempDir
  Path base;

  @Test
  void namesAreScopedByFrameworkAndCannotCollide() {
    assertThat(Cgroups.name("fw-a", "same")).isEqualTo("fw-a+same");
    assertThat(Cgroups.name("fw/b", "same")).isEqualTo("fw%2Fb+same");
    // '+' in an id is escaped, so the joining '+' is unambiguous.
    assertThat(Cgroups.name("a+b", "c")).isNotEqualTo(Cgroups.name("a", "b+c"));
  }

  private void v1Hierarchy(String name, String file) throws Exception {
    Files.createDirectories(base.resolve(name));
    Files.writeString(base.resolve(name).resolve(file), "");
  }

  @Test
  void recoveryFindsTheNewLayoutAndStillTheOldOne() throws Exception {
    v1Hierarchy("memory", "memory.limit_in_bytes");
    v1Hierarchy("cpu", "cpu.shares");
    Cgroups cgroups = new Cgroups(CgroupsHost.detect(base), "meso", "agent-1",
        EnumSet.of(Controller.MEMORY, Controller.CPU));
    Path legacy = Files.createDirectories(base.resolve("memory/meso/agent-1/old-task"));
    Path current = Files.createDirectories(base.resolve("memory/meso/agent-1/fw-1+new-task"));

    assertThat(cgroups.existing("fw-1", "new-task").dir(Controller.MEMORY)).isEqualTo(current);
    assertThat(cgroups.existing("fw-1", "new-task").name()).isEqualTo("fw-1+new-task");
    assertThat(cgroups.existing("fw-1", "old-task").dir(Controller.MEMORY)).isEqualTo(legacy);
    assertThat(cgroups.existing("fw-1", "nothing")).isNull();
  }

  @Test
  void v1IsOneHierarchyPerControllerWithCpuacctInsideCpuWhenMountedTogether() throws Exception {
    v1Hierarchy("memory", "memory.limit_in_bytes");
    v1Hierarchy("cpu", "cpu.shares");
    v1Hierarchy("cpu", "cpuacct.usage");
    v1Hierarchy("pids", "cgroup.procs");
    CgroupsHost host = CgroupsHost.detect(base);

    assertThat(host.version()).isEqualTo(CgroupsHost.Version.V1);
    assertThat(host.controllers()).containsExactlyInAnyOrder(Controller.values());
    assertThat(host.hierarchy(Controller.CPUACCT)).isEqualTo(base.resolve("cpu"));
    TaskCgroup task = new Cgroups(host, "meso", "a", host.controllers()).create("fw", "t");
    assertThat(task.dirs()).as("cpu and cpuacct share one directory").hasSize(3)
        .allMatch(Files::isDirectory);
    assertThat(task.dir(Controller.PIDS)).isEqualTo(base.resolve("pids/meso/a/fw+t"));
  }

  @Test
  void aBaseWithCgroupControllersIsV2AndOnlyItsListedControllersCount() throws Exception {
    Files.writeString(base.resolve("cgroup.controllers"), "cpuset cpu io memory\n");
    // A v1-looking directory inside does not matter once the base is unified.
    v1Hierarchy("pids", "cgroup.procs");
    CgroupsHost host = CgroupsHost.detect(base);

    assertThat(host.version()).isEqualTo(CgroupsHost.Version.V2);
    assertThat(host.has(Controller.CPU)).isTrue();
    assertThat(host.has(Controller.MEMORY)).isTrue();
    assertThat(host.has(Controller.PIDS)).isFalse();
    assertThat(host.has(Controller.CPUACCT)).as("v2 counts cpu time without a controller").isTrue();
    assertThat(host.describe()).contains("v2").contains("memory").doesNotContain("pids");
  }

  @Test
  void aV2CgroupHoldingProcessesIsNamedWhenAControllerCannotBeEnabledBelowIt() throws Exception {
    Files.writeString(base.resolve("cgroup.controllers"), "cpu memory\n");
    // The kernel's EBUSY for a non-root cgroup with processes of its own, played by a file that
    // refuses writes (as an agent in a container whose own cgroup is the base sees it).
    Files.createSymbolicLink(base.resolve("cgroup.subtree_control"), Path.of("/proc/version"));
    Files.writeString(base.resolve("cgroup.procs"), "1\n57\n");
    Cgroups cgroups = new Cgroups(CgroupsHost.detect(base), "meso", "agent-1",
        EnumSet.of(Controller.CPU, Controller.MEMORY));

    assertThatThrownBy(() -> cgroups.create("fw", "t1")).isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("cannot enable the cpu controller below " + base)
        .hasMessageContaining("holds processes (1 57)")
        .hasMessageContaining("Move them to a child cgroup first");
    assertThat(base.resolve("meso")).as("nothing of the task's left behind").satisfiesAnyOf(
        p -> assertThat(p).doesNotExist(), p -> assertThat(p.resolve("agent-1").resolve("fw+t1")).doesNotExist());
  }

  @Test
  void aHostWithoutWritableHierarchiesHasNoControllers() {
    CgroupsHost host = CgroupsHost.detect(base.resolve("nothing-here"));
    assertThat(host.controllers()).isEmpty();
    assertThat(host.describe()).contains("no usable controllers");
  }
}
