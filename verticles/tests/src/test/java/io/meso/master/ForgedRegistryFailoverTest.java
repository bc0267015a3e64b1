package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.meso.allocator.Resources;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.ha.Registry;
import io.meso.security.cluster.ClusterSecret;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkInfo;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A stranger that joined the Hazelcast cluster (it learnt the cluster name, not the secret) writes
 * a forged agent and a forged framework straight into the registry's maps through the Hazelcast
 * API. The next leader, on a node started with the cluster secret, adopts only what the previous
 * leader wrote and logs each forged value as an ERROR naming its section and key.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ForgedRegistryFailoverTest {

  @RegisterExtension
  final OneNodeFailover failover = new OneNodeFailover();
  HazelcastInstance stranger;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  /** Registry's ERRORs and the master's "leading master" line. */
  final Logger registryLog = (Logger) LoggerFactory.getLogger("io.meso");

  @AfterEach
  void stop() {
    registryLog.detachAppender(logs);
    if (stranger != null) {
      stranger.getLifecycleService().terminate();
    }
  }

  static AgentInfo agent(String id) {
    return AgentInfo.newBuilder().setHostname(id + ".test").setId(AgentID.newBuilder().setValue(id))
        .addAllResources(Resources.parse("cpus:2;mem:1024").toProto()).build();
  }

  @Test
  void theNextLeaderDoesNotAdoptForgedAgentsOrFrameworks() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    ClusterOptions options = ClusterOptions.loopbackForTest().setClusterSecret(ClusterSecret.of(secret, "test"));
    failover.start(options);
    failover.leftByPreviousLeader(agent("genuine"), "ACTIVE");

    stranger = Hazelcast.newHazelcastInstance(MesoCluster.hazelcastConfig(ClusterOptions.loopbackForTest()
        .setClusterName(options.effectiveClusterName()).setLiteMember(true)
        .setJoin(List.of("127.0.0.1:" + MesoCluster.memberPort(failover.node)))));
    assertThat(MesoCluster.hazelcast(failover.node).getCluster().getMembers()).hasSize(2);
    stranger.<String, Registry.Fenced>getMap("meso.registry." + Registry.AGENTS).set("forged",
        new Registry.Fenced(0, RegistryEntries.encode(agent("forged").toByteArray(), "ACTIVE")));
    stranger.<String, Registry.Fenced>getMap("meso.registry." + Registry.FRAMEWORKS).set("forged-fw",
        new Registry.Fenced(0, RegistryEntries.encode(FrameworkInfo.newBuilder().setName("evil").setUser("root")
            .build().toByteArray(), "meso.forged")));

    logs.start();
    registryLog.addAppender(logs);
    MasterVerticle master = failover.elect(new MasterOptions(), 60_000);

    assertThat(master.agentManager.awaitedCount()).as("agents the new leader awaits").isEqualTo(1);
    List<String> errors = logs.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(errors).anyMatch(m -> m.contains("section=agents key=forged"))
        .anyMatch(m -> m.contains("section=frameworks key=forged-fw"))
        .noneMatch(m -> m.contains("key=genuine"));
    assertThat(logs.list).map(ILoggingEvent::getFormattedMessage).filteredOn(m -> m.startsWith("leading master"))
        .singleElement().asString().contains("frameworks=0 agents_expected=1");
  }
}
