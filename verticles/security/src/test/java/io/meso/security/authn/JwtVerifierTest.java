package io.meso.security.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.meso.security.authn.AuthnResult.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {

  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final byte[] SECRET = "0123456789abcdef0123456789abcdef-hs256".getBytes(StandardCharsets.US_ASCII);

  /** A signed compact JWT for tests. */
  static String token(JWSSigner signer, JWSAlgorithm alg, String sub, Instant exp, Instant nbf, String iss, String aud)
      throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(sub).issueTime(Date.from(NOW));
    if (exp != null) {
      claims.expirationTime(Date.from(exp));
    }
    if (nbf != null) {
      claims.notBeforeTime(Date.from(nbf));
    }
    if (iss != null) {
      claims.issuer(iss);
    }
    if (aud != null) {
      claims.audience(aud);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims.build());
    jwt.sign(signer);
    return jwt.serialize();
  }

  static String pem(java.security.PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }

  private static JwtVerifier verifier(Path dir, Duration skew, String iss, String aud) throws Exception {
    Path key = dir.resolve("hs.key");
    Files.write(key, (new String(SECRET, StandardCharsets.US_ASCII) + "\n").getBytes(StandardCharsets.US_ASCII));
    return JwtVerifier.fromFiles(List.of(key), iss, aud, skew, CLOCK);
  }

  @Test
  void hs256ExpiryAndSkew(@TempDir Path dir) throws Exception {
    JwtVerifier v = verifier(dir, Duration.ofSeconds(60), null, null);
    MACSigner signer = new MACSigner(SECRET);
    assertThat(v.verify(token(signer, JWSAlgorithm.HS256, "ops", NOW.plusSeconds(300), null, null, null)))
        .isEqualTo(AuthnResult.ok("ops"));
    // expired 30 s ago: inside the 60 s skew
    assertThat(v.verify(token(signer, JWSAlgorithm.HS256, "ops", NOW.minusSeconds(30), null, null, null)).principal())
        .isEqualTo("ops");
    AuthnResult expired = v.verify(token(signer, JWSAlgorithm.HS256, "ops", NOW.minusSeconds(61), null, null, null));
    assertThat(expired.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(expired.message()).contains("expired at");
    AuthnResult early = v.verify(token(signer, JWSAlgorithm.HS256, "ops", NOW.plusSeconds(600), NOW.plusSeconds(61),
        null, null));
    assertThat(early.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(v.verify(token(signer, JWSAlgorithm.HS256, "ops", NOW.plusSeconds(600), NOW.plusSeconds(59), null, null))
        .authenticated()).isTrue();
    JwtVerifier strict = verifier(dir, Duration.ZERO, null, null);
    assertThat(strict.verify(token(signer, JWSAlgorithm.HS256, "ops", NOW.minusSeconds(1), null, null, null)).reason())
        .isEqualTo(Reason.EXPIRED);
    assertThat(v.verify(token(signer, JWSAlgorithm.HS256, "ops", null, null, null, null)).reason())
        .isEqualTo(Reason.MALFORMED);
  }

  @Test
  void wrongKeyIssuerAudienceAndAlgNoneRefused(@TempDir Path dir) throws Exception {
    JwtVerifier v = verifier(dir, Duration.ofSeconds(60), "meso-idp", "meso");
    MACSigner right = new MACSigner(SECRET);
    MACSigner wrong = new MACSigner("another-secret-another-secret-another!!".getBytes(StandardCharsets.US_ASCII));
    Instant exp = NOW.plusSeconds(300);
    assertThat(v.verify(token(right, JWSAlgorithm.HS256, "ops", exp, null, "meso-idp", "meso")).principal()).isEqualTo("ops");
    assertThat(v.verify(token(wrong, JWSAlgorithm.HS256, "ops", exp, null, "meso-idp", "meso")).reason())
        .isEqualTo(Reason.WRONG);
    assertThat(v.verify(token(right, JWSAlgorithm.HS256, "ops", exp, null, "other", "meso")).message())
        .contains("issuer is 'other'");
    assertThat(v.verify(token(right, JWSAlgorithm.HS256, "ops", exp, null, "meso-idp", "else")).message())
        .contains("audience");
    String none = new PlainJWT(new JWTClaimsSet.Builder().subject("ops").expirationTime(Date.from(exp)).issuer("meso-idp")
        .audience("meso").build()).serialize();
    AuthnResult unsigned = v.verify(none);
    assertThat(unsigned.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(unsigned.message()).contains("not signed");
    // alg none with a signature part stuck on, and a token with a header swapped to none
    assertThat(v.verify(none + "c2ln").authenticated()).isFalse();
    String signed = token(right, JWSAlgorithm.HS256, "ops", exp, null, "meso-idp", "meso");
    String noneHeader = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(v.verify(noneHeader + signed.substring(signed.indexOf('.'))).authenticated()).isFalse();
    assertThat(v.verify("not-a-jwt").reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void rs256AndEs256WithPemKeys(@TempDir Path dir) throws Exception {
    KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
    rsaGen.initialize(2048);
    KeyPair rsa = rsaGen.generateKeyPair();
    KeyPair otherRsa = rsaGen.generateKeyPair();
    KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
    ecGen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ec = ecGen.generateKeyPair();
    Path rsaPem = Files.writeString(dir.resolve("rsa.pem"), pem(rsa.getPublic()));
    Path ecPem = Files.writeString(dir.resolve("ec.pem"), pem(ec.getPublic()));
    JwtVerifier v = JwtVerifier.fromFiles(List.of(rsaPem, ecPem), null, null, Duration.ofSeconds(60), CLOCK);
    Instant exp = NOW.plusSeconds(300);
    assertThat(v.verify(token(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, "fw", exp, null, null, null))
        .principal()).isEqualTo("fw");
    assertThat(v.verify(token(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256, "ui", exp, null, null,
        null)).principal()).isEqualTo("ui");
    assertThat(v.verify(token(new RSASSASigner(otherRsa.getPrivate()), JWSAlgorithm.RS256, "fw", exp, null, null, null))
        .reason()).isEqualTo(Reason.WRONG);
    assertThat(v.verify(token(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, "fw", NOW.minusSeconds(120), null,
        null, null)).reason()).isEqualTo(Reason.EXPIRED);
    // HS256 when only public keys are configured (the classic RS/HS confusion) is refused
    AuthnResult hs = v.verify(token(new MACSigner(SECRET), JWSAlgorithm.HS256, "fw", exp, null, null, null));
    assertThat(hs.reason()).isEqualTo(Reason.WRONG);
    assertThat(hs.message()).contains("no key is configured");
  }

  @Test
  void badKeyFilesAreRefusedClearly(@TempDir Path dir) throws Exception {
    Path shortSecret = Files.writeString(dir.resolve("short"), "tooshort\n");
    assertThatThrownBy(() -> JwtVerifier.readKey(shortSecret)).hasMessageContaining("8-byte HMAC secret")
        .hasMessageContaining("at least 32").hasMessageNotContaining("tooshort");
    Path priv = Files.writeString(dir.resolve("priv.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> JwtVerifier.readKey(priv)).hasMessageContaining("not a public key");
  }
}
