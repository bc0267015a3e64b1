package io.meso.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry's fencing against a deposed leader, on one loopback Hazelcast member (the
 * election's published leader record is written directly, as {@link LeaderElection} does): a
 * write with a token older than the published leader's is refused even for a brand-new key, and
 * an insert that slipped in after a new leader's claim is never loaded and is deleted by the
 * next claim.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryFencingTest {

  static HazelcastInstance hazelcast;
  static Registry registry;

  @BeforeAll
  static void start() {
    hazelcast = Hazelcast.newHazelcastInstance(MesoCluster.hazelcastConfig(ClusterOptions.loopbackForTest()));
    registry = new Registry(hazelcast);
  }

  @AfterAll
  static void stop() {
    if (hazelcast != null) {
      hazelcast.getLifecycleService().terminate();
    }
  }

  private static void elect(long fence) {
    hazelcast.getMap(LeaderElection.LEADER_MAP).set(LeaderElection.LEADER_KEY,
        new LeaderElection.LeaderRecord("127.0.0.1:" + (5000 + fence), "m" + fence, fence));
  }

  private static boolean put(long fence, String section, String key, String value) {
    return registry.put(fence, section, key, value == null ? null : bytes(value)).toCompletableFuture().join();
  }

  @Test
  void deposedLeaderCannotInsertANewKey() {
    String section = "fencing-insert";
    elect(10);
    assertThat(put(10, section, "a1", "by-10")).isTrue();

    elect(11); // a new leader was elected; the old one does not know yet
    assertThat(put(10, section, "brand-new", "stale")).as("insert of a new key by the deposed leader").isFalse();
    assertThat(put(10, section, "a1", "stale")).isFalse();
    assertThat(registry.remove(10, section, "a1").toCompletableFuture().join()).isFalse();
    assertThat(registry.read(section)).containsOnlyKeys("a1");
    assertThat(new String(registry.read(section).get("a1"), StandardCharsets.UTF_8)).isEqualTo("by-10");

    Map<String, byte[]> claimed = registry.claim(11, section);
    assertThat(claimed).containsOnlyKeys("a1");
    assertThat(put(11, section, "brand-new", "by-11")).isTrue();
    assertThat(registry.read(section)).containsOnlyKeys("a1", "brand-new");
  }

  @Test
  void insertThatRacedPastTheCheckIsNeverLoadedAndIsDeletedByTheNextClaim() {
    String section = "fencing-race";
    elect(20);
    assertThat(put(20, section, "kept", "by-20")).isTrue();
    elect(21);
    assertThat(registry.claim(21, section)).containsOnlyKeys("kept");
    // The deposed leader (20) read the leader record just before 21 published it, and its insert
    // lands after 21's claim: what the entry processor sees then is only the token it was given.
    IMapAccess.raw(hazelcast, section).set("late", new Registry.Fenced(20, bytes("stale")));
    assertThat(registry.read(section)).containsKeys("kept", "late");

    elect(22);
    Map<String, byte[]> claimed = registry.claim(22, section);
    assertThat(claimed).as("what leader 22 loads").containsOnlyKeys("kept");
    assertThat(registry.read(section)).as("the stale insert is deleted").containsOnlyKeys("kept");
  }

  @Test
  void claimLoadsOnlyWhatItRaised() {
    String section = "fencing-claim";
    elect(30);
    assertThat(put(30, section, "x", "by-30")).isTrue();
    elect(31);
    Map<String, byte[]> claimed = registry.claim(31, section);
    assertThat(claimed).containsOnlyKeys("x");
    // A stale leader's claim (30 < 31) raises nothing and loads nothing.
    assertThat(registry.claim(30, section)).isEmpty();
    assertThat(put(31, section, "x", "by-31")).isTrue();
    assertThat(new String(registry.read(section).get("x"), StandardCharsets.UTF_8)).isEqualTo("by-31");
  }

  @Test
  void badInputIsRefusedWithWhatIsAllowed() {
    assertThatThrownBy(() -> registry.put(-1, "roles", "weights", bytes("v")))
        .hasMessageContaining("fence is -1");
    assertThatThrownBy(() -> registry.put(1, "roles", "", bytes("v")))
        .hasMessageContaining("registry key is empty");
    assertThatThrownBy(() -> registry.put(1, "Roles!", "k", bytes("v")))
        .hasMessageContaining("registry section 'Roles!' is invalid");
    assertThatThrownBy(() -> registry.put(1, "leader", "k", bytes("v")))
        .hasMessageContaining("registry section 'leader' is reserved");
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The raw section map, to simulate a write that bypassed the published-token check. */
  static final class IMapAccess {
    static com.hazelcast.map.IMap<String, Registry.Fenced> raw(HazelcastInstance hz, String section) {
      return hz.getMap(Registry.PREFIX + section);
    }
  }
}
