package io.meso.executor.isolation;

import io.meso.executor.isolation.cgroups.CgroupsCpuIsolator;
import io.meso.executor.isolation.cgroups.CgroupsMemIsolator;
import io.meso.executor.isolation.cgroups.CgroupsPidsIsolator;
import io.meso.executor.isolation.cgroups.Cgroups;
import io.meso.executor.isolation.cgroups.Controller;
import io.meso.executor.isolation.cgroups.TaskCgroup;
import io.meso.v1.ResourceStatistics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's chosen isolators, in the order of {@link IsolatorName}, and what they share: the
 * agent's {@link Cgroups} (a task's cgroups are made once, in every controller the cgroups
 * isolators need, before their {@code prepare}) and the sandbox disk measurements. Every
 * operation calls each isolator in turn; the executor talks to this class only. Blocking: call
 * off the event loop.
 */
public final class Isolators {

  private static final Logger LOG = LoggerFactory.getLogger(Isolators.class);

  /**
   * What the isolators are configured with.
   *
   * @param cgroupBase where cgroups are mounted ({@code /sys/fs/cgroup})
   * @param cgroupsRoot the agents' directory in each hierarchy ({@code meso})
   * @param agentId the agent, whose tasks' cgroups are under {@code <root>/<agentId>}
   * @param pidsMax each task's pids.max; 0: unlimited
   * @param cfs whether cgroups/cpu also sets a CFS quota
   * @param runtimeDir where the read-only cgroup view is bound ({@code /run/meso})
   * @param diskWatchMillis how old a sandbox's measured usage may get
   * @param portsWatchMillis the least time between two ports checks of one task
   */
  public record Settings(Path cgroupBase, String cgroupsRoot, String agentId, long pidsMax, boolean cfs,
      Path runtimeDir, long diskWatchMillis, long portsWatchMillis) {
    public Settings {
      Objects.requireNonNull(cgroupBase, "cgroupBase");
      Objects.requireNonNull(cgroupsRoot, "cgroupsRoot");
      Objects.requireNonNull(agentId, "agentId");
      Objects.requireNonNull(runtimeDir, "runtimeDir");
    }
  }

  private final List<Isolator> isolators;
  private final Set<IsolatorName> names;
  private final Cgroups cgroups;
  private final SandboxDiskUsage disk;

  private Isolators(List<Isolator> isolators, Cgroups cgroups, SandboxDiskUsage disk) {
    this.isolators = List.copyOf(isolators);
    Set<IsolatorName> set = EnumSet.noneOf(IsolatorName.class);
    isolators.forEach(i -> set.add(i.name()));
    this.names = Collections.unmodifiableSet(set);
    this.cgroups = cgroups;
    this.disk = disk;
  }

