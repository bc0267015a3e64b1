package io.meso.security.authn;

import java.util.Objects;

/**
 * What checking a caller's credentials found: the principal they prove, or why they prove none.
 * The message says what was wrong without ever repeating the secret or token.
 */
public record AuthnResult(String principal, Reason reason, String message) {

  /** Why a caller is not authenticated. */
  public enum Reason {
    /** No credentials at all (or an empty Authorization header). */
    MISSING,
    /** Credentials of a known kind that do not match (unknown principal, wrong secret, bad signature, wrong issuer/audience). */
    WRONG,
    /** A token past its expiry, or not valid yet, beyond the allowed clock skew. */
    EXPIRED,
    /** Not parseable: an unknown scheme, bad base64, a token that is not a signed JWT, alg none. */
    MALFORMED
  }

  public AuthnResult {
    if (principal == null) {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  public static AuthnResult ok(String principal) {
    return new AuthnResult(principal, null, null);
  }

  public static AuthnResult refused(Reason reason, String message) {
    return new AuthnResult(null, reason, message);
  }

  public boolean authenticated() {
    return principal != null;
  }

  @Override
  public String toString() {
    return authenticated() ? "authenticated as " + principal : reason + ": " + message;
  }
}
