package io.meso.security.authn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * One principal's hashed secret from a credentials file: bcrypt ({@code $2a$}, {@code $2b$},
 * {@code $2y$}) or argon2id in the PHC string format
 * ({@code $argon2id$v=19$m=KIB,t=ITERATIONS,p=LANES$SALT$HASH}, base64 without padding).
 * Checking is deliberately slow (that is the point of these hashes): never call
 * {@link #matches} on an event loop.
 */
public abstract sealed class PasswordHash {

  /** What a hash in a credentials file may look like, for error messages. */
  public static final String ALLOWED = "a bcrypt hash ($2a$/$2b$/$2y$, cost 04-31, 60 characters; make one with "
      + "'meso hash-password') or an argon2id PHC string ($argon2id$v=19$m=KIB,t=N,p=N$SALT$HASH)";

  private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d{2})\\$[./A-Za-z0-9]{53}");
  private static final Pattern ARGON2ID = Pattern.compile(
      "\\$argon2id\\$v=(\\d+)\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+={0,2})\\$([A-Za-z0-9+/]+={0,2})");

  /** True when {@code secret} hashes to this hash. */
  public abstract boolean matches(char[] secret);

  /**
   * Parses a hash; the exception's message says what was expected and never contains the hash
   * itself (a credentials file is a secret).
   */
  public static PasswordHash parse(String text) {
    if (text.startsWith("$2")) {
      Matcher m = BCRYPT.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a well-formed bcrypt hash (expected $2a$/$2b$/$2y$, a two-digit cost, "
            + "then 53 characters of bcrypt base64; " + text.length() + " characters given)");
      }
      int cost = Integer.parseInt(m.group(1));
      if (cost < 4 || cost > 31) {
        throw new IllegalArgumentException("bcrypt cost is " + cost + "; expected 04 to 31");
      }
      return new Bcrypt(text);
    }
    if (text.startsWith("$argon2")) {
      if (!text.startsWith("$argon2id$")) {
        throw new IllegalArgumentException("only argon2id is accepted (argon2i and argon2d are not)");
      }
      Matcher m = ARGON2ID.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a well-formed argon2id PHC string "
            + "(expected $argon2id$v=19$m=KIB,t=N,p=N$SALT$HASH with base64 salt and hash)");
      }
      int version = Integer.parseInt(m.group(1));
      if (version != Argon2Parameters.ARGON2_VERSION_13 && version != Argon2Parameters.ARGON2_VERSION_10) {
        throw new IllegalArgumentException("argon2id version v=" + version + " is unknown; expected v=19 or v=16");
      }
      int memory = bounded("m", m.group(2), 8, 4 * 1024 * 1024);
      int iterations = bounded("t", m.group(3), 1, 1000);
      int lanes = bounded("p", m.group(4), 1, 255);
      byte[] salt = base64("salt", m.group(5));
      byte[] hash = base64("hash", m.group(6));
      if (salt.length < 8) {
        throw new IllegalArgumentException("argon2id salt is " + salt.length + " bytes; expected at least 8");
      }
      if (hash.length < 16) {
        throw new IllegalArgumentException("argon2id hash is " + hash.length + " bytes; expected at least 16");
      }
      return new Argon2id(version, memory, iterations, lanes, salt, hash);
    }
    throw new IllegalArgumentException("the secret is not hashed (plaintext is never accepted)");
  }

  /** A new bcrypt hash of {@code secret} ({@code $2b$}, the given cost), for {@code meso hash-password}. */
  public static String bcrypt(char[] secret, int cost) {
    if (cost < 4 || cost > 31) {
      throw new IllegalArgumentException("bcrypt cost is " + cost + "; expected 4 to 31");
    }
    byte[] salt = new byte[16];
    new java.security.SecureRandom().nextBytes(salt);
    return OpenBSDBCrypt.generate("2b", secret, salt, cost);
  }

  private static int bounded(String name, String value, int min, int max) {
    long v;
    try {
      v = Long.parseLong(value);
    } catch (NumberFormatException e) {
      v = Long.MAX_VALUE;
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException("argon2id " + name + "=" + value + " is out of range; expected " + min + " to " + max);
    }
    return (int) v;
  }

  private static byte[] base64(String what, String text) {
    try {
      return Base64.getDecoder().decode(text.replace("=", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("argon2id " + what + " is not base64");
    }
  }

  static final class Bcrypt extends PasswordHash {
    private final String hash;

    Bcrypt(String hash) {
      this.hash = hash;
    }

    @Override
    public boolean matches(char[] secret) {
      // BouncyCastle refuses an empty secret or one longer than bcrypt's 72 bytes: such a secret never matches.
      try {
        return OpenBSDBCrypt.checkPassword(hash, secret);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }

  static final class Argon2id extends PasswordHash {
    private final Argon2Parameters parameters;
    private final byte[] hash;

    Argon2id(int version, int memoryKib, int iterations, int lanes, byte[] salt, byte[] hash) {
      this.parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
          .withVersion(version).withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(lanes)
          .withSalt(salt).build();
      this.hash = hash;
    }

    @Override
    public boolean matches(char[] secret) {
      Argon2BytesGenerator generator = new Argon2BytesGenerator();
      generator.init(parameters);
      byte[] out = new byte[hash.length];
      generator.generateBytes(secret, out);
      return MessageDigest.isEqual(out, hash);
    }
  }
}