  /**
   * Sets up the named isolators. One that {@code optional} names (chosen by {@code auto}) and
   * fails to set up is left out with a warning; any other failure is thrown, naming it.
   */
  public static Isolators open(Set<IsolatorName> chosen, Set<IsolatorName> optional, HostSupport host,
      Settings settings) throws IOException {
    List<Isolator> list = new ArrayList<>();
    Set<Controller> controllers = EnumSet.noneOf(Controller.class);
    if (chosen.contains(IsolatorName.CGROUPS_CPU)) {
      controllers.add(Controller.CPU);
      if (host.cgroups().has(Controller.CPUACCT)) {
        controllers.add(Controller.CPUACCT);
      }
      list.add(new CgroupsCpuIsolator(settings.cfs()));
    }
    if (chosen.contains(IsolatorName.CGROUPS_MEM)) {
      controllers.add(Controller.MEMORY);
      list.add(new CgroupsMemIsolator());
    }
    if (chosen.contains(IsolatorName.CGROUPS_PIDS)) {
      controllers.add(Controller.PIDS);
      list.add(new CgroupsPidsIsolator(settings.pidsMax()));
    }
    Cgroups cgroups = controllers.isEmpty() ? null
        : new Cgroups(host.cgroups(), settings.cgroupsRoot(), settings.agentId(), controllers);
    boolean pidNamespace = chosen.contains(IsolatorName.NAMESPACES_PID);
    if (pidNamespace) {
      list.add(new PidNamespaceIsolator(Executables.find("unshare"), Executables.find("nsenter")));
    }
    if (chosen.contains(IsolatorName.FILESYSTEM_CGROUP_RO)) {
      try {
        Path view = MountTemplate.open(settings.runtimeDir(), settings.cgroupBase());
        list.add(new CgroupReadOnlyIsolator(view, Executables.find("nsenter"), Executables.find("setpriv"),
            pidNamespace));
      } catch (IOException e) {
        if (!optional.contains(IsolatorName.FILESYSTEM_CGROUP_RO)) {
          throw new IOException("isolator " + IsolatorName.FILESYSTEM_CGROUP_RO + " cannot be set up: "
              + e.getMessage(), e);
        }
        LOG.warn("leaving out isolator {}: the read-only cgroup view cannot be made: {}",
            IsolatorName.FILESYSTEM_CGROUP_RO, e.getMessage());
      }
    }
    SandboxDiskUsage disk = new SandboxDiskUsage(settings.diskWatchMillis());
    if (chosen.contains(IsolatorName.DISK_DU)) {
      list.add(new DiskUsageIsolator(disk, settings.diskWatchMillis()));
    }
    if (chosen.contains(IsolatorName.NETWORK_PORTS)) {
      list.add(new PortsIsolator(settings.portsWatchMillis()));
    }
    if (chosen.contains(IsolatorName.POSIX_MEM)) {
      list.add(new PosixMemIsolator());
    }
    return new Isolators(list, cgroups, disk);
  }

  /** The isolators in effect. */
  public Set<IsolatorName> names() {
    return names;
  }

  /** Whether tasks get cgroups. */
  public boolean hasCgroups() {
    return cgroups != null;
  }

  /** Whether a watch tick needs the tasks' processes listed (posix/mem sums them, network/ports reads their sockets). */
  public boolean watchesProcesses() {
    return names.contains(IsolatorName.NETWORK_PORTS) || names.contains(IsolatorName.POSIX_MEM);
  }

  /** Whether any isolator checks tasks while they run (the executor then runs a watch timer). */
  public boolean watches() {
    return names.contains(IsolatorName.CGROUPS_MEM) || names.contains(IsolatorName.DISK_DU)
        || names.contains(IsolatorName.NETWORK_PORTS) || names.contains(IsolatorName.POSIX_MEM);
  }

  /** The key of a task in the disk measurements: framework and task id. */
  public static String key(Container c) {
    return c.frameworkId() + '\0' + c.taskId();
  }

  /**
   * Before spawning: makes the task's cgroups and lets every isolator prepare; what was made is
   * removed again when one fails.
   */
  public LaunchPlan prepare(Container container) throws IOException {
    LaunchPlan plan = new LaunchPlan();
    if (cgroups != null) {
      TaskCgroup cgroup = cgroups.create(container.frameworkId(), container.taskId());
      container.cgroup(cgroup);
      cgroup.dirs().forEach(plan::join);
    }
    try {
      for (Isolator i : isolators) {
        i.prepare(container, plan);
      }
    } catch (IOException | RuntimeException e) {
      if (container.cgroup() != null) {
        container.cgroup().remove();
      }
      throw e;
    }
    return plan;
  }

  public void spawned(Container container) {
    isolators.forEach(i -> i.spawned(container));
  }

