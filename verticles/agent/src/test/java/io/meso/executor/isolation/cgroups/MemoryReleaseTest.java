package io.meso.executor.isolation.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.executor.ExecutorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's memory cgroup is emptied before it is removed: the page cache of a file its process
 * wrote stays charged to the cgroup after the process ended (a removed cgroup with such charges
 * lives on in the kernel as a dying one), and {@link TaskCgroup#releaseMemory()} takes it off.
 * A real v1 memory cgroup under {@code meso-test}, a real process writing a real file.
 */
class MemoryReleaseTest {

  private static final Path MEMORY = Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE).resolve("memory");
  private static final long FILE_BYTES = 8L << 20;

  @TempDir
  Path dir;

  private Path cgroup;

  @AfterEach
  void removeCgroup() throws Exception {
    if (cgroup != null) {
      Files.deleteIfExists(cgroup);
    }
  }

  @Test
  void theCacheOfWhatTheTaskWroteIsReleasedAndTheCgroupRemoved() throws Exception {
    CgroupsHost host = CgroupsHost.detect(Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE));
    Assumptions.assumeTrue(host.version() == CgroupsHost.Version.V1 && host.has(Controller.MEMORY),
        "no writable v1 memory hierarchy");
    cgroup = Files.createDirectories(MEMORY.resolve("meso-test").resolve("release-" + UUID.randomUUID()));
    Path out = dir.resolve("out");
    Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs")
        + " && head -c " + FILE_BYTES + " /dev/zero > " + out).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(Files.size(out)).isEqualTo(FILE_BYTES);
    long charged = usage();
    assertThat(charged).as("the file's page cache is charged to the cgroup after its process ended")
        .isGreaterThanOrEqualTo(FILE_BYTES);

    TaskCgroup task = TaskCgroup.v1(cgroup, null, null, null);
    task.releaseMemory();
    assertThat(usage()).as("charged after the release (was %d)", charged).isLessThan(FILE_BYTES / 8);
    assertThat(Files.size(out)).as("the file itself is untouched").isEqualTo(FILE_BYTES);
    assertThat(task.remove()).isTrue();
    assertThat(cgroup).doesNotExist();
  }

  private long usage() throws Exception {
    return Long.parseLong(Files.readString(cgroup.resolve("memory.usage_in_bytes")).trim());
  }
}
