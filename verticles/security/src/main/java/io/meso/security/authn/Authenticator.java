package io.meso.security.authn;

import io.meso.security.authn.AuthnResult.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an {@code Authorization} value ({@code Basic ...} against the credentials file, or
 * {@code Bearer ...} against the JWT keys) and answers the principal or why not. Password
 * hashes are slow on purpose, so {@link #authenticate(Vertx, String)} runs them on a small worker
 * pool of their own ({@link #WORKER_POOL}), and remembers the credentials it verified (a bounded cache holding an HMAC of them under
 * a key that lives only in this process, never the secret) so a client's next calls are checked
 * on the event loop. Wrong secrets are never cached: each one costs a full hash check.
 */
public final class Authenticator {

  /** The challenges a 401 carries, one WWW-Authenticate header each. */
  public static final List<String> CHALLENGES = List.of("Basic realm=\"meso\"", "Bearer realm=\"meso\"");
  public static final int DEFAULT_CACHE_SIZE = 1024;
  /**
   * Password checks run on a small pool of their own, so a flood of wrong passwords queues there
   * instead of taking the worker threads the rest of the node needs (Hazelcast calls, files).
   */
  public static final String WORKER_POOL = "meso-password-checks";
  public static final int WORKER_POOL_SIZE = 2;

  private final Credentials credentials;
  private final JwtVerifier jwt;
  private final int cacheSize;
  private final byte[] cacheKey = new byte[32];
  /** principal -> HMAC(principal, secret) of the last secret verified for it; access-ordered LRU. */
  private final Map<String, byte[]> verified;
  private WorkerExecutor workers;
  private Vertx workersOf;

  /** Either may be null (not configured), not both. */
  public Authenticator(Credentials credentials, JwtVerifier jwt, int cacheSize) {
    if (credentials == null && jwt == null) {
      throw new IllegalArgumentException("an authenticator needs a credentials file or a JWT key");
    }
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cache size is " + cacheSize + "; expected 0 or more");
    }
    this.credentials = credentials;
    this.jwt = jwt;
    this.cacheSize = cacheSize;
    new SecureRandom().nextBytes(cacheKey);
    this.verified = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
        return size() > Authenticator.this.cacheSize;
      }
    };
  }

  /**
   * From the master's flags: a credentials file (or null), JWT key files (maybe empty), the
   * issuer and audience the tokens must name (null: any), the clock skew allowed on exp/nbf.
   * Null when neither credentials nor keys are given (authentication off).
   */
  public static Authenticator fromFiles(Path credentialsFile, List<Path> jwtKeys, String issuer, String audience,
      Duration clockSkew) {
    Credentials credentials = credentialsFile == null ? null : Credentials.load(credentialsFile);
    JwtVerifier verifier = jwtKeys == null || jwtKeys.isEmpty() ? null
        : JwtVerifier.fromFiles(jwtKeys, issuer, audience, clockSkew, Clock.systemUTC());
    if (credentials == null && verifier == null) {
      if ((issuer != null && !issuer.isBlank()) || (audience != null && !audience.isBlank())) {
        throw new IllegalArgumentException("--jwt-issuer and --jwt-audience need --jwt-key");
      }
      return null;
    }
    return new Authenticator(credentials, verifier, DEFAULT_CACHE_SIZE);
  }

  /** Whether basic credentials are configured (a credentials file). */
  public boolean acceptsBasic() {
    return credentials != null;
  }

  /** Whether bearer tokens are accepted (JWT keys). */
  public boolean acceptsBearer() {
    return jwt != null;
  }

  /**
   * Checks {@code authorization} without blocking the caller's event loop: bearer tokens and
   * remembered basic credentials at once, other basic credentials on a worker thread.
   */
  public Future<AuthnResult> authenticate(Vertx vertx, String authorization) {
    Parsed parsed = parse(authorization);
    if (parsed.result != null) {
      return Future.succeededFuture(parsed.result);
    }
    if (remembered(parsed.principal, parsed.secret)) {
      return Future.succeededFuture(AuthnResult.ok(parsed.principal));
    }
    return workers(vertx).executeBlocking(() -> checkBasic(parsed.principal, parsed.secret), false);
  }

  private WorkerExecutor workers(Vertx vertx) {
    synchronized (this) {
      if (workers == null || workersOf != vertx) {
        // Shared by name: every authenticator on this Vert.x uses the same two threads; closed with Vert.x.
        workers = vertx.createSharedWorkerExecutor(WORKER_POOL, WORKER_POOL_SIZE);
        workersOf = vertx;
      }
      return workers;
    }
  }

  /** The same check, blocking the caller for a password hash if need be: worker threads and tests only. */
  public AuthnResult authenticateNow(String authorization) {
    Parsed parsed = parse(authorization);
    if (parsed.result != null) {
      return parsed.result;
    }
    if (remembered(parsed.principal, parsed.secret)) {
      return AuthnResult.ok(parsed.principal);
    }
    return checkBasic(parsed.principal, parsed.secret);
  }

  /** A decided result, or the principal and secret of basic credentials still to check. */
  private record Parsed(AuthnResult result, String principal, char[] secret) {}

  private Parsed parse(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return decided(Reason.MISSING, "no credentials: send Authorization: Basic (principal:secret) or Bearer (a JWT)");
    }
    String value = authorization.strip();
    int space = value.indexOf(' ');
    String scheme = space < 0 ? value : value.substring(0, space);
    String rest = space < 0 ? "" : value.substring(space + 1).strip();
    if (scheme.equalsIgnoreCase("Bearer")) {
      if (jwt == null) {
        return decided(Reason.WRONG, "bearer tokens are not accepted here (no JWT key configured); use Basic");
      }
      if (rest.isEmpty()) {
        return decided(Reason.MISSING, "the Bearer authorization carries no token");
      }
      return new Parsed(jwt.verify(rest), null, null);
    }
    if (!scheme.equalsIgnoreCase("Basic")) {
      // Name the scheme only when it is one (a short word before the credentials): a bare token or
      // password sent without a scheme must not come back in the answer or the log.
      boolean named = space > 0 && scheme.length() <= 20 && scheme.matches("[A-Za-z][A-Za-z0-9._-]*");
      return decided(Reason.MALFORMED, (named ? "unknown authorization scheme '" + scheme + "'"
          : "an Authorization value without a scheme") + "; expected Basic or Bearer");
    }
    if (credentials == null) {
      return decided(Reason.WRONG, "basic credentials are not accepted here (no credentials file configured); use Bearer");
    }
    String decoded;
    try {
      decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Base64.getDecoder().decode(rest))).toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return decided(Reason.MALFORMED, "the Basic credentials are not base64 of UTF-8 principal:secret");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return decided(Reason.MALFORMED, "the Basic credentials have no ':' between principal and secret");
    }
    String principal = decoded.substring(0, colon);
    if (principal.isEmpty()) {
      return decided(Reason.MISSING, "the Basic credentials name no principal");
    }
    if (!credentials.knows(principal)) {
      return decided(Reason.WRONG, "wrong principal or secret");
    }
    return new Parsed(null, principal, decoded.substring(colon + 1).toCharArray());
  }

  private static Parsed decided(Reason reason, String message) {
    return new Parsed(AuthnResult.refused(reason, message), null, null);
  }

  private AuthnResult checkBasic(String principal, char[] secret) {
    try {
      if (credentials.verify(principal, secret)) {
        remember(principal, secret);
        return AuthnResult.ok(principal);
      }
      return AuthnResult.refused(Reason.WRONG, "wrong principal or secret");
    } finally {
      Arrays.fill(secret, '\0');
    }
  }

  private boolean remembered(String principal, char[] secret) {
    byte[] mac = mac(principal, secret);
    byte[] known;
    synchronized (verified) {
      known = verified.get(principal);
    }
    return known != null && MessageDigest.isEqual(known, mac);
  }

  private void remember(String principal, char[] secret) {
    if (cacheSize == 0) {
      return;
    }
    byte[] mac = mac(principal, secret);
    synchronized (verified) {
      verified.put(principal, mac);
    }
  }

  private byte[] mac(String principal, char[] secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
      mac.update(principal.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secret));
      byte[] raw = new byte[bytes.remaining()];
      bytes.get(raw);
      mac.update(raw);
      Arrays.fill(raw, (byte) 0);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
