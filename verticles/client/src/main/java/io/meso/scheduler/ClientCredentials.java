package io.meso.scheduler;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * What a client proves itself with to a master that requires authentication: a principal and
 * its secret (sent as HTTP Basic) or a bearer token (a JWT). {@link #authorization()} is the
 * value of the {@code Authorization} header (gRPC metadata {@code authorization}) every call
 * carries. {@link #toString()} never shows the secret.
 */
public final class ClientCredentials {

  private final String principal;
  private final String authorization;

  private ClientCredentials(String principal, String authorization) {
    this.principal = principal;
    this.authorization = authorization;
  }

  /** A principal and its secret, sent as {@code Basic base64(principal:secret)}. */
  public static ClientCredentials basic(String principal, String secret) {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(secret, "secret");
    if (principal.isEmpty() || principal.contains(":")) {
      throw new IllegalArgumentException("principal '" + principal + "' must be non-empty and contain no ':'");
    }
    return new ClientCredentials(principal, "Basic " + Base64.getEncoder()
        .encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8)));
  }

  /** A bearer token (a compact JWT), sent as {@code Bearer TOKEN}. */
  public static ClientCredentials bearer(String token) {
    Objects.requireNonNull(token, "token");
    String t = token.strip();
    if (t.isEmpty() || t.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new IllegalArgumentException("the bearer token must be one line of printable ASCII (a compact JWT)");
    }
    return new ClientCredentials(null, "Bearer " + t);
  }

  /** The Authorization header value. */
  public String authorization() {
    return authorization;
  }

  /** The principal of basic credentials; null for a token (its principal is inside it). */
  public String principal() {
    return principal;
  }

  @Override
  public String toString() {
    return principal != null ? "basic credentials of " + principal : "a bearer token";
  }
}
