package io.meso.executor.isolation.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which cgroups a host offers under its cgroup base (normally {@code /sys/fs/cgroup}):
 * <ul>
 *   <li><b>v2</b> when the base itself is a unified hierarchy ({@code cgroup.controllers} in it):
 *       the controllers listed there are the usable ones;</li>
 *   <li><b>v1</b> otherwise: one writable hierarchy per controller, {@code <base>/memory},
 *       {@code <base>/cpu}, {@code <base>/cpuacct} (or cpuacct files inside the cpu hierarchy
 *       when the two are mounted together) and {@code <base>/pids}.</li>
 * </ul>
 * A hybrid host (v1 controllers plus an empty {@code <base>/unified}) is v1: only v1 holds
 * controllers there. Blocking file IO, once at start.
 */
public final class CgroupsHost {

  /** The cgroup interface version. */
  public enum Version { V1, V2 }

  private final Path base;
  private final Version version;
  /** v1: each usable controller's hierarchy (cpu and cpuacct may map to the same one); v2: the base for each. */
  private final Map<Controller, Path> hierarchies;

  private CgroupsHost(Path base, Version version, Map<Controller, Path> hierarchies) {
    this.base = base;
    this.version = version;
    this.hierarchies = Collections.unmodifiableMap(hierarchies);
  }

  /** What {@code base} offers; never null (no usable controller at all is a host without cgroups). */
  public static CgroupsHost detect(Path base) {
    Map<Controller, Path> found = new EnumMap<>(Controller.class);
    Path controllersFile = base.resolve("cgroup.controllers");
    if (Files.isRegularFile(controllersFile)) {
      if (Files.isWritable(base)) {
        try {
          for (String word : Files.readString(controllersFile).trim().split("\\s+")) {
            for (Controller c : Controller.values()) {
              if (c.fileName().equals(word)) {
                found.put(c, base);
              }
            }
          }
        } catch (IOException e) {
          // unreadable: no controllers
        }
        // cpu.stat (usage_usec, user_usec, system_usec) is a core file: accounting needs no controller.
        found.put(Controller.CPUACCT, base);
      }
      return new CgroupsHost(base, Version.V2, found);
    }
    Path memory = base.resolve("memory");
    if (Files.isRegularFile(memory.resolve("memory.limit_in_bytes")) && Files.isWritable(memory)) {
      found.put(Controller.MEMORY, memory);
    }
    Path cpu = base.resolve("cpu");
    if (Files.isRegularFile(cpu.resolve("cpu.shares")) && Files.isWritable(cpu)) {
      found.put(Controller.CPU, cpu);
    }
    Path cpuacct = base.resolve("cpuacct");
    if (Files.isRegularFile(cpu.resolve("cpuacct.usage")) && Files.isWritable(cpu)) {
      found.put(Controller.CPUACCT, cpu);
    } else if (Files.isRegularFile(cpuacct.resolve("cpuacct.usage")) && Files.isWritable(cpuacct)) {
      found.put(Controller.CPUACCT, cpuacct);
    }
    Path pids = base.resolve("pids");
    if (Files.isRegularFile(pids.resolve("cgroup.procs")) && Files.isWritable(pids)) {
      found.put(Controller.PIDS, pids);
    }
    return new CgroupsHost(base, Version.V1, found);
  }

  public Path base() {
    return base;
  }

  public Version version() {
    return version;
  }

  /** Whether the controller can be used for tasks. */
  public boolean has(Controller controller) {
    return hierarchies.containsKey(controller);
  }

  /** The usable controllers. */
  public Set<Controller> controllers() {
    return hierarchies.isEmpty() ? EnumSet.noneOf(Controller.class) : EnumSet.copyOf(hierarchies.keySet());
  }

  /** The hierarchy the controller lives in (the base itself for v2), or null when it is not usable. */
  public Path hierarchy(Controller controller) {
    return hierarchies.get(controller);
  }

  /** "cgroups v1 (memory, cpu, cpuacct, pids)": for logs and error messages. */
  public String describe() {
    StringBuilder s = new StringBuilder("cgroups ").append(version == Version.V1 ? "v1" : "v2").append(" at ")
        .append(base).append(" (");
    String sep = "";
    for (Controller c : hierarchies.keySet()) {
      s.append(sep).append(c.fileName());
      sep = ", ";
    }
    return s.append(hierarchies.isEmpty() ? "no usable controllers)" : ")").toString();
  }
}
