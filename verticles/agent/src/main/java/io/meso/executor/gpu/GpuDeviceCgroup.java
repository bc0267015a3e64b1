package io.meso.executor.gpu;

import io.meso.executor.isolation.cgroups.Cgroups;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GPU task's cgroups v1 devices cgroup, {@code <base>/devices/<root>/<agentId>/<framework>+<task>},
 * which denies the GPUs the task was not given ({@code c 195:N rwm} in {@code devices.deny}, N the
 * index: /dev/nvidiaN), as Mesos's gpu/nvidia isolator does. The task joins it with its other
 * cgroups before anything of it runs. Only where the devices controller is mounted at
 * {@code <base>/devices} (cgroups v1); v2 has no devices files (it filters devices with eBPF,
 * which Meso does not do). Blocking file IO.
 */
public final class GpuDeviceCgroup {

  private static final Logger LOG = LoggerFactory.getLogger(GpuDeviceCgroup.class);

  private final Path agentDir;

  private GpuDeviceCgroup(Path agentDir) {
    this.agentDir = agentDir;
  }

  /** The devices hierarchy of this agent, or null when the host has no writable v1 devices controller. */
  public static GpuDeviceCgroup open(Path cgroupBase, String root, String agentId) {
    Path devices = cgroupBase.resolve("devices");
    if (!Files.isRegularFile(devices.resolve("devices.deny")) || !Files.isWritable(devices)) {
      LOG.info("GPU device isolation off: no writable cgroups v1 devices controller at {}", devices);
      return null;
    }
    return new GpuDeviceCgroup(devices.resolve(root).resolve(agentId));
  }

  /** The task's devices cgroup directory. */
  public Path dir(String frameworkId, String taskId) {
    return agentDir.resolve(Cgroups.name(frameworkId, taskId));
  }

  /** Creates the task's devices cgroup denying every GPU of {@code all} not in {@code given}; returns its directory. */
  public Path create(String frameworkId, String taskId, List<Integer> all, List<Integer> given) throws IOException {
    Path dir = dir(frameworkId, taskId);
    Files.createDirectories(dir);
    for (Integer index : all) {
      if (!given.contains(index)) {
        Files.writeString(dir.resolve("devices.deny"), "c " + NvidiaGpus.NVIDIA_MAJOR + ":" + index + " rwm\n",
            StandardCharsets.US_ASCII);
      }
    }
    return dir;
  }

  /** Removes the task's devices cgroup (its processes are gone); false when it is still busy. */
  public boolean remove(String frameworkId, String taskId) {
    Path dir = dir(frameworkId, taskId);
    try {
      Files.deleteIfExists(dir);
      return true;
    } catch (IOException e) {
      LOG.debug("devices cgroup not removed yet dir={} error={}", dir, e.toString());
      return false;
    }
  }

  /** When the executor stops: removes the agent's (and the root's) devices directories once empty. */
  public void close() {
    for (Path dir : new Path[] {agentDir, agentDir.getParent()}) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        return; // still holds task cgroups (tasks left running)
      }
    }
  }
}
