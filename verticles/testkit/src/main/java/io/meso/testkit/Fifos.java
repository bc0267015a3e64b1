package io.meso.testkit;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Named pipes for tests (mkfifo from coreutils). */
public final class Fifos {

  private Fifos() {}

  public static void make(Path path) throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
    if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
      throw new IllegalStateException("mkfifo " + path + " failed: " + new String(mkfifo.getInputStream().readAllBytes()));
    }
  }
}
