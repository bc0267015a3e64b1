package io.meso.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Temporary directories a test shares with its tasks (a gate file the test creates to let a task
 * finish, say). Tasks run as an unprivileged user (`nobody` by default), and
 * {@link Files#createTempDirectory} makes 0700 directories, where such a task cannot even see
 * whether a file exists: these are 0755.
 */
public final class TaskVisibleDirs {

  private TaskVisibleDirs() {}

  /** A new temporary directory that every user may list and enter (0755). */
  public static Path create(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
