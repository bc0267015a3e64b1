package io.meso.security.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.meso.security.authn.AuthnResult.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Checks bearer JWTs: signed with one of the configured keys (HS256/384/512 with a shared secret,
 * RS256/384/512 with an RSA public key, ES256/384/512 with an EC public key of the matching
 * curve), not expired and already valid ({@code exp} required, {@code nbf} if present, both with
 * the allowed clock skew), from the configured issuer and for the configured audience when those
 * are set. The principal is the {@code sub} claim. Unsigned tokens ({@code alg: none}) and
 * algorithms no key is for are refused.
 */
public final class JwtVerifier {

  /** A secret shorter than this cannot sign HS256 safely (RFC 7518 3.2); nimbus refuses it too. */
  public static final int MIN_SECRET_BYTES = 32;

  private final List<JWSVerifier> verifiers;
  private final String issuer;
  private final String audience;
  private final Duration skew;
  private final Clock clock;

  public JwtVerifier(List<JWSVerifier> verifiers, String issuer, String audience, Duration skew, Clock clock) {
    if (verifiers.isEmpty()) {
      throw new IllegalArgumentException("a JWT verifier needs at least one key");
    }
    if (skew.isNegative()) {
      throw new IllegalArgumentException("JWT clock skew is " + skew.toSeconds() + " s; expected 0 or more seconds");
    }
    this.verifiers = List.copyOf(verifiers);
    this.issuer = blankToNull(issuer);
    this.audience = blankToNull(audience);
    this.skew = skew;
    this.clock = clock;
  }

  /** Reads each key file ({@link #readKey}). */
  public static JwtVerifier fromFiles(List<Path> keyFiles, String issuer, String audience, Duration skew, Clock clock) {
    List<JWSVerifier> verifiers = new ArrayList<>();
    for (Path file : keyFiles) {
      verifiers.add(readKey(file));
    }
    return new JwtVerifier(verifiers, issuer, audience, skew, clock);
  }

  /**
   * A key file: a PEM public key ({@code -----BEGIN PUBLIC KEY-----}, RSA or EC) for RS256/ES256 (and their 384/512 siblings), or
   * else the file's bytes (a trailing newline dropped) as the HS256 shared secret, at least 32 bytes.
   */
  public static JWSVerifier readKey(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("JWT key file " + file + " cannot be read: " + e.getMessage());
    }
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (text.contains("-----BEGIN")) {
      return publicKeyVerifier(file, text);
    }
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    byte[] secret = java.util.Arrays.copyOf(bytes, end);
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("JWT key file " + file + " holds a " + secret.length + "-byte HMAC secret; "
          + "expected at least " + MIN_SECRET_BYTES + " bytes, or a PEM public key (-----BEGIN PUBLIC KEY-----, RSA or EC)");
    }
    try {
      return new MACVerifier(secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("JWT key file " + file + ": " + e.getMessage());
    }
  }

  private static JWSVerifier publicKeyVerifier(Path file, String pem) {
    String begin = "-----BEGIN PUBLIC KEY-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf("-----END PUBLIC KEY-----");
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("JWT key file " + file + " is PEM but not a public key; expected "
          + "-----BEGIN PUBLIC KEY----- (X.509 SubjectPublicKeyInfo, RSA or EC; 'openssl pkey -pubout' writes one)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("JWT key file " + file + ": the PEM body is not base64");
    }
    for (String algorithm : List.of("RSA", "EC")) {
      PublicKey key;
      try {
        key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (Exception e) {
        continue;
      }
      try {
        if (key instanceof RSAPublicKey rsa) {
          if (rsa.getModulus().bitLength() < 2048) {
            throw new IllegalArgumentException("JWT key file " + file + " holds a " + rsa.getModulus().bitLength()
                + "-bit RSA key; expected at least 2048 bits");
          }
          return new RSASSAVerifier(rsa);
        }
        if (key instanceof ECPublicKey ec) {
          return new ECDSAVerifier(ec);
        }
      } catch (JOSEException e) {
        throw new IllegalArgumentException("JWT key file " + file + ": " + e.getMessage()
            + "; expected an EC key on P-256, P-384 or P-521");
      }
    }
    throw new IllegalArgumentException("JWT key file " + file + " holds a public key that is neither RSA nor EC");
  }

  /** Checks a compact JWT (the part after {@code Bearer }). Fast enough for an event loop. */
  public AuthnResult verify(String token) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token.trim());
    } catch (ParseException e) {
      return AuthnResult.refused(Reason.MALFORMED, "the bearer token is not a JWT");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      return AuthnResult.refused(Reason.MALFORMED, "the bearer token is not signed (alg " + jwt.getHeader().getAlgorithm()
          + "); expected a JWS signed with HS256, RS256 or ES256");
    }
    JWSAlgorithm alg = signed.getHeader().getAlgorithm();
    boolean someKeyFor = false;
    boolean verified = false;
    for (JWSVerifier verifier : verifiers) {
      if (!verifier.supportedJWSAlgorithms().contains(alg)) {
        continue;
      }
      someKeyFor = true;
      try {
        if (signed.verify(verifier)) {
          verified = true;
          break;
        }
      } catch (JOSEException | IllegalStateException e) {
        // a key of the right family that cannot check this token (e.g. another EC curve): try the next
      }
    }
    if (!someKeyFor) {
      return AuthnResult.refused(Reason.WRONG, "the bearer token is signed with " + alg + ", for which no key is configured");
    }
    if (!verified) {
      return AuthnResult.refused(Reason.WRONG, "the bearer token's signature does not match any configured key");
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      return AuthnResult.refused(Reason.MALFORMED, "the bearer token's claims are not a JSON object of JWT claims");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      return AuthnResult.refused(Reason.MALFORMED, "the bearer token has no exp (expiry) claim; tokens must expire");
    }
    if (now.isAfter(exp.toInstant().plus(skew))) {
      return AuthnResult.refused(Reason.EXPIRED, "the bearer token expired at " + exp.toInstant()
          + " (allowed clock skew " + skew.toSeconds() + " s)");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant().minus(skew))) {
      return AuthnResult.refused(Reason.EXPIRED, "the bearer token is not valid before " + nbf.toInstant()
          + " (allowed clock skew " + skew.toSeconds() + " s)");
    }
    if (issuer != null && !issuer.equals(claims.getIssuer())) {
      return AuthnResult.refused(Reason.WRONG, "the bearer token's issuer is " + quoted(claims.getIssuer())
          + "; expected '" + issuer + "'");
    }
    if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
      return AuthnResult.refused(Reason.WRONG, "the bearer token's audience is " + claims.getAudience()
          + "; expected it to contain '" + audience + "'");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      return AuthnResult.refused(Reason.MALFORMED, "the bearer token has no sub claim (the principal)");
    }
    return AuthnResult.ok(subject);
  }

  private static String quoted(String s) {
    return s == null ? "missing" : "'" + s + "'";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
