package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.executor.ExecutorOptions;
import io.meso.executor.Isolation;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {

  @Test
  void defaults() {
    AgentOptions options = new AgentOptions();

    assertThat(options.getHostname()).isNull();
    assertThat(options.getPort()).isEqualTo(5051);
    assertThat(options.getWorkDir())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "meso", "agent-5051").toString());
    assertThat(options.setPort(6000).getWorkDir()).endsWith("agent-6000");
    assertThat(options.getPingTimeoutMillis()).isEqualTo(10_000);
    assertThat(options.getRegistrationBackoffInitialMillis()).isEqualTo(100);
    assertThat(options.getRegistrationBackoffMaxMillis()).isEqualTo(5_000);
    assertThat(options.getStatusUpdateRetryInitialMillis()).isEqualTo(10_000);
    assertThat(options.getStatusUpdateRetryMaxMillis()).isEqualTo(600_000);
    assertThat(options.getKillGracePeriodMillis()).isEqualTo(3_000);
    assertThat(options.getExecutorMode()).isEqualTo(ExecutorMode.PROCESS);
    assertThat(options.getIsolation()).isEqualTo(Isolation.AUTO);
    assertThat(options.isSessions()).isTrue();
  }

  @Test
  void jsonRoundTripKeepsEverySetting() {
    AgentOptions options = new AgentOptions().setHostname("h1").setPort(5099).setWorkDir("/var/lib/meso")
        .setResources("cpus:2").setAttributes("rack:r1").setPingTimeoutMillis(1_234)
        .setRegistrationBackoffInitialMillis(7).setRegistrationBackoffMaxMillis(70).setRegistrationTimeoutMillis(700)
        .setStatusUpdateRetryInitialMillis(11).setStatusUpdateRetryMaxMillis(110).setKillGracePeriodMillis(0)
        .setExecutorMode(ExecutorMode.SIMULATED).setIsolation(Isolation.POSIX).setSimulatedTaskDurationMillis(5)
        .setSessions(false);

    JsonObject json = options.toJson();

    assertThat(new AgentOptions(json).toJson()).isEqualTo(json);
    assertThat(new AgentOptions(options).toJson()).isEqualTo(json);
    ExecutorOptions executor = options.toExecutorOptions();
    assertThat(executor.getIsolation()).isEqualTo(Isolation.POSIX);
    assertThat(executor.getKillGracePeriodMillis()).isZero();
    assertThat(executor.getSimulatedTaskDurationMillis()).isEqualTo(5);
    assertThat(executor.isSessions()).isFalse();
    assertThat(new ExecutorOptions(executor.toJson()).toJson()).isEqualTo(executor.toJson());
  }

  @Test
  void badValuesNameTheField() {
    assertThatThrownBy(() -> new AgentOptions().setPort(70_000)).hasMessageContaining("port").hasMessageContaining("70000");
    assertThatThrownBy(() -> new AgentOptions().setPingTimeoutMillis(0)).hasMessageContaining("pingTimeoutMillis");
    assertThatThrownBy(() -> new AgentOptions().setKillGracePeriodMillis(-1))
        .hasMessageContaining("killGracePeriodMillis");
    assertThatThrownBy(() -> new ExecutorOptions().setCgroupsRoot("../x")).hasMessageContaining("cgroupsRoot");
  }
}
