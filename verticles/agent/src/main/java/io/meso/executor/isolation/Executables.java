package io.meso.executor.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the util-linux helpers the isolators use (unshare, nsenter, setpriv, mount),
 * for one-off set-up steps at agent start (never per launch). Blocking.
 */
public final class Executables {

  private static final long TIMEOUT_SECONDS = 30;

  private Executables() {}

  /** The absolute path of {@code name} in the standard directories or the agent's PATH, or null. */
  public static String find(String name) {
    List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        dirs.add(dir);
      }
    }
    for (String dir : dirs) {
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  /**
   * Runs {@code argv} to its end and returns its standard output; throws when it cannot be
   * started, runs longer than 30 s, or exits non-zero (the message has its status and stderr).
   */
  static String run(List<String> argv) throws IOException {
    Path err = Files.createTempFile("meso-isolation", ".err");
    try {
      Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectError(err.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", argv) + " did not end within " + TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", argv) + " exited with status " + p.exitValue() + ": "
            + Files.readString(err).trim());
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + argv.get(0), e);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
