package io.meso.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.agent.AgentOptions;
import io.meso.api.server.ApiServerOptions;
import io.meso.cluster.MesoCluster;
import io.meso.master.MasterOptions;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.security.tls.ClientTls;
import io.meso.security.tls.ServerTls;
import io.meso.testkit.CliStreams;
import io.meso.testkit.TestCerts;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A master whose HTTP/gRPC port serves TLS only (a certificate for 127.0.0.1 from a CA made by
 * the test), with an agent and the services framework, as {@code meso local --tls-cert --tls-key}
 * runs them: {@code meso run} with the CA launches a task and gets its output and status; gRPC and
 * HTTP/1.1 and HTTP/2 work over TLS; a client with no CA or another CA is refused and told what to
 * pass; a cleartext client gets nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsEndToEndTest {

  static Path dir;
  static TestCerts ca;
  static TestCerts otherCa;
  static Vertx vertx;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("meso-tls-e2e");
    ca = TestCerts.authority(dir.resolve("ca"), "meso");
    otherCa = TestCerts.authority(dir.resolve("other"), "other");
    TestCerts.Issued server = ca.issue("master");
    vertx = MesoCluster.startLocal(new VertxOptions());
    Nodes.Master master = Nodes.deployMaster(vertx, new MasterOptions().setAllocationIntervalMillis(100),
            new ApiServerOptions().setPort(0).setTls(ServerTls.load(server.cert(), server.key())))
        .await(60, TimeUnit.SECONDS);
    port = master.port();
    Nodes.deployAgent(vertx, new AgentOptions().setWorkDir(Files.createTempDirectory("meso-tls-agent").toString())
        .setResources("cpus:2;mem:1024;disk:1000")).await(60, TimeUnit.SECONDS);
    io.meso.ha.LocalRegistry registry = new io.meso.ha.LocalRegistry();
    vertx.deployVerticle(registry).await(60, TimeUnit.SECONDS);
    long fence = registry.elected().await(60, TimeUnit.SECONDS);
    String self = "127.0.0.1:" + port;
    ServicesNode.mount(vertx, master.api().router(), self, () -> self)
        .lead(registry.registry(), fence, why -> { }).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void mesoRunWithTheCaLaunchesATaskAndGetsItsResult() {
    try (CliStreams streams = new CliStreams()) {
      int code = Meso.run("run", "--master", "https://127.0.0.1:" + port, "--ca-cert", ca.caCert().toString(), "--",
          "sh", "-c", "echo over tls; exit 3");
      assertThat(code).as(streams.err()).isEqualTo(3);
      assertThat(streams.out()).isEqualTo("over tls\n");
      assertThat(streams.err()).containsPattern("task run-[0-9a-f]{8} FAILED: Command exited with status 3\n");
    }
    // --ca-cert alone means TLS, with the master as HOST:PORT.
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("tasks", "--all", "--master", "127.0.0.1:" + port, "--ca-cert", ca.caCert().toString()))
          .as(streams.err()).isZero();
      assertThat(streams.out()).contains("echo over tls");
    }
  }

  @Test
  void aClientTrustingAnotherCaIsRefusedAndToldWhatToPass() {
    try (CliStreams streams = new CliStreams()) {
      int code = Meso.run("run", "--master", "127.0.0.1:" + port, "--ca-cert", otherCa.caCert().toString(), "--",
          "echo never");
      assertThat(code).isEqualTo(RunCommand.EXIT_UNREACHABLE);
      assertThat(streams.out()).isEmpty();
      assertThat(streams.err()).contains("presented a certificate that is not trusted by the CA in "
          + otherCa.caCert()).contains("--ca-cert FILE");
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("apps", "--master", "127.0.0.1:" + port, "--ca-cert", otherCa.caCert().toString()))
          .isNotZero();
      assertThat(streams.err()).contains("not trusted by the CA in " + otherCa.caCert());
    }
  }

  @Test
  void aClientWithoutTheCaIsRefused() {
    // https:// without --ca-cert: the JVM's default trust store does not know the test's CA.
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("tasks", "--master", "https://127.0.0.1:" + port)).isEqualTo(RunCommand.EXIT_UNREACHABLE);
      assertThat(streams.err()).contains("not trusted by the JVM's default trust store").contains("--ca-cert");
    }
    // Cleartext to a TLS-only port gets no answer at all.
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("tasks", "--master", "127.0.0.1:" + port)).as(streams.err()).isEqualTo(RunCommand.EXIT_UNREACHABLE);
      assertThat(streams.out()).doesNotContain("ID");
      assertThat(streams.err()).contains("closed the connection without answering").contains("--ca-cert");
    }
    // A CA file that does not exist is a usage error naming it.
    try (CliStreams streams = new CliStreams()) {
      Path missing = dir.resolve("missing.pem");
      assertThat(Meso.run("tasks", "--master", "127.0.0.1:" + port, "--ca-cert", missing.toString())).isEqualTo(2);
      assertThat(streams.err()).contains("--ca-cert " + missing + ": no such file");
    }
  }

  @Test
  void servicesCommandsTalkHttpsWithTheCa() {
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("apps", "--master", "https://127.0.0.1:" + port, "--ca-cert", ca.caCert().toString()))
          .as(streams.err()).isZero();
      assertThat(streams.err()).doesNotContain("not trusted");
    }
  }

  @Test
  void grpcAndBothHttpVersionsOverTls() throws Exception {
    ClientTls trust = ClientTls.trusting(ca.caCert());
    GrpcOperatorClient operator = new GrpcOperatorClient(vertx, List.of(SocketAddress.inetSocketAddress(port,
        "127.0.0.1")), trust);
    try {
      assertThat(operator.getState().await(60, TimeUnit.SECONDS).getMasterInfo().getPort())
          .isEqualTo(port);
    } finally {
      operator.close().await(30, TimeUnit.SECONDS);
    }
    GrpcOperatorClient wrong = new GrpcOperatorClient(vertx, List.of(SocketAddress.inetSocketAddress(port,
        "127.0.0.1")), ClientTls.trusting(otherCa.caCert()));
    try {
      Throwable failure = wrong.getState().map(s -> (Throwable) null).otherwise(e -> e).await(60, TimeUnit.SECONDS);
      assertThat(failure).isInstanceOf(ApiException.class).hasMessageContaining("not trusted by the CA in "
          + otherCa.caCert());
    } finally {
      wrong.close().await(30, TimeUnit.SECONDS);
    }
    for (HttpVersion version : new HttpVersion[] {HttpVersion.HTTP_2, HttpVersion.HTTP_1_1}) {
      HttpClient http = vertx.createHttpClient(trust.apply(new HttpClientOptions().setProtocolVersion(version)));
      try {
        var response = http.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/health"))
            .compose(r -> r.send()).await(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(version);
      } finally {
        http.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aMasterRefusesBadTlsFilesAtStartNamingThem() throws Exception {
    Path missing = dir.resolve("nope.pem");
    TestCerts.Issued server = ca.issue("other-master");
    TestCerts.Issued another = ca.issue("another");
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("master", "--tls-cert", missing.toString(), "--tls-key", server.key().toString()))
          .isEqualTo(2);
      assertThat(streams.err()).contains("--tls-cert " + missing + ": no such file");
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("master", "--tls-cert", server.cert().toString(), "--tls-key", another.key().toString()))
          .isEqualTo(2);
      assertThat(streams.err()).contains("--tls-key " + another.key() + " is not the private key of the certificate");
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("local", "--tls-cert", server.cert().toString())).isEqualTo(2);
      assertThat(streams.err()).contains("--tls-key is missing");
    }
    try (CliStreams streams = new CliStreams()) {
      assertThat(Meso.run("agent", "--join", "127.0.0.1:1", "--cluster-tls-cert", server.cert().toString(),
          "--cluster-tls-key", server.key().toString())).isEqualTo(2);
      assertThat(streams.err()).contains("--cluster-tls-ca is missing");
    }
  }
}
