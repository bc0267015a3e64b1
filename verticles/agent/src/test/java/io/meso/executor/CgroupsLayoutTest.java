package io.meso.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cgroup directory names (on a plain directory tree standing in for the cgroup mount). */
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

  @Test
  void recoveryFindsTheNewLayoutAndStillTheOldOne() throws Exception {
    Cgroups cgroups = new Cgroups(base, "meso", "agent-1");
    Path legacy = Files.createDirectories(base.resolve("memory/meso/agent-1/old-task"));
    Path current = Files.createDirectories(base.resolve("memory/meso/agent-1/fw-1+new-task"));

    assertThat(cgroups.existing("fw-1", "new-task").memory()).isEqualTo(current);
    assertThat(cgroups.existing("fw-1", "old-task").memory()).isEqualTo(legacy);
    assertThat(cgroups.existing("fw-1", "nothing")).isNull();
  }
}
