package io.meso.executor.isolation;

import io.meso.executor.isolation.cgroups.CgroupsHost;
import io.meso.executor.isolation.cgroups.Controller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What this host can isolate with, and for each isolator it cannot have, why not: the cgroups
 * under the cgroup base (v1 or v2, which controllers), whether pid and mount namespaces can be
 * made (one {@code unshare --pid --fork --mount-proc true} is run to find out: it needs root and a
 * kernel and container runtime that allow it), and whether util-linux's nsenter, setpriv and
 * mount are there. Probed when an executor starts ({@code auto} takes everything it offers).
 * Blocking.
 */
public final class HostSupport {

  private final CgroupsHost cgroups;
  private final Map<IsolatorName, String> missing;

  private HostSupport(CgroupsHost cgroups, Map<IsolatorName, String> missing) {
    this.cgroups = cgroups;
    this.missing = Collections.unmodifiableMap(missing);
  }

  /** Looks at the host: cgroups under {@code cgroupBase}, namespaces, util-linux. */
  public static HostSupport probe(Path cgroupBase) {
    CgroupsHost cgroups = CgroupsHost.detect(cgroupBase);
    Map<IsolatorName, String> missing = new EnumMap<>(IsolatorName.class);
    requireController(missing, IsolatorName.CGROUPS_CPU, cgroups, Controller.CPU);
    requireController(missing, IsolatorName.CGROUPS_MEM, cgroups, Controller.MEMORY);
    requireController(missing, IsolatorName.CGROUPS_PIDS, cgroups, Controller.PIDS);
    String namespaces = namespacesProblem();
    if (namespaces != null) {
      missing.put(IsolatorName.NAMESPACES_PID, namespaces);
      missing.put(IsolatorName.FILESYSTEM_CGROUP_RO, namespaces);
    }
    for (String tool : new String[] {"nsenter", "setpriv", "mount", "umount"}) {
      if (Executables.find(tool) == null) {
        missing.putIfAbsent(IsolatorName.FILESYSTEM_CGROUP_RO, tool + " (util-linux) is not installed");
      }
    }
    if (Executables.find("nsenter") == null) {
      missing.putIfAbsent(IsolatorName.NAMESPACES_PID, "nsenter (util-linux) is not installed");
    }
    if (!Files.isReadable(Path.of("/proc/net/tcp"))) {
      missing.put(IsolatorName.NETWORK_PORTS, "/proc/net/tcp cannot be read");
    }
    return new HostSupport(cgroups, missing);
  }

  private static void requireController(Map<IsolatorName, String> missing, IsolatorName name, CgroupsHost cgroups,
      Controller controller) {
    if (!cgroups.has(controller)) {
      missing.put(name, "no writable " + controller.fileName() + " controller in " + cgroups.describe());
    }
  }

  /** Null when a pid namespace with its own /proc can be made here, else why not. */
  private static String namespacesProblem() {
    String unshare = Executables.find("unshare");
    if (unshare == null) {
      return "unshare (util-linux) is not installed";
    }
    try {
      Executables.run(List.of(unshare, "--pid", "--fork", "--kill-child", "--mount-proc", "/bin/true"));
      return null;
    } catch (IOException e) {
      return "cannot make a pid namespace here (" + e.getMessage() + ")";
    }
  }

  public CgroupsHost cgroups() {
    return cgroups;
  }

  public boolean supports(IsolatorName name) {
    return !missing.containsKey(name);
  }

  /** Why the host cannot have this isolator, or null when it can. */
  public String whyNot(IsolatorName name) {
    return missing.get(name);
  }
}
