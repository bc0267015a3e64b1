package io.meso.executor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test-side /proc reading, independent of the code under test. */
final class Procs {

  private Procs() {}

  /** Live (not zombie) pids whose session id is {@code sid}. */
  static List<Long> inSession(long sid) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path entry : entries) {
        String stat;
        try {
          stat = Files.readString(entry.resolve("stat"));
        } catch (IOException e) {
          continue; // exited meanwhile
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (!f[0].equals("Z") && Long.parseLong(f[3]) == sid) {
          pids.add(Long.parseLong(entry.getFileName().toString()));
        }
      }
    }
    return pids;
  }

  static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  static long readPid(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).trim());
  }
}
