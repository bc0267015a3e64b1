package io.meso.security.authn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The principals a master knows and their hashed secrets, read from a credentials file: one
 * {@code principal:hash} per line, blank lines and lines starting with {@code #} ignored. A hash is
 * bcrypt or argon2id ({@link PasswordHash#ALLOWED}); plaintext is refused. A bad line stops the
 * load with a message naming the file, the line number and what is allowed, never the line's
 * hash (the file is a secret). Loading is cheap; {@link #verify} is slow by design.
 */
public final class Credentials {

  /** What a principal name may be: the characters of Mesos principals that need no quoting. */
  public static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z0-9._@+-][A-Za-z0-9._@+/-]{0,127}");

  private final Map<String, PasswordHash> hashes;

  private Credentials(Map<String, PasswordHash> hashes) {
    this.hashes = Collections.unmodifiableMap(hashes);
  }

  /** Reads a credentials file; the exception names the file and the line. */
  public static Credentials load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("credentials file " + file + " cannot be read: " + e.getMessage());
    } catch (java.io.UncheckedIOException e) {
      throw new IllegalArgumentException("credentials file " + file + " is not UTF-8 text");
    }
    return parse(file.toString(), lines);
  }

  /** Parses credential lines; {@code source} names them in errors. */
  public static Credentials parse(String source, List<String> lines) {
    Map<String, PasswordHash> hashes = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "credentials file " + source + " line " + (i + 1) + ": ";
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(where + "expected principal:hash, found no ':'; the hash is "
            + PasswordHash.ALLOWED);
      }
      String principal = line.substring(0, colon);
      if (!PRINCIPAL.matcher(principal).matches()) {
        throw new IllegalArgumentException(where + "principal '" + printable(principal) + "' is not allowed; expected "
            + "1-128 characters of letters, digits and . _ @ + - /");
      }
      PasswordHash hash;
      try {
        hash = PasswordHash.parse(line.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + "principal " + principal + ": " + e.getMessage() + "; expected "
            + PasswordHash.ALLOWED);
      }
      if (hashes.putIfAbsent(principal, hash) != null) {
        throw new IllegalArgumentException(where + "principal " + principal + " appears twice; give each principal one line");
      }
    }
    if (hashes.isEmpty()) {
      throw new IllegalArgumentException("credentials file " + source + " has no principal:hash line");
    }
    return new Credentials(hashes);
  }

  public Set<String> principals() {
    return hashes.keySet();
  }

  /** True when {@code principal} is known and {@code secret} is its secret. Slow: never on an event loop. */
  public boolean verify(String principal, char[] secret) {
    PasswordHash hash = hashes.get(principal);
    return hash != null && hash.matches(secret);
  }

  public boolean knows(String principal) {
    return hashes.containsKey(principal);
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
