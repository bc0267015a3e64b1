package io.meso.executor.isolation;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's read-only view of the cgroup filesystem: a persistent mount namespace, bound at
 * {@code <runtimeDir>/cgroup-ro.mnt}, that is a copy of the host's with every mount at or below
 * the cgroup base remounted read-only, and that keeps receiving the host's later mounts (slave
 * propagation). Tasks enter it ({@code nsenter --mount=...}) instead of each remounting a dozen
 * hierarchies themselves, which would cost a dozen {@code mount} execs per launch.
 *
 * <p>Made once per host, by the first agent that needs it, and kept (also across agent
 * restarts: running tasks hold copies of it, not it); an agent that starts checks that it still
 * shows every cgroup mount read-only and makes it again otherwise. The runtime directory becomes
 * a private bind mount of itself first: a mount namespace can only be bound on a mount that does
 * not propagate into the namespace itself. Remove it with {@code umount <runtimeDir>/cgroup-ro.mnt}.
 * Blocking; one agent at a time (a file lock, and a lock for agents in one JVM).
 */
final class MountTemplate {

  private static final Logger LOG = LoggerFactory.getLogger(MountTemplate.class);
  static final String FILE = "cgroup-ro.mnt";
  private static final Object JVM_LOCK = new Object();

  private MountTemplate() {}

  /** The namespace file, made or checked; throws with the reason when it cannot be had. */
  static Path open(Path runtimeDir, Path cgroupBase) throws IOException {
    String unshare = required("unshare");
    String nsenter = required("nsenter");
    String mount = required("mount");
    String umount = required("umount");
    synchronized (JVM_LOCK) {
      Files.createDirectories(runtimeDir);
      try (FileChannel channel = FileChannel.open(runtimeDir.resolve("cgroup-ro.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
        Path file = runtimeDir.resolve(FILE);
        if (isNamespace(file)) {
          if (readOnlyInside(file, cgroupBase, nsenter)) {
            return file;
          }
          LOG.info("the read-only cgroup view at {} is out of date; making it again", file);
          Executables.run(List.of(umount, file.toString()));
        }
        if (!isMountPoint(runtimeDir)) {
          Executables.run(List.of(mount, "--bind", runtimeDir.toString(), runtimeDir.toString()));
        }
        Executables.run(List.of(mount, "--make-private", runtimeDir.toString()));
        if (!Files.exists(file)) {
          Files.createFile(file);
        }
        List<MountInfo.Mount> cgroupMounts = MountInfo.under(
            MountInfo.parse(Files.readString(Path.of("/proc/self/mountinfo"))), cgroupBase);
        if (cgroupMounts.isEmpty()) {
          throw new IOException("nothing is mounted at or below " + cgroupBase);
        }
        StringBuilder script = new StringBuilder();
        for (MountInfo.Mount m : cgroupMounts) {
          script.append(mount).append(" -o remount,bind,ro ").append(LaunchPlan.quote(m.mountPoint()))
              .append(" || exit 1\n");
        }
        Executables.run(List.of(unshare, "--mount=" + file, "--propagation", "slave", "/bin/sh", "-c",
            script.toString()));
        if (!readOnlyInside(file, cgroupBase, nsenter)) {
          throw new IOException("the mount namespace at " + file + " still shows a writable mount below "
              + cgroupBase);
        }
        LOG.info("made the read-only cgroup view file={} mounts={}", file, cgroupMounts.size());
        return file;
      }
    }
  }

  private static String required(String name) throws IOException {
    String path = Executables.find(name);
    if (path == null) {
      throw new IOException(name + " (util-linux) is not installed");
    }
    return path;
  }

  /** Whether {@code file} is a bound namespace (an nsfs mount) in this process's mount namespace. */
  private static boolean isNamespace(Path file) throws IOException {
    for (MountInfo.Mount m : MountInfo.parse(Files.readString(Path.of("/proc/self/mountinfo")))) {
      if (m.mountPoint().equals(file) && m.fsType().equals("nsfs")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMountPoint(Path dir) throws IOException {
    for (MountInfo.Mount m : MountInfo.parse(Files.readString(Path.of("/proc/self/mountinfo")))) {
      if (m.mountPoint().equals(dir)) {
        return true;
      }
    }
    return false;
  }

  /** Whether every mount at or below the cgroup base is read-only inside the namespace (and there is one). */
  private static boolean readOnlyInside(Path file, Path cgroupBase, String nsenter) {
    try {
      String inside = Executables.run(List.of(nsenter, "--mount=" + file, "/bin/cat", "/proc/self/mountinfo"));
      List<MountInfo.Mount> mounts = MountInfo.under(MountInfo.parse(inside), cgroupBase);
      List<Path> writable = new ArrayList<>();
      for (MountInfo.Mount m : mounts) {
        if (!m.readOnly()) {
          writable.add(m.mountPoint());
        }
      }
      if (!writable.isEmpty()) {
        LOG.info("writable cgroup mounts in the read-only view file={} mounts={}", file, writable);
      }
      return !mounts.isEmpty() && writable.isEmpty();
    } catch (IOException e) {
      LOG.info("cannot check the read-only cgroup view file={} error={}", file, e.getMessage());
      return false;
    }
  }
}
