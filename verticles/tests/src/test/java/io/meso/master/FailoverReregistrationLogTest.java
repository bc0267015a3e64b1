package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.meso.allocator.Resources;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.ha.LeaderElection;
import io.meso.ha.Registry;
import io.meso.ha.RegistryEntries;
import io.meso.internal.AgentReregisteredMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.it.FrameworkRecorder;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A new leader expects the agents a previous leader admitted (not those it recorded unreachable)
 * to re-register: their re-registrations are logged at DEBUG and summed up in one INFO line once
 * the last of them is back; an agent it did not expect is logged at INFO as before.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FailoverReregistrationLogTest {

  Vertx node;
  LeaderElection election;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger agentManagerLog = (Logger) LoggerFactory.getLogger(AgentManager.class);
  final Logger masterLog = (Logger) LoggerFactory.getLogger(MasterVerticle.class);
  Level agentManagerLevel;

  @AfterEach
  void stop() throws Exception {
    agentManagerLog.detachAppender(logs);
    masterLog.detachAppender(logs);
    agentManagerLog.setLevel(agentManagerLevel);
    if (election != null) {
      election.close();
    }
    if (node != null) {
      node.close().await(60, TimeUnit.SECONDS);
    }
  }

  static AgentInfo agent(String id) {
    return AgentInfo.newBuilder().setHostname(id + ".test").setId(AgentID.newBuilder().setValue(id))
        .addAllResources(Resources.parse("cpus:2;mem:1024").toProto()).build();
  }

  List<String> lines(Level level, String containing) {
    return logs.list.stream().filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(containing))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  void reregister(String id) throws Exception {
    Object reply = node.eventBus().request(Addresses.MASTER, ReregisterAgentMessage.newBuilder()
        .setAgentInfo(agent(id)).build()).await(30, TimeUnit.SECONDS).body();
    assertThat(reply).isInstanceOf(AgentReregisteredMessage.class);
  }

  @Test
  void expectedAgentsAreSummedUpOnceTheLastIsBack() throws Exception {
    agentManagerLevel = agentManagerLog.getLevel();
    agentManagerLog.setLevel(Level.DEBUG);
    logs.start();
    agentManagerLog.addAppender(logs);
    masterLog.addAppender(logs);
    node = MesoCluster.start(ClusterOptions.loopbackForTest()).await(60, TimeUnit.SECONDS);
    Registry registry = new Registry(MesoCluster.hazelcast(node));
    // What a previous leader (token 0) left: two admitted agents and one it recorded unreachable.
    for (String[] e : new String[][] {{"a1", "ACTIVE"}, {"a2", "ACTIVE"}, {"gone", "UNREACHABLE"}}) {
      assertThat(registry.put(0, Registry.AGENTS, e[0], RegistryEntries.encode(agent(e[0]).toByteArray(), e[1]))
          .toCompletableFuture().get(30, TimeUnit.SECONDS)).isTrue();
    }
    MasterVerticle master = new MasterVerticle(new MasterOptions()).standby(registry, why -> { })
        .setReregisterTimeoutMillis(60_000);
    node.deployVerticle(master).await(30, TimeUnit.SECONDS);
    election = new LeaderElection(MesoCluster.hazelcast(node), master.masterId(), "127.0.0.1:7100",
        new LeaderElection.Listener() {
          @Override
          public void elected(long fence) {
            master.lead(fence);
          }

          @Override
          public void deposed(String why) {
            master.stepDown(why);
          }
        }).start();
    await().atMost(FrameworkRecorder.TIMEOUT).until(master::isLeading);

    reregister("a1");
    assertThat(lines(Level.DEBUG, "agent re-registered agent=a1")).hasSize(1);
    assertThat(lines(Level.INFO, "all agents re-registered")).isEmpty();
    reregister("a2");
    assertThat(lines(Level.DEBUG, "agent re-registered agent=a2")).hasSize(1);
    assertThat(lines(Level.INFO, "all agents re-registered after the failover agents=2")).hasSize(1);
    // Neither an agent it did not expect, nor one coming back again, is part of the failover.
    reregister("a3");
    reregister("a1");
    assertThat(lines(Level.INFO, "agent re-registered agent=a3")).hasSize(1);
    assertThat(lines(Level.INFO, "agent re-registered agent=a1")).hasSize(1);
    assertThat(lines(Level.INFO, "all agents re-registered")).hasSize(1);
    assertThat(lines(Level.INFO, "agent re-registered agent=a2")).isEmpty();
  }
}
