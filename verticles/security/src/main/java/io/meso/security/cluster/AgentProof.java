package io.meso.security.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * An agent's proof that it holds the cluster secret, sent with each (re-)registration as the
 * event-bus header {@value #HEADER}: {@code v1.<millis>.<nonce>.<mac>}, where mac is
 * HMAC-SHA256 under the secret's {@link ClusterSecret#AGENT_ADMISSION} key over the message kind,
 * the time, the nonce and the message's bytes. The master admits an agent only when the mac
 * matches (so the proof also covers what the agent says about itself), the time is within
 * {@link Verifier#windowMillis} of its clock, and the nonce was not seen before (a captured proof
 * cannot be replayed while it is fresh, and is refused as stale afterwards).
 */
public final class AgentProof {

  /** The event-bus header that carries the proof. */
  public static final String HEADER = "meso-agent-proof";
  private static final String VERSION = "v1";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AgentProof() {}

  /** The proof for a registration message of kind {@code kind} (its class name) with these bytes. */
  public static String create(ClusterSecret secret, String kind, byte[] body, long nowMillis) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String nonceHex = HexFormat.of().formatHex(nonce);
    byte[] mac = mac(secret.key(ClusterSecret.AGENT_ADMISSION), kind, nowMillis, nonceHex, body);
    return VERSION + "." + nowMillis + "." + nonceHex + "." + HexFormat.of().formatHex(mac);
  }

  private static byte[] mac(byte[] key, String kind, long millis, String nonce, byte[] body) {
    byte[] head = (VERSION + "\n" + kind + "\n" + millis + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] data = new byte[head.length + body.length];
    System.arraycopy(head, 0, data, 0, head.length);
    System.arraycopy(body, 0, data, head.length, body.length);
    return ClusterSecret.hmac(key, data);
  }

  /** A registration refused; the message says why without repeating the proof. */
  public static final class Refused extends Exception {
    public Refused(String why) {
      super(why);
    }
  }

  /**
   * The master's check of proofs. Remembers every accepted nonce until its proof would be stale
   * anyway, so a replay inside the window is refused. Thread-safe.
   */
  public static final class Verifier {
    /** Nonces remembered at most (a flood of valid proofs beyond this is refused until old ones expire). */
    static final int MAX_NONCES = 1_000_000;
    private final byte[] key;
    private final long windowMillis;
    private final LongSupplier clock;
    /** Nonce to the time after which its proof is stale. */
    private final Map<String, Long> seen = new LinkedHashMap<>();
    private long lastPurge;

    /**
     * @param windowMillis how far a proof's time may be from the master's clock, either way (the
     *     agents' and masters' clocks must agree within it)
     */
    public Verifier(ClusterSecret secret, long windowMillis, LongSupplier clock) {
      if (windowMillis <= 0) {
        throw new IllegalArgumentException("proof window is " + windowMillis + " ms; expected > 0");
      }
      this.key = secret.key(ClusterSecret.AGENT_ADMISSION);
      this.windowMillis = windowMillis;
      this.clock = clock;
    }

    public long windowMillis() {
      return windowMillis;
    }

    /** Accepts the proof for a message of this kind and these bytes, or throws {@link Refused} saying why. */
    public synchronized void verify(String proof, String kind, byte[] body) throws Refused {
      if (proof == null || proof.isEmpty()) {
        throw new Refused("no proof of the cluster secret (header " + HEADER + " missing): the agent runs without "
            + "--cluster-secret-file, or with an older version");
      }
      String[] parts = proof.split("\\.", -1);
      if (parts.length != 4 || !VERSION.equals(parts[0])) {
        throw new Refused("malformed proof of the cluster secret (expected " + VERSION + ".<millis>.<nonce>.<mac>)");
      }
      long millis;
      byte[] given;
      try {
        millis = Long.parseLong(parts[1]);
        given = HexFormat.of().parseHex(parts[3]);
      } catch (IllegalArgumentException e) {
        throw new Refused("malformed proof of the cluster secret (" + e.getMessage() + ")");
      }
      String nonce = parts[2];
      if (nonce.length() < 16 || nonce.length() > 64) {
        throw new Refused("malformed proof of the cluster secret (nonce of " + nonce.length() + " characters)");
      }
      byte[] expected = mac(key, kind, millis, nonce, body);
      if (!MessageDigest.isEqual(expected, given)) {
        throw new Refused("the proof does not match: the agent's cluster secret is not this cluster's");
      }
      long now = clock.getAsLong();
      if (Math.abs(now - millis) > windowMillis) {
        throw new Refused("the proof is stale or from the future (" + (now - millis) + " ms old, at most "
            + windowMillis + " ms allowed): a replay, or the agent's clock is off");
      }
      purge(now);
      if (seen.containsKey(nonce)) {
        throw new Refused("the proof was used before (a replayed registration)");
      }
      if (seen.size() >= MAX_NONCES) {
        throw new Refused("too many registrations in the last " + windowMillis + " ms; retry later");
      }
      seen.put(nonce, millis + windowMillis);
    }

    private void purge(long now) {
      if (seen.isEmpty() || now - lastPurge < 1_000 && seen.size() < MAX_NONCES) {
        return;
      }
      lastPurge = now;
      seen.values().removeIf(staleAfter -> staleAfter < now);
    }
  }
}
