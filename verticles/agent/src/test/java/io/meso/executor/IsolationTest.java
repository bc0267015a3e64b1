package io.meso.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.executor.isolation.HostSupport;
import io.meso.executor.isolation.IsolatorName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --isolation} values: what parses, what is refused and how it says so, and what they mean on a host. */
class IsolationTest {

  @TempDir
  Path noCgroups;

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "auto                                   | auto",
      "AUTO                                   | auto",
      "CGROUPS                                | cgroups",
      "posix                                  | posix",
      "cgroups/cpu, cgroups/mem,cgroups/cpu   | cgroups/cpu,cgroups/mem",
      "cgroups,namespaces/pid,filesystem/cgroup-ro,disk/du,network/ports | "
          + "cgroups,namespaces/pid,filesystem/cgroup-ro,disk/du,network/ports",
      "posix/mem,disk/du                      | posix/mem,disk/du"})
  void valuesParseToTheirCanonicalText(String value, String canonical) {
    assertThat(Isolation.parse(value).name()).isEqualTo(canonical);
    assertThat(Isolation.parse(value)).isEqualTo(Isolation.parse(canonical));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "cgroups/mem,docker                | isolation 'cgroups/mem,docker': 'docker' is not an isolator; allowed: auto, "
          + "cgroups, posix, cgroups/cpu, cgroups/mem, cgroups/pids, namespaces/pid, filesystem/cgroup-ro, disk/du, "
          + "network/ports, posix/mem (a comma-separated list)",
      "cgroups/memory                    | 'cgroups/memory' is not an isolator",
      "auto,disk/du                      | 'auto' stands alone",
      "cgroups/mem,posix/mem             | cgroups/mem and posix/mem both limit memory; choose one",
      "cgroups,posix                     | cgroups/mem and posix/mem both limit memory",
      "'cgroups/cpu,,disk/du'            | has an empty entry",
      "'  '                              | isolation must not be empty"})
  void badValuesAreRefusedNamingTheValueAndWhatIsAllowed(String value, String message) {
    assertThatThrownBy(() -> Isolation.parse(value)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  /** A cgroup base with nothing mounted: a real probe of a host without cgroups. */
  @Test
  void onAHostWithoutCgroupsAutoFallsBackToPosixAndExplicitCgroupsAreRefused() {
    HostSupport host = HostSupport.probe(noCgroups);

    Set<IsolatorName> auto = Isolation.AUTO.isolators(host);
    assertThat(auto).contains(IsolatorName.POSIX_MEM, IsolatorName.DISK_DU)
        .doesNotContain(IsolatorName.CGROUPS_CPU, IsolatorName.CGROUPS_MEM, IsolatorName.CGROUPS_PIDS,
            IsolatorName.FILESYSTEM_CGROUP_RO);
    assertThatThrownBy(() -> Isolation.parse("disk/du,cgroups/mem").isolators(host))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("isolator cgroups/mem is not available on this host: no writable memory controller in cgroups v1 at "
            + noCgroups + " (no usable controllers)");
    assertThatThrownBy(() -> Isolation.CGROUPS.isolators(host)).hasMessageContaining("isolator cgroups/cpu");
    assertThat(Isolation.POSIX.isolators(host)).containsExactly(IsolatorName.POSIX_MEM);
  }

  /** On this host: auto takes exactly what the probe says is supported (posix/mem only without a memory cgroup). */
  @Test
  void autoTakesWhatTheHostSupports() {
    HostSupport host = HostSupport.probe(Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE));
    Set<IsolatorName> auto = Isolation.AUTO.isolators(host);
    for (IsolatorName n : List.of(IsolatorName.CGROUPS_CPU, IsolatorName.CGROUPS_MEM, IsolatorName.CGROUPS_PIDS,
        IsolatorName.NAMESPACES_PID, IsolatorName.DISK_DU, IsolatorName.NETWORK_PORTS)) {
      assertThat(auto.contains(n)).as(n + ": " + host.whyNot(n)).isEqualTo(host.supports(n));
    }
    assertThat(auto.contains(IsolatorName.POSIX_MEM)).isEqualTo(!host.supports(IsolatorName.CGROUPS_MEM));
    assertThat(Isolation.AUTO.resolve(Path.of(ExecutorOptions.DEFAULT_CGROUP_BASE)).isAuto()).isFalse();
  }

  /** The isolation package is plain Java: no Vert.x, so it can be used and tested without an event loop. */
  @Test
  void theIsolatorsDoNotUseVertx() throws IOException {
    Path sources = Path.of("src/main/java/io/meso/executor/isolation");
    assertThat(sources).isDirectory();
    try (Stream<Path> files = Files.walk(sources)) {
      List<Path> java = files.filter(f -> f.toString().endsWith(".java")).toList();
      assertThat(java).hasSizeGreaterThan(10);
      for (Path f : java) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain("import io.vertx");
      }
    }
  }
}
