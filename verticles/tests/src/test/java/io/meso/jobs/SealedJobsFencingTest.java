package io.meso.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.ha.Registry;
import io.meso.security.cluster.ClusterSecret;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * Every {@link JobsFencingTest} again with the registry's values sealed under a cluster secret, as
 * on masters started with {@code --cluster-secret-file}: the jobs framework's claims, runs and
 * history are sealed when written and verified when the next leader loads them.
 */
class SealedJobsFencingTest extends JobsFencingTest {

  @Override
  ClusterSecret secret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return ClusterSecret.of(b, "test");
  }

  @Test
  void theRegistryIsSealed() {
    assertThat(new Registry(f.node.localRegistryMember()).sealed()).isTrue();
  }
}
