package io.meso.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.agent.AgentOptions;
import io.meso.api.server.ApiServerOptions;
import io.meso.cluster.ClusterOptions;
import io.meso.codecs.DefaultPorts;
import io.meso.master.MasterOptions;
import io.meso.scheduler.MasterAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Every default port, in options classes and CLI flags, is the one in {@link DefaultPorts}. */
class DefaultPortsTest {

  @ParameterizedTest(name = "{0} {1} defaults to {2}")
  @CsvSource({
      "master, --port,       MASTER",
      "local,  --port,       MASTER",
      "local,  --agent-port, AGENT",
      "agent,  --port,       AGENT"})
  void cliFlags(String command, String flag, String which) {
    Object cmd = switch (command) {
      case "master" -> new MasterCommand();
      case "agent" -> new AgentCommand();
      default -> new LocalCommand();
    };
    String value = new CommandLine(cmd).getCommandSpec().findOption(flag).defaultValue();
    assertThat(value).isEqualTo(String.valueOf(port(which)));
  }

  @ParameterizedTest(name = "{0} defaults to {2}")
  @CsvSource({
      "MasterOptions,    MASTER",
      "ApiServerOptions, MASTER",
      "MasterAddress,    MASTER",
      "AgentOptions,     AGENT",
      "ClusterOptions,   CLUSTER"})
  void optionsClasses(String owner, String which) {
    int value = switch (owner) {
      case "MasterOptions" -> new MasterOptions().getPort();
      case "ApiServerOptions" -> new ApiServerOptions().getPort();
      case "MasterAddress" -> MasterAddress.parse("somehost").port();
      case "AgentOptions" -> new AgentOptions().getPort();
      default -> ClusterOptions.DEFAULT_PORT;
    };
    assertThat(value).isEqualTo(port(which));
  }

  private static int port(String which) {
    return switch (which) {
      case "MASTER" -> DefaultPorts.MASTER;
      case "AGENT" -> DefaultPorts.AGENT;
      default -> DefaultPorts.CLUSTER;
    };
  }
}
