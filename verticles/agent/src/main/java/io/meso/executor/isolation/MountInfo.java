package io.meso.executor.isolation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lines of {@code /proc/<pid>/mountinfo}: "id parent major:minor root mount-point options
 * [optional fields...] - fstype source super-options", with spaces and other bytes in paths
 * written as octal escapes ({@code \040}).
 */
final class MountInfo {

  /** One mount: where it is, whether it is read-only, its type, and its propagation (the optional fields). */
  record Mount(Path mountPoint, boolean readOnly, String fsType, List<String> propagation) {}

  private MountInfo() {}

  static List<Mount> parse(String text) {
    List<Mount> mounts = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split(" ");
      int dash = List.of(f).indexOf("-");
      if (f.length < 7 || dash < 6 || dash + 1 >= f.length) {
        continue;
      }
      boolean ro = List.of(f[5].split(",")).contains("ro");
      mounts.add(new Mount(Path.of(unescape(f[4])), ro, f[dash + 1], List.of(f).subList(6, dash)));
    }
    return mounts;
  }

  /** The mounts at or below {@code dir}. */
  static List<Mount> under(List<Mount> mounts, Path dir) {
    List<Mount> found = new ArrayList<>();
    for (Mount m : mounts) {
      if (m.mountPoint().startsWith(dir)) {
        found.add(m);
      }
    }
    return found;
  }

  static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
