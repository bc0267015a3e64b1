package io.meso.cluster.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.security.tls.ClientTls;
import io.meso.security.tls.ServerTls;
import io.meso.testkit.TestCerts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standby master serving TLS forwards to the leader over TLS and verifies the leader's
 * certificate ({@link MasterLinks}): a leader whose certificate the trusted CA signed answers
 * through the standby; one signed by another CA is never talked to.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeaderForwarderTlsTest {

  @TempDir
  Path dir;
  Vertx vertx;
  HttpServer leader;
  HttpServer standby;
  HttpClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void forwardsToALeaderTheCaSigned() throws Exception {
    TestCerts ca = TestCerts.authority(dir.resolve("ca"), "masters");
    Reply reply = throughStandby(ca, ca);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("leader says hi over https");
    assertThat(reply.via()).startsWith("1.1 127.0.0.1:");
  }

  @Test
  void refusesALeaderWhoseCertificateItDoesNotTrust() throws Exception {
    TestCerts ca = TestCerts.authority(dir.resolve("ca"), "masters");
    TestCerts impostor = TestCerts.authority(dir.resolve("impostor"), "impostor");
    Reply reply = throughStandby(impostor, ca);
    assertThat(reply.status()).isEqualTo(502);
    assertThat(reply.body()).startsWith("FAILED");
  }

  /** A leader with a certificate from {@code leaderCa}, a standby trusting {@code trusted}, and a GET through it. */
  record Reply(int status, String via, String body) {}

  private Reply throughStandby(TestCerts leaderCa, TestCerts trusted) throws Exception {
    TestCerts.Issued leaderCert = leaderCa.issue("leader");
    TestCerts.Issued standbyCert = trusted.issue("standby");
    leader = vertx.createHttpServer(ServerTls.load(leaderCert.cert(), leaderCert.key())
            .apply(new HttpServerOptions().setHost("127.0.0.1").setPort(0)))
        .requestHandler(req -> req.response().end("leader says hi over " + req.scheme()));
    leader.listen().await(30, TimeUnit.SECONDS);
    MasterLinks.useTls(vertx, ClientTls.trusting(trusted.caCert()));
    LeaderForwarder forwarder = new LeaderForwarder(vertx, "X-Test-Via");
    standby = vertx.createHttpServer(ServerTls.load(standbyCert.cert(), standbyCert.key())
            .apply(new HttpServerOptions().setHost("127.0.0.1").setPort(0)))
        .requestHandler(req -> req.body().onSuccess(body -> forwarder.forward(req, body,
            "127.0.0.1:" + leader.actualPort(), "127.0.0.1:" + standby.actualPort(),
            (failure, cause) -> req.response().setStatusCode(502).end(failure + ": " + cause))));
    standby.listen().await(30, TimeUnit.SECONDS);
    assertThat(MasterLinks.scheme(vertx)).isEqualTo("https");
    client = vertx.createHttpClient(ClientTls.trusting(trusted.caCert()).apply(new HttpClientOptions()));
    return client.request(new RequestOptions().setHost("127.0.0.1").setPort(standby.actualPort()).setURI("/v2/apps"))
        .compose(r -> r.send())
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.getHeader("X-Test-Via"), b.toString())))
        .await(60, TimeUnit.SECONDS);
  }
}
