package io.meso.agent;

import io.meso.allocator.Resources;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An agent's total resources: what the machine has, overridden by name by the operator's spec.
 * Detected, as Mesos does:
 * <ul>
 *   <li>cpus = available processors;</li>
 *   <li>mem (MB) = total physical memory - min(1024, total / 2), leaving room for the OS;</li>
 *   <li>disk (MB) = total size of the work dir's filesystem - min(5120, total / 2);</li>
 *   <li>ports = [31000-32000].</li>
 * </ul>
 * A spec entry replaces the detected resource of the same name (whatever its role); other spec
 * entries (gpus, custom scalars, ranges, sets) are added. Detection touches the filesystem:
 * call off the event loop.
 */
public final class ResourceDetector {

  public static final long MEM_RESERVED_MAX_MB = 1024;
  public static final long DISK_RESERVED_MAX_MB = 5120;
  public static final long PORTS_BEGIN = 31_000;
  public static final long PORTS_END = 32_000;

  private ResourceDetector() {}

  /**
   * Detects and applies {@code spec} (null or blank: detection only).
   *
   * @throws IllegalArgumentException naming the bad entry when the spec does not parse
   */
  public static Resources detect(String spec, Path workDir) {
    return detect(spec, workDir, null);
  }

  /**
   * Detects and applies {@code spec}; with {@code nvidiaSmi}, also gpus = the number of GPUs it
   * lists (none listed: no gpus resource), unless the spec sets gpus.
   */
  public static Resources detect(String spec, Path workDir, String nvidiaSmi) {
    Resources overrides = parseSpec(spec);
    Set<String> overridden = overrides.names();
    List<Resource> detected = new ArrayList<>();
    if (!overridden.contains("cpus")) {
      detected.add(scalar("cpus", Runtime.getRuntime().availableProcessors()));
    }
    if (!overridden.contains("mem")) {
      detected.add(scalar("mem", afterReserve(totalMemoryMb(), MEM_RESERVED_MAX_MB)));
    }
    if (!overridden.contains("disk")) {
      detected.add(scalar("disk", afterReserve(totalDiskMb(workDir), DISK_RESERVED_MAX_MB)));
    }
    if (!overridden.contains("ports")) {
      detected.add(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
          .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(PORTS_BEGIN).setEnd(PORTS_END)))
          .build());
    }
    if (nvidiaSmi != null && !overridden.contains("gpus")) {
      int gpus = io.meso.executor.gpu.NvidiaGpus.detect(nvidiaSmi).size();
      if (gpus > 0) {
        detected.add(scalar("gpus", gpus));
      }
    }
    return Resources.fromProto(detected).plus(overrides);
  }

  /** total - min(reserveMax, total / 2), in whole MB. */
  static long afterReserve(long totalMb, long reserveMax) {
    return Math.max(0, totalMb - Math.min(reserveMax, totalMb / 2));
  }

  static Resources parseSpec(String spec) {
    if (spec == null || spec.isBlank()) {
      return Resources.EMPTY;
    }
    try {
      return Resources.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid agent resources '" + spec + "': " + e.getMessage(), e);
    }
  }

  static long totalMemoryMb() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getTotalMemorySize() >> 20;
    }
    return Runtime.getRuntime().maxMemory() >> 20;
  }

  /** Size of the filesystem holding {@code workDir} (or its nearest existing ancestor). */
  static long totalDiskMb(Path workDir) {
    Path existing = workDir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    try {
      return existing == null ? 0 : Files.getFileStore(existing).getTotalSpace() >> 20;
    } catch (IOException e) {
      return 0;
    }
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }
}
