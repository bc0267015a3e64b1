package io.meso.ha;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the registry and the election put in Hazelcast goes through Meso's serializers (not Java
 * serialization), and comes back equal.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegistrySerializersTest {

  static HazelcastInstance hazelcast;
  static SerializationService serialization;

  @BeforeAll
  static void start() {
    hazelcast = Hazelcast.newHazelcastInstance(MesoCluster.hazelcastConfig(ClusterOptions.loopbackForTest()));
    serialization = ((SerializationServiceSupport) hazelcast).getSerializationService();
  }

  @AfterAll
  static void stop() {
    hazelcast.shutdown();
  }

  private <T> T roundTrip(Object value, int expectedTypeId) {
    Data data = serialization.toData(value);
    assertThat(data.getType()).as("serializer type id of %s", value.getClass().getSimpleName())
        .isEqualTo(expectedTypeId);
    return serialization.toObject(data);
  }

  @Test
  void fencedValuesLeaderRecordsAndEntryProcessorsUseMesosSerializers() {
    byte[] bytes = "agent-info".getBytes(StandardCharsets.UTF_8);
    Registry.Fenced fenced = roundTrip(new Registry.Fenced(42, bytes), RegistrySerializers.FENCED);
    assertThat(fenced.fence()).isEqualTo(42);
    assertThat(fenced.value()).isEqualTo(bytes);

    Registry.FencedPut put = roundTrip(new Registry.FencedPut(7, bytes, true, 5), RegistrySerializers.FENCED_PUT);
    assertThat(put.fence).isEqualTo(7);
    assertThat(put.value).isEqualTo(bytes);
    assertThat(put.claimOnly).isTrue();
    assertThat(put.floor).isEqualTo(5);
    Registry.FencedPut remove = roundTrip(new Registry.FencedPut(8, null), RegistrySerializers.FENCED_PUT);
    assertThat(remove.value).isNull();

    Registry.RaiseTo raise = roundTrip(new Registry.RaiseTo(99), RegistrySerializers.RAISE_TO);
    assertThat(raise.fence).isEqualTo(99);

    LeaderElection.LeaderRecord leader = roundTrip(new LeaderElection.LeaderRecord("127.0.0.1:5050", "m1", 3),
        RegistrySerializers.LEADER_RECORD);
    assertThat(leader).isEqualTo(new LeaderElection.LeaderRecord("127.0.0.1:5050", "m1", 3));
  }

  @Test
  void aClaimHandsBackWhatItRaisedInOnePass() {
    Registry registry = new Registry(hazelcast);
    registry.put(10, "serializers-test", "a", "one".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
    registry.put(10, "serializers-test", "b", "two".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
    var claimed = registry.claim(11, "serializers-test");
    assertThat(claimed).containsOnlyKeys("a", "b");
    assertThat(new String(claimed.get("b"), StandardCharsets.UTF_8)).isEqualTo("two");
    // Raised: the old token can no longer write.
    assertThat(registry.put(10, "serializers-test", "a", new byte[] {1}).toCompletableFuture().join()).isFalse();
  }
}
