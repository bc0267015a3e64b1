package io.meso.security.authn;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import io.meso.security.authn.AuthnResult.Reason;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorTest {

  static String basic(String principal, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((principal + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void basicAndBearerEachWithTheirReasons(@TempDir Path dir) throws Exception {
    Path creds = Files.writeString(dir.resolve("creds"), "ops:" + CredentialsTest.OPS_HASH + "\n");
    Path key = Files.write(dir.resolve("hs.key"), JwtVerifierTest.SECRET);
    Authenticator a = Authenticator.fromFiles(creds, List.of(key), null, null, Duration.ofSeconds(5));
    assertThat(a.authenticateNow(basic("ops", "s3cret-ops"))).isEqualTo(AuthnResult.ok("ops"));
    // remembered now; a wrong secret for the same principal is still wrong
    assertThat(a.authenticateNow(basic("ops", "s3cret-ops")).principal()).isEqualTo("ops");
    assertThat(a.authenticateNow(basic("ops", "wrong")).reason()).isEqualTo(Reason.WRONG);
    assertThat(a.authenticateNow(basic("ghost", "s3cret-ops")).reason()).isEqualTo(Reason.WRONG);
    assertThat(a.authenticateNow(null).reason()).isEqualTo(Reason.MISSING);
    assertThat(a.authenticateNow("Basic !!!").reason()).isEqualTo(Reason.MALFORMED);
    assertThat(a.authenticateNow("Digest abc").reason()).isEqualTo(Reason.MALFORMED);
    assertThat(a.authenticateNow(basic("ops", "wrong")).message()).doesNotContain("wrong:").doesNotContain("s3cret");
    Instant now = Instant.now();
    String token = JwtVerifierTest.token(new MACSigner(JwtVerifierTest.SECRET), JWSAlgorithm.HS256, "fw",
        now.plusSeconds(300), null, null, null);
    assertThat(a.authenticateNow("Bearer " + token).principal()).isEqualTo("fw");
    String expired = JwtVerifierTest.token(new MACSigner(JwtVerifierTest.SECRET), JWSAlgorithm.HS256, "fw",
        now.minusSeconds(3600), null, null, null);
    assertThat(a.authenticateNow("Bearer " + expired).reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void slowChecksRunOffTheEventLoop(@TempDir Path dir) throws Exception {
    Path creds = Files.writeString(dir.resolve("creds"), "ops:" + CredentialsTest.OPS_HASH + "\n");
    Authenticator a = Authenticator.fromFiles(creds, List.of(), null, null, Duration.ofSeconds(5));
    Vertx vertx = Vertx.vertx();
    try {
      AuthnResult result = vertx.getOrCreateContext().<AuthnResult>executeBlocking(() -> null)
          .compose(v -> a.authenticate(vertx, basic("ops", "s3cret-ops")))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(result.principal()).isEqualTo("ops");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void hostAndOriginChecks() {
    HostCheck check = new HostCheck("10.1.2.3", List.of("meso.example.org"));
    assertThat(check.check("127.0.0.1", null)).isNull();
    assertThat(check.check("localhost", null)).isNull();
    assertThat(check.check("[::1]", null)).isNull();
    assertThat(check.check("10.1.2.3", null)).isNull();
    assertThat(check.check("MESO.example.org", "https://meso.example.org")).isNull();
    assertThat(check.check("evil.example", null).status()).isEqualTo(421);
    assertThat(check.check("evil.example", null).message()).contains("evil.example").contains("--allowed-hosts");
    assertThat(check.check("127.0.0.1", "http://evil.example").status()).isEqualTo(403);
    assertThat(check.check("127.0.0.1", "null").status()).isEqualTo(403);
    assertThat(check.check("127.0.0.1", "file://x").status()).isEqualTo(403);
    assertThat(check.check("127.0.0.1", "http://127.0.0.1:5050")).isNull();
    assertThat(check.check("10.9.9.9", null).status()).isEqualTo(421);
    HostCheck wildcard = new HostCheck("0.0.0.0", List.of());
    assertThat(wildcard.check("10.9.9.9", null)).isNull();
    assertThat(wildcard.check("evil.example", null).status()).isEqualTo(421);
    assertThat(wildcard.check("10.9.9.9", "http://10.9.9.9:5050")).isNull();
    assertThat(wildcard.check("10.9.9.9", "http://10.8.8.8").status()).isEqualTo(403);
  }
}
