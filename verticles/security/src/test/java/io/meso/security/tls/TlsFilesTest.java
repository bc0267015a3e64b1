package io.meso.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.testkit.TestCerts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM files checked at load, and a real TLS server and client made from them on 127.0.0.1. */
class TlsFilesTest {

  @TempDir
  static Path dir;
  static TestCerts ca;
  static TestCerts otherCa;
  static TestCerts.Issued server;
  static TestCerts.Issued other;
  static Vertx vertx;

  @BeforeAll
  static void certs() {
    ca = TestCerts.authority(dir.resolve("a"), "good");
    otherCa = TestCerts.authority(dir.resolve("b"), "other");
    server = ca.issue("server");
    other = otherCa.issue("stranger");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void loadsAMatchingCertificateAndKey() {
    ServerTls tls = ServerTls.load(server.cert(), server.key());
    assertThat(tls.certificate().getSubjectX500Principal().getName()).contains("CN=server");
    MutualTls mutual = MutualTls.load(server.cert(), server.key(), ca.caCert());
    assertThat(mutual.caFile()).isEqualTo(ca.caCert());
  }

  @Test
  void refusesAMissingFileNamingFlagAndFile() {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(() -> ServerTls.load(missing, server.key()))
        .isInstanceOf(TlsConfigException.class).hasMessage("--tls-cert " + missing + ": no such file");
    assertThatThrownBy(() -> ServerTls.load(server.cert(), null))
        .hasMessageContaining("--tls-key is missing");
    assertThatThrownBy(() -> ClientTls.trusting(missing)).hasMessage("--ca-cert " + missing + ": no such file");
  }

  @Test
  void refusesFilesSwapped() {
    assertThatThrownBy(() -> ServerTls.load(server.key(), server.cert()))
        .hasMessageContaining("--tls-cert " + server.key() + ": no certificate in it")
        .hasMessageContaining("was it given for the key?");
  }

  @Test
  void refusesAKeyOfAnotherCertificate() {
    assertThatThrownBy(() -> ServerTls.load(server.cert(), other.key()))
        .hasMessageContaining("--tls-key " + other.key() + " is not the private key of the certificate in --tls-cert "
            + server.cert());
  }

  @Test
  void refusesGarbageAndEncryptedKeys() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
    assertThatThrownBy(() -> ServerTls.load(server.cert(), garbage))
        .hasMessageContaining("--tls-key " + garbage + ": no private key in it");
    Path encrypted = Files.writeString(dir.resolve("enc.key"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> ServerTls.load(server.cert(), encrypted)).hasMessageContaining("is encrypted");
    Path unreadable = Files.createDirectory(dir.resolve("adir"));
    assertThatThrownBy(() -> ClientTls.trusting(unreadable)).hasMessageContaining("not a readable file");
  }

  @Test
  void refusesANodeCertificateTheCaDidNotSign() {
    assertThatThrownBy(() -> MutualTls.load(other.cert(), other.key(), ca.caCert()))
        .hasMessageContaining("--cluster-tls-cert " + other.cert())
        .hasMessageContaining("is not signed by a CA in --cluster-tls-ca " + ca.caCert());
    assertThatThrownBy(() -> MutualTls.load(server.cert(), server.key(), null))
        .hasMessageContaining("--cluster-tls-ca is missing");
  }

  @Test
  void serverSpeaksHttp2AndHttp11ToAClientTrustingItsCa() throws Exception {
    HttpServer http = vertx.createHttpServer(ServerTls.load(server.cert(), server.key())
            .apply(new HttpServerOptions().setHost("127.0.0.1").setPort(0)))
        .requestHandler(req -> req.response().end(req.version().name()));
    http.listen().await(30, TimeUnit.SECONDS);
    try {
      ClientTls trust = ClientTls.trusting(ca.caCert());
      for (HttpVersion version : new HttpVersion[] {HttpVersion.HTTP_2, HttpVersion.HTTP_1_1}) {
        HttpClient client = vertx.createHttpClient(trust.apply(new HttpClientOptions().setProtocolVersion(version)));
        String body = client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                .setPort(http.actualPort()).setURI("/"))
            .compose(r -> r.send().compose(resp -> resp.body())).await(30, TimeUnit.SECONDS).toString();
        assertThat(body).isEqualTo(version.name());
        client.close().await(30, TimeUnit.SECONDS);
      }
      // A client trusting another CA is refused, and told what to pass.
      ClientTls wrong = ClientTls.trusting(otherCa.caCert());
      HttpClient client = vertx.createHttpClient(wrong.apply(new HttpClientOptions()));
      Throwable failure = client.request(new RequestOptions().setHost("127.0.0.1").setPort(http.actualPort())
              .setURI("/")).compose(r -> r.send()).map(r -> (Throwable) null)
          .otherwise(err -> err).await(30, TimeUnit.SECONDS);
      assertThat(failure).isNotNull();
      assertThat(ClientTls.explain(failure, wrong, "127.0.0.1:" + http.actualPort()))
          .contains("not trusted by the CA in " + otherCa.caCert()).contains("--ca-cert FILE");
      client.close().await(30, TimeUnit.SECONDS);
    } finally {
      http.close().await(30, TimeUnit.SECONDS);
    }
  }
}
