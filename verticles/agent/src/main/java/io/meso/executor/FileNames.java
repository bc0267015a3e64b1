package io.meso.executor;

import java.nio.charset.StandardCharsets;

/**
 * Turns framework, task and agent ids into safe single path segments (sandbox directories,
 * cgroup names). The mapping is injective: letters, digits, '_', '-' and '.' stay, every other
 * byte of the UTF-8 form becomes {@code %XX}, and ids made only of dots ("." and "..") have
 * their dots escaped too, so no id can name a parent or the current directory.
 */
public final class FileNames {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private FileNames() {}

  public static String sanitize(String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("an id used as a file name must not be empty");
    }
    boolean onlyDots = id.chars().allMatch(c -> c == '.');
    StringBuilder out = new StringBuilder(id.length());
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '-' || (c == '.' && !onlyDots);
      if (plain) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /**
   * Creates {@code dir} and any missing parents; true when it did not exist before (then nothing
   * older can be in it, and the caller can skip clearing it).
   */
  public static boolean createDirectory(java.nio.file.Path dir) throws java.io.IOException {
    try {
      java.nio.file.Files.createDirectory(dir);
      return true;
    } catch (java.nio.file.FileAlreadyExistsException e) {
      if (java.nio.file.Files.isDirectory(dir)) {
        return false;
      }
      throw e;
    } catch (java.nio.file.NoSuchFileException e) {
      java.nio.file.Files.createDirectories(dir);
      return true;
    }
  }
}
