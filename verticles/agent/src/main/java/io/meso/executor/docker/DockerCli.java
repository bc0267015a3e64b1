package io.meso.executor.docker;

import io.meso.executor.isolation.Executables;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The docker commands besides {@code run}, each a blocking call of the docker binary (call off
 * the event loop): {@code version} to tell whether an engine answers, the pull policy
 * ({@code docker pull} when the task forces it, else only when {@code docker image inspect}
 * fails), {@code stop -t}, {@code kill}, {@code rm -f}, and {@code ps -a --filter name=} to find
 * an agent's containers after a restart. The long-running ones (pull, stop) have no timeout of
 * their own beyond {@link #PULL_TIMEOUT_SECONDS}.
 */
public final class DockerCli {

  private static final Logger LOG = LoggerFactory.getLogger(DockerCli.class);
  static final long TIMEOUT_SECONDS = 60;
  static final long PULL_TIMEOUT_SECONDS = 3_600;

  private final String binary;

  private DockerCli(String binary) {
    this.binary = binary;
  }

  /** The binary this runs (absolute). */
  public String binary() {
    return binary;
  }

  /**
   * Blocking: the docker CLI when {@code binary} (a path, or a name looked up on PATH) exists and
   * {@code docker version} answers (an engine is reachable); null otherwise, saying why in the log.
   */
  public static DockerCli detect(String binary) {
    String path = binary.contains("/") ? binary : Executables.find(binary);
    if (path == null || !Files.isExecutable(Path.of(path))) {
      LOG.info("docker containerizer off: no docker binary '{}' (on PATH or as given)", binary);
      return null;
    }
    DockerCli cli = new DockerCli(path);
    try {
      Result r = cli.run(List.of("version"), TIMEOUT_SECONDS);
      if (r.status() != 0) {
        LOG.info("docker containerizer off: '{} version' exited with status {}: {}", path, r.status(), r.errors());
        return null;
      }
    } catch (IOException e) {
      LOG.info("docker containerizer off: '{} version' failed: {}", path, e.getMessage());
      return null;
    }
    LOG.info("docker containerizer on: docker={}", path);
    return cli;
  }

  /** What a docker command printed and how it ended. */
  public record Result(int status, String output, String errors) {}

  /** Pulls the image when {@code force}, else only when it is not present; throws naming the image on failure. */
  public void ensureImage(String image, boolean force) throws IOException {
    if (!force && run(List.of("image", "inspect", image), TIMEOUT_SECONDS).status() == 0) {
      return;
    }
    Result pull = run(List.of("pull", image), PULL_TIMEOUT_SECONDS);
    if (pull.status() != 0) {
      throw new IOException("Failed to pull image '" + image + "': docker pull exited with status " + pull.status()
          + (pull.errors().isEmpty() ? "" : ": " + pull.errors()));
    }
  }

  /** {@code docker stop -t <seconds> <name>}: SIGTERM, then SIGKILL after the grace period (by the engine). */
  public Result stop(String name, long graceSeconds) throws IOException {
    return run(List.of("stop", "-t", Long.toString(graceSeconds), name), graceSeconds + TIMEOUT_SECONDS);
  }

  /** {@code docker kill <name>}. */
  public Result kill(String name) throws IOException {
    return run(List.of("kill", name), TIMEOUT_SECONDS);
  }

  /** {@code docker rm -f <name>}. */
  public Result remove(String name) throws IOException {
    return run(List.of("rm", "-f", name), TIMEOUT_SECONDS);
  }

  /** The names of all containers, running or not, whose name starts with {@code prefix}. */
  public List<String> list(String prefix) throws IOException {
    Result r = run(List.of("ps", "-a", "--filter", "name=" + prefix, "--format", "{{.Names}}"), TIMEOUT_SECONDS);
    if (r.status() != 0) {
      throw new IOException("docker ps exited with status " + r.status() + ": " + r.errors());
    }
    List<String> names = new ArrayList<>();
    for (String line : r.output().split("\n")) {
      String name = line.trim();
      if (name.startsWith(prefix)) { // docker's filter matches anywhere in the name
        names.add(name);
      }
    }
    return names;
  }

  /**
   * The argv of a process that waits for a container to end and exits with its exit status
   * ({@code docker wait} prints the status and exits 0; a small shell turns that into its own).
   */
  public List<String> waitArgv(String name) {
    return List.of("/bin/sh", "-c", "status_=$(\"$0\" wait \"$1\") || exit 125; exit \"$status_\"", binary, name);
  }

  private Result run(List<String> args, long timeoutSeconds) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(binary);
    argv.addAll(args);
    Path err = Files.createTempFile("meso-docker", ".err");
    try {
      Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectError(err.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", argv) + " did not end within " + timeoutSeconds + " s");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8).trim());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", argv), e);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