  /**
   * A usage sample: what each isolator measures; cpu time, memory and process counts from /proc
   * where no cgroup gave them; the mem limit from the task's resources when no cgroup has one;
   * and the sandbox's disk use (always measured, limited only by disk/du) against its disk.
   */
  public void usage(Container container, ResourceStatistics.Builder stats) {
    for (Isolator i : isolators) {
      i.usage(container, stats);
    }
    TaskCgroup cgroup = container.cgroup();
    if (cgroup != null && !stats.hasProcesses()) {
      long processes = cgroup.processes();
      long threads = cgroup.threads();
      if (processes >= 0) {
        stats.setProcesses((int) processes);
      }
      if (threads >= 0) {
        stats.setThreads((int) threads);
      }
    }
    if (!stats.hasCpusUserTimeSecs() || !stats.hasMemRssBytes()) {
      ResourceStatistics.Builder proc = ResourceStatistics.newBuilder();
      ProcUsage.read(container.members(), proc);
      if (!stats.hasCpusUserTimeSecs()) {
        stats.setCpusUserTimeSecs(proc.getCpusUserTimeSecs()).setCpusSystemTimeSecs(proc.getCpusSystemTimeSecs());
      }
      if (!stats.hasMemRssBytes()) {
        stats.setMemRssBytes(proc.getMemRssBytes()).setMemAnonBytes(proc.getMemAnonBytes())
            .setMemFileBytes(proc.getMemFileBytes());
        if (!stats.hasMemTotalBytes()) {
          stats.setMemTotalBytes(proc.getMemTotalBytes());
        }
      }
      if (!stats.hasProcesses()) {
        stats.setProcesses(proc.getProcesses()).setThreads(proc.getThreads());
      }
    }
    double mem = container.scalar("mem");
    if (!stats.hasMemLimitBytes() && mem > 0) {
      stats.setMemLimitBytes((long) (mem * 1024 * 1024));
    }
    stats.setDiskUsedBytes(disk.bytes(key(container), container.sandbox()));
    double diskMb = container.scalar("disk");
    if (diskMb > 0) {
      stats.setDiskLimitBytes((long) (diskMb * 1024 * 1024));
    }
  }

  /** Forgets the disk measurements of tasks other than these (keys from {@link #key}). */
  public void retainMeasurements(Set<String> keys) {
    disk.retain(keys);
  }

  /** The limits the task ran into, in isolator order (see {@link Isolator#limitation}). */
  public List<Limitation> limitations(Container container, boolean exited) {
    List<Limitation> found = new ArrayList<>();
    for (Isolator i : isolators) {
      Limitation l = i.limitation(container, exited);
      if (l != null) {
        found.add(l);
      }
    }
    return found;
  }

  /** The argv prefix that runs a command inside the task's isolation (for COMMAND health checks). */
  public List<String> enter(Container container) throws IOException {
    List<String> argv = new ArrayList<>();
    for (Isolator i : isolators) {
      argv.addAll(i.enter(container));
    }
    return argv;
  }

  /**
   * After the task's processes are gone: removes its cgroups and lets each isolator clean up;
   * false while something is left (a cgroup the kernel still counts a process in), to be
   * called again.
   */
  public boolean cleanup(Container container) {
    disk.forget(key(container));
    boolean done = container.cgroup() == null || container.cgroup().remove();
    for (Isolator i : isolators) {
      done &= i.cleanup(container);
    }
    return done;
  }

  /** Recovery: the task's cgroups as a previous run of the agent made them, if any. */
  public void recover(Container container) {
    if (cgroups != null) {
      container.cgroup(cgroups.existing(container.frameworkId(), container.taskId()));
    }
  }

  /** Recovery: kills and removes the task cgroups of this agent not named in {@code keep}. */
  public int sweepExcept(Set<String> keep) {
    return cgroups == null ? 0 : cgroups.sweepExcept(keep);
  }

  /** When the executor stops: removes the agent's (empty) cgroup directories. */
  public void close() {
    isolators.forEach(Isolator::close);
    if (cgroups != null) {
      cgroups.removeAgentDirs();
    }
  }

  @Override
  public String toString() {
    List<String> text = new ArrayList<>();
    names.forEach(n -> text.add(n.text()));
    return String.join(",", text);
  }
}
