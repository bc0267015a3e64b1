package io.meso.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import org.junit.jupiter.api.Test;

/**
 * How long a master that left the cluster keeps its place in the CP subsystem: 30 s unless told
 * otherwise (or the session time-to-live when longer), the value given when given, and never less
 * than the session time-to-live, which Hazelcast would refuse with a message naming neither Meso
 * option nor value.
 */
class CpMemberRemovalTest {

  static int removal(ClusterOptions options) {
    Config config = MesoCluster.hazelcastConfig(options.setCpMemberCount(3));
    return config.getCPSubsystemConfig().getMissingCPMemberAutoRemovalSeconds();
  }

  @Test
  void thirtySecondsOrTheSessionTimeToLiveWhenLongerUnlessGiven() {
    assertThat(removal(ClusterOptions.loopbackForTest())).isEqualTo(30);
    assertThat(removal(ClusterOptions.loopbackForTest().setCpSessionTtlSeconds(45))).isEqualTo(45);
  }

  @Test
  void theValueGivenWhenItIsAtLeastTheSessionTimeToLive() {
    assertThat(removal(ClusterOptions.loopbackForTest().setCpSessionTtlSeconds(10).setCpMemberRemovalSeconds(10)))
        .isEqualTo(10);
    assertThat(removal(ClusterOptions.loopbackForTest().setCpSessionTtlSeconds(3).setCpMemberRemovalSeconds(4)))
        .isEqualTo(4);
  }

  @Test
  void badValuesAreRefusedNamingTheValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> new ClusterOptions().setCpMemberRemovalSeconds(1))
        .hasMessageContaining("CP member removal is 1 s").hasMessageContaining("from 2 to 86400");
    assertThatThrownBy(() -> new ClusterOptions().setCpMemberRemovalSeconds(86_401))
        .hasMessageContaining("CP member removal is 86401 s");
    assertThatThrownBy(() -> removal(ClusterOptions.loopbackForTest().setCpSessionTtlSeconds(10)
        .setCpMemberRemovalSeconds(5)))
        .hasMessageContaining("CP member removal is 5 s, shorter than the CP session time-to-live 10 s");
  }
}
