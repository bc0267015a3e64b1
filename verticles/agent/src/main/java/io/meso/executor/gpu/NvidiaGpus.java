package io.meso.executor.gpu;

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
 * Finds the host's NVIDIA GPUs with
 * {@code nvidia-smi --query-gpu=index,uuid,name,memory.total --format=csv,noheader}, one line
 * per GPU such as {@code 0, GPU-5a1c..., Tesla T4, 15360 MiB}. No nvidia-smi, or one that fails,
 * means no GPUs (said in the log). Blocking: call at start, off the event loop.
 */
public final class NvidiaGpus {

  private static final Logger LOG = LoggerFactory.getLogger(NvidiaGpus.class);
  static final long TIMEOUT_SECONDS = 30;
  /** The character device major number of /dev/nvidiaN (minor N). */
  public static final int NVIDIA_MAJOR = 195;

  /** One GPU as nvidia-smi lists it. */
  public record Gpu(int index, String uuid, String name, String memory) {}

  private NvidiaGpus() {}

  /** Blocking: the GPUs {@code binary} (a path, or a name on PATH) lists; empty when none or it fails. */
  public static List<Gpu> detect(String binary) {
    String path = binary.contains("/") ? binary : Executables.find(binary);
    if (path == null || !Files.isExecutable(Path.of(path))) {
      LOG.info("no GPUs: no nvidia-smi '{}' (on PATH or as given)", binary);
      return List.of();
    }
    try {
      Process p = new ProcessBuilder(path, "--query-gpu=index,uuid,name,memory.total", "--format=csv,noheader")
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        LOG.warn("no GPUs: {} did not answer within {} s", path, TIMEOUT_SECONDS);
        return List.of();
      }
      if (p.exitValue() != 0) {
        LOG.warn("no GPUs: {} exited with status {}", path, p.exitValue());
        return List.of();
      }
      List<Gpu> gpus = parse(out);
      LOG.info("GPUs found by {}: {}", path, gpus);
      return gpus;
    } catch (IOException e) {
      LOG.warn("no GPUs: {} failed: {}", path, e.getMessage());
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /** Parses nvidia-smi's CSV; lines that do not start with an index are skipped (and logged). */
  static List<Gpu> parse(String csv) {
    List<Gpu> gpus = new ArrayList<>();
    for (String line : csv.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", 4);
      try {
        gpus.add(new Gpu(Integer.parseInt(f[0].trim()), f.length > 1 ? f[1].trim() : "", f.length > 2 ? f[2].trim() : "",
            f.length > 3 ? f[3].trim() : ""));
      } catch (NumberFormatException e) {
        LOG.warn("ignoring nvidia-smi line without a GPU index: '{}'", line);
      }
    }
    return gpus;
  }
}
