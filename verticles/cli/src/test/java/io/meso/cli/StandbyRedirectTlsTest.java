package io.meso.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.api.server.ApiServerOptions;
import io.meso.security.tls.ServerTls;
import io.meso.testkit.TestCerts;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A standby's 307 names the leader with the scheme its masters serve: https:// once they serve TLS. */
class StandbyRedirectTlsTest {

  @TempDir
  Path dir;

  @Test
  void aTlsStandbyRedirectsToHttps() {
    TestCerts.Issued cert = TestCerts.authority(dir, "masters").issue("master");
    ApiServerOptions tls = new ApiServerOptions().setTls(ServerTls.load(cert.cert(), cert.key()));
    assertThat(Nodes.redirectTarget(tls, 5050, false, "10.0.0.2:5050")).contains("https://10.0.0.2:5050");
    assertThat(Nodes.redirectTarget(new ApiServerOptions(), 5050, false, "10.0.0.2:5050"))
        .contains("http://10.0.0.2:5050");
  }

  @Test
  void servesHereWhenLeadingOrNoLeaderIsKnownOrTheLeaderIsThisMaster() {
    ApiServerOptions api = new ApiServerOptions();
    assertThat(Nodes.redirectTarget(api, 5050, true, "10.0.0.2:5050")).isEqualTo(Optional.empty());
    assertThat(Nodes.redirectTarget(api, 5050, false, null)).isEqualTo(Optional.empty());
    assertThat(Nodes.redirectTarget(api, 5050, false, "127.0.0.1:5050")).isEqualTo(Optional.empty());
  }
}
