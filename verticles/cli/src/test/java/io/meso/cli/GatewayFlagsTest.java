package io.meso.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent gateway's flags: {@code meso agent --master-gateway} instead of {@code --join}, and
 * {@code meso master --agent-gateway-port}. Bad values are refused before anything starts, naming
 * the flag, the value and what is allowed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayFlagsTest {

  @TempDir
  Path dir;

  @Test
  void anAgentTakesGatewaysOrJoinButNotBoth() {
    StringWriter both = new StringWriter();
    assertThat(ClusterSecretFlagTest.run(both, "agent", "--join", "127.0.0.1:5701", "--master-gateway",
        "127.0.0.1:5052", "--work-dir", dir.toString())).isEqualTo(2);
    assertThat(both.toString()).contains("--join").contains("--master-gateway").contains("not both");

    StringWriter neither = new StringWriter();
    assertThat(ClusterSecretFlagTest.run(neither, "agent", "--work-dir", dir.toString())).isEqualTo(2);
    assertThat(neither.toString()).contains("--join is required").contains("--master-gateway HOST:PORT");
  }

  @Test
  void aGatewayThatIsNotHostAndPortIsRefusedNamingIt() {
    StringWriter noPort = new StringWriter();
    assertThat(ClusterSecretFlagTest.run(noPort, "agent", "--master-gateway", "master1", "--work-dir",
        dir.toString())).isEqualTo(2);
    assertThat(noPort.toString()).contains("--master-gateway 'master1' is not HOST:PORT");

    StringWriter badPort = new StringWriter();
    assertThat(ClusterSecretFlagTest.run(badPort, "agent", "--master-gateway", "10.0.0.1:5052,10.0.0.2:99999",
        "--work-dir", dir.toString())).isEqualTo(2);
    assertThat(badPort.toString()).contains("'10.0.0.2:99999' has port 99999; expected 1 to 65535");
  }

  @Test
  void aMasterGatewayPortOutOfRangeOrBusyIsRefused() throws Exception {
    StringWriter range = new StringWriter();
    assertThat(ClusterSecretFlagTest.run(range, "master", "--port", "0", "--cluster-name", "gw-flags-" + System.nanoTime(),
        "--agent-gateway-port", "70000")).isEqualTo(2);
    assertThat(range.toString()).contains("--agent-gateway-port is 70000").contains("expected 0 (any free port) to 65535");

    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      StringWriter taken = new StringWriter();
      assertThat(ClusterSecretFlagTest.run(taken, "master", "--port", "0", "--cluster-name",
          "gw-flags-" + System.nanoTime(), "--agent-gateway-port", String.valueOf(busy.getLocalPort()))).isEqualTo(2);
      assertThat(taken.toString()).contains("--agent-gateway-port " + busy.getLocalPort())
          .contains("give a free port, or 0 for any");
    }
  }
}
