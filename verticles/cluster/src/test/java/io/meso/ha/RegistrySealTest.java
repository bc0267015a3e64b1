package io.meso.ha;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.security.cluster.ClusterSecret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Registry values under a cluster secret, on a real two-member Hazelcast cluster over loopback: a
 * master started with the secret, and a stranger member that knows the (derived) cluster name but
 * not the secret and writes the registry's maps directly through the Hazelcast API. What the
 * stranger writes (a new agent, an overwritten framework, a value sealed under another secret or
 * moved from another key) is neither loaded by the next leader's claim nor read; what the master
 * wrote is.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegistrySealTest {

  static final ClusterSecret SECRET = randomSecret();
  static HazelcastInstance master;
  static HazelcastInstance stranger;
  static Registry registry;

  static ClusterSecret randomSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return ClusterSecret.of(b, "test");
  }

  @BeforeAll
  static void start() {
    ClusterOptions options = ClusterOptions.loopbackForTest().setClusterSecret(SECRET);
    master = Hazelcast.newHazelcastInstance(MesoCluster.hazelcastConfig(options));
    // The stranger learnt the derived name (it travels in clear) but has no secret.
    ClusterOptions strangerOptions = ClusterOptions.loopbackForTest().setClusterName(options.effectiveClusterName())
        .setJoin(List.of("127.0.0.1:" + master.getCluster().getLocalMember().getAddress().getPort()));
    Config config = MesoCluster.hazelcastConfig(strangerOptions);
    stranger = Hazelcast.newHazelcastInstance(config);
    assertThat(master.getCluster().getMembers()).hasSize(2);
    registry = new Registry(master);
  }

  @AfterAll
  static void stop() {
    for (HazelcastInstance hz : new HazelcastInstance[] {stranger, master}) {
      if (hz != null) {
        hz.getLifecycleService().terminate();
      }
    }
  }

  private static void elect(long fence) {
    master.getMap(LeaderElection.LEADER_MAP).set(LeaderElection.LEADER_KEY,
        new LeaderElection.LeaderRecord("127.0.0.1:" + (5000 + fence), "m" + fence, fence));
  }

  private static boolean put(Registry r, long fence, String section, String key, String value) {
    return r.put(fence, section, key, bytes(value)).toCompletableFuture().join();
  }

  @Test
  void theMasterRegistryIsSealedBecauseItsMemberHasTheSecret() {
    assertThat(registry.sealed()).isTrue();
    assertThat(new Registry(stranger).sealed()).isFalse();
  }

  @Test
  void forgedValuesWrittenByAStrangerAreNotAdoptedByTheNextLeader() {
    String section = "agents-seal";
    elect(100);
    assertThat(put(registry, 100, section, "a1", "genuine-a1")).isTrue();
    assertThat(put(registry, 100, section, "a2", "genuine-a2")).isTrue();

    // The stranger writes the map directly: a new agent of its choosing, and over a genuine one.
    com.hazelcast.map.IMap<String, Registry.Fenced> raw = stranger.getMap(Registry.PREFIX + section);
    raw.set("evil", new Registry.Fenced(100, bytes("forged agent")));
    raw.set("a2", new Registry.Fenced(100, bytes("forged a2"), 100, new byte[32]));
    // A value sealed by a registry under another secret.
    Registry other = new Registry(stranger, new io.meso.security.cluster.RegistrySeal(randomSecret()));
    assertThat(put(other, 100, section, "other-secret", "x")).isTrue();
    // A genuine sealed value copied under another key.
    raw.set("copied", raw.get("a1").withFence(100));

    assertThat(registry.read(section)).as("read verifies").containsOnlyKeys("a1");
    elect(101);
    Map<String, byte[]> claimed = registry.claim(101, section);
    assertThat(claimed).as("what the next leader adopts").containsOnlyKeys("a1");
    assertThat(new String(claimed.get("a1"), StandardCharsets.UTF_8)).isEqualTo("genuine-a1");

    // Claimed values keep verifying (the claim raised the token, the seal keeps the written one),
    // and the leader's own writes replace forged ones.
    assertThat(put(registry, 101, section, "a2", "genuine-a2-again")).isTrue();
    elect(102);
    assertThat(registry.claim(102, section)).containsOnlyKeys("a1", "a2");
  }

  @Test
  void withoutASecretNothingIsVerified() {
    Registry plain = new Registry(master, null);
    String section = "plain-seal";
    stranger.<String, Registry.Fenced>getMap(Registry.PREFIX + section).set("x", new Registry.Fenced(20, bytes("v")));
    assertThat(plain.read(section)).containsOnlyKeys("x");
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
