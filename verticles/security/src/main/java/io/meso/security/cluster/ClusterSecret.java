package io.meso.security.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret every member of one Meso cluster shares (masters and agents, {@code
 * --cluster-secret-file}), from which a separate HMAC-SHA256 key is derived per purpose (agent
 * admission, registry values, the Hazelcast cluster name), so that a value computed for one
 * purpose is useless for another. The secret needs at least {@value #MIN_BITS} bits of entropy;
 * a file with less is refused with a message saying how to make a good one. Its bytes are never
 * logged ({@link #toString} names only the file).
 */
public final class ClusterSecret {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSecret.class);
  /** The least entropy a secret must have, in bits (estimated from its length and alphabet). */
  public static final int MIN_BITS = 256;
  /** How to make a good secret (said in every refusal). */
  public static final String HOW_TO = "make one with: head -c 32 /dev/urandom > FILE  (or: openssl rand -hex 32 > FILE), "
      + "then chmod 600 FILE and copy it to every master and agent";

  /** The purposes keys are derived for. */
  public static final String AGENT_ADMISSION = "agent-admission";
  public static final String REGISTRY_VALUES = "registry-values";
  public static final String CLUSTER_NAME = "cluster-name";

  private final byte[] secret;
  private final String source;

  private ClusterSecret(byte[] secret, String source) {
    this.secret = secret;
    this.source = source;
  }

  /**
   * Reads the secret from a file: its content with surrounding whitespace (a trailing newline)
   * removed. Refused (IllegalArgumentException naming the file and what is wrong) when the file
   * cannot be read or holds too little entropy.
   */
  public static ClusterSecret fromFile(Path file) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("--cluster-secret-file " + file + ": cannot be read (" + e + ")");
    }
    warnIfOthersMayRead(file);
    return of(trim(raw), "--cluster-secret-file " + file);
  }

  /** A secret from bytes (tests, and callers that read it elsewhere); {@code source} names it in errors. */
  public static ClusterSecret of(byte[] secret, String source) {
    int bits = estimatedBits(secret);
    if (bits < MIN_BITS) {
      throw new IllegalArgumentException(source + ": the cluster secret is too weak (" + secret.length + " bytes, about "
          + bits + " bits of entropy; at least " + MIN_BITS + " bits are required, e.g. 32 random bytes or 64 hex "
          + "characters); " + HOW_TO);
    }
    return new ClusterSecret(secret.clone(), source);
  }

  /**
   * A conservative estimate of a secret's entropy: its length times the bits per symbol of the
   * smallest usual alphabet it fits (hex 4, base64 6, anything else 8), and 0 for a secret of
   * fewer than 8 distinct bytes (a repeated pattern, not random).
   */
  static int estimatedBits(byte[] s) {
    Set<Byte> distinct = new java.util.HashSet<>();
    boolean hex = true;
    boolean base64 = true;
    for (byte b : s) {
      distinct.add(b);
      char c = (char) (b & 0xff);
      hex &= Character.digit(c, 16) >= 0 && c < 128;
      base64 &= c < 128 && (Character.isLetterOrDigit(c) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_');
    }
    if (distinct.size() < 8) {
      return 0;
    }
    int perSymbol = hex ? 4 : base64 ? 6 : 8;
    return s.length * perSymbol;
  }

  /** The key for one purpose: HMAC-SHA256(secret, "meso-cluster-secret/" + purpose). */
  public byte[] key(String purpose) {
    return hmac(secret, ("meso-cluster-secret/" + purpose).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The Hazelcast cluster name derived from the secret: {@code prefix-} and 16 hex characters of
   * HMAC(secret, "cluster-name"). A node without the secret does not know it and is not let in
   * under {@code prefix} alone. This is an extra fence, not authentication: the name travels in
   * clear in every join request, so anyone who can watch the traffic learns it.
   */
  public String clusterName(String prefix) {
    return prefix + "-" + HexFormat.of().formatHex(key(CLUSTER_NAME), 0, 8);
  }

  /** HMAC-SHA256 of {@code data} under {@code key}. */
  public static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static byte[] trim(byte[] raw) {
    int from = 0;
    int to = raw.length;
    while (from < to && Character.isWhitespace(raw[from])) {
      from++;
    }
    while (to > from && Character.isWhitespace(raw[to - 1])) {
      to--;
    }
    return java.util.Arrays.copyOfRange(raw, from, to);
  }

  private static void warnIfOthersMayRead(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
        LOG.warn("--cluster-secret-file {} is readable by its group or others; chmod 600 it", file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to check.
    }
  }

  @Override
  public String toString() {
    return "ClusterSecret(" + source + ")";
  }
}
