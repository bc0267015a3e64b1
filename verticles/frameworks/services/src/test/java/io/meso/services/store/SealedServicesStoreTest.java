package io.meso.services.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.cluster.ClusterOptions;
import io.meso.security.cluster.ClusterSecret;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * Every {@link ServicesStoreTest} again on a member started with a cluster secret, as a master
 * with {@code --cluster-secret-file} runs: the store's values are then sealed when written and
 * verified when a leader loads them, and the store must work exactly as without.
 */
class SealedServicesStoreTest extends ServicesStoreTest {

  @Override
  ClusterOptions clusterOptions() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return ClusterOptions.loopbackForTest().setClusterSecret(ClusterSecret.of(secret, "test"));
  }

  @Test
  void theRegistryIsSealed() {
    assertThat(registry.sealed()).isTrue();
  }
}
