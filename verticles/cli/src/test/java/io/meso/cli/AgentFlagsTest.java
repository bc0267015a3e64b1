package io.meso.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.agent.AgentOptions;
import org.junit.jupiter.api.Test;

/** The agent flags that name the docker client and nvidia-smi reach the agent's options, checked. */
class AgentFlagsTest {

  @Test
  void dockerAndNvidiaSmiPathsReachTheAgentAndBlankOnesAreRefusedNamingTheFlag() {
    AgentFlags flags = new AgentFlags();
    flags.dockerBinary = "/opt/docker/bin/docker";
    flags.nvidiaSmi = "/usr/local/bin/nvidia-smi";
    AgentOptions options = flags.toAgentOptions("127.0.0.1", 5051);
    assertThat(options.getDockerBinary()).isEqualTo("/opt/docker/bin/docker");
    assertThat(options.getNvidiaSmi()).isEqualTo("/usr/local/bin/nvidia-smi");

    AgentFlags defaults = new AgentFlags();
    assertThat(defaults.toAgentOptions("127.0.0.1", 5051).getDockerBinary()).isEqualTo("docker");

    AgentFlags blank = new AgentFlags();
    blank.dockerBinary = " ";
    assertThatThrownBy(() -> blank.toAgentOptions("127.0.0.1", 5051)).hasMessageStartingWith("--docker: ")
        .hasMessageContaining("was ' '");
    AgentFlags blankSmi = new AgentFlags();
    blankSmi.nvidiaSmi = "";
    assertThatThrownBy(() -> blankSmi.toAgentOptions("127.0.0.1", 5051)).hasMessageStartingWith("--nvidia-smi: ");
  }

  @Test
  void privilegedContainersAreRefusedUnlessTheFlagAllowsThem() {
    assertThat(new AgentFlags().toAgentOptions("127.0.0.1", 5051).toExecutorOptions().isDockerAllowPrivileged())
        .isFalse();
    AgentFlags allow = new AgentFlags();
    new picocli.CommandLine(allow).parseArgs("--docker-allow-privileged");
    assertThat(allow.toAgentOptions("127.0.0.1", 5051).toExecutorOptions().isDockerAllowPrivileged()).isTrue();
  }
}
