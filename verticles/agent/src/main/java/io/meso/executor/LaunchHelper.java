package io.meso.executor;

import io.meso.executor.isolation.LaunchPlan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code meso-launch}, the native launch helper (src/main/c/meso-launch.c, compiled by the
 * Maven build into the jar's {@code native/}): one exec that does what the launch's program
 * pipeline (setsid, the cgroup join shell, nsenter, unshare, setpriv, and the exit-status wrapper
 * or pid-namespace init shell) does in up to six, which
 * on a VM costs about a millisecond of CPU each (BENCHMARKS.md, issue 16). At start the executor
 * extracts it to its runtime directory under a name carrying its content's hash (agents of
 * different builds never overwrite each other's), makes it 0755 and runs it with
 * {@code --version}; when it is not in the jar (gcc was missing at build time) or cannot run
 * there (a noexec mount, another architecture), the executor logs why once and launches with the
 * program pipeline.
 */
final class LaunchHelper {

  private static final Logger LOG = LoggerFactory.getLogger(LaunchHelper.class);
  /** Where the build puts the helper in the jar. */
  static final String RESOURCE = "/native/meso-launch";
  /** The helper's exit status when it failed before the command ran (its reason is on the task's stderr). */
  static final int LAUNCH_FAILED = 125;
  /**
   * The helper's version this executor needs ({@code meso-launch --version}): raised whenever its
   * options change, so that an older helper is refused (and logged) rather than misused.
   */
  static final String VERSION = "4";
  /** How the helper's error lines on stderr start. */
  static final String ERROR_PREFIX = "meso-launch: ";

  private final Path executable;

  private LaunchHelper(Path executable) {
    this.executable = executable;
  }

  /** The extracted helper. */
  Path executable() {
    return executable;
  }

  /**
   * Blocking: the helper extracted into {@code dir} and verified, or null (logged once, with why)
   * when the executor must use the program pipeline.
   */
  static LaunchHelper open(Path dir, String agentId) {
    try {
      LaunchHelper helper = new LaunchHelper(extract(dir));
      String version = helper.version();
      LOG.info("tasks launch with {} ({}) agent_id={}", helper.executable, version, agentId);
      return helper;
    } catch (IOException e) {
      LOG.warn("the native launch helper cannot be used, tasks launch with the slower program pipeline (setsid, sh, "
          + "nsenter, unshare, setpriv): {} agent_id={}", e.getMessage(), agentId);
      return null;
    }
  }

  /** Copies the helper out of the jar (unless this content is already there) and returns its path. */
  private static Path extract(Path dir) throws IOException {
    byte[] bytes;
    try (InputStream in = LaunchHelper.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(RESOURCE + " is not in the agent's jar (gcc was missing when it was built)");
      }
      bytes = in.readAllBytes();
    }
    Path target = dir.resolve("meso-launch-" + hash(bytes));
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(target)) {
      return target;
    }
    try {
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, ".meso-launch", ".tmp");
      try {
        Files.write(temp, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new IOException("cannot extract it to " + target + ": " + e, e);
    }
    return target;
  }

  private static String hash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code meso-launch --version}: proves the extracted file runs here. */
  private String version() throws IOException {
    Process p = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(executable + " --version did not answer");
      }
      if (p.exitValue() != 0 || !out.equals("meso-launch " + VERSION)) {
        throw new IOException(executable + " --version exited " + p.exitValue() + " saying '" + out
            + "', expected 'meso-launch " + VERSION + "'");
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + executable + " --version");
    }
  }

  /**
   * The helper's argv for the plan, up to and including {@code --}: the command line that
   * follows it is what the last program of the pipeline would have run. {@code user}: switched
   * to (with every capability dropped), null to stay the agent's user. {@code waiting}: the
   * helper's {@code --wait}/{@code --exit-status} options, or none (the helper execs the command
   * itself).
   */
  List<String> argv(boolean setsid, LaunchPlan plan, TaskUser user, List<String> waiting) {
    List<String> argv = new ArrayList<>();
    argv.add(executable.toString());
    if (setsid) {
      argv.add("--setsid");
    }
    for (Path dir : plan.cgroupDirs()) {
      argv.add("--cgroup");
      argv.add(dir.resolve("cgroup.procs").toString());
    }
    if (plan.mountNamespace() != null) {
      argv.add("--mount-ns");
      argv.add(plan.mountNamespace().toString());
      argv.add("--wd");
      argv.add(plan.workingDir().toString());
    }
    if (plan.pidNamespace()) {
      argv.add("--pid-ns");
    }
    if (plan.dropsAll()) {
      argv.add("--drop-caps");
      if (user != null) {
        argv.addAll(List.of("--uid", Long.toString(user.uid()), "--gid", Long.toString(user.gid()), "--user",
            user.name()));
      }
    } else if (plan.dropsSysAdmin()) {
      argv.add("--drop-sys-admin");
    }
    argv.addAll(waiting);
    argv.add("--");
    return argv;
  }

  /**
   * Blocking: the helper's error line at the start of the task's {@code stderr} (where it writes
   * before anything of the task runs), or null. Never follows a link the task left there.
   */
  static String launchError(Path sandbox) {
    byte[] head = new byte[4096];
    int n;
    try (InputStream in = Files.newInputStream(sandbox.resolve("stderr"), LinkOption.NOFOLLOW_LINKS)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
    for (String line : new String(head, 0, n, StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith(ERROR_PREFIX)) {
        return line.trim();
      }
    }
    return null;
  }
}
