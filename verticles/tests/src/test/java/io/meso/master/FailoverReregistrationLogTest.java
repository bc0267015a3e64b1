package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.meso.allocator.Resources;
import io.meso.codecs.Addresses;
import io.meso.internal.AgentReregisteredMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A new leader expects the agents a previous leader admitted (not those it recorded unreachable)
 * to re-register: their re-registrations are logged at DEBUG and summed up in one INFO line once
 * the last of them is back; an agent it did not expect is logged at INFO as before.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FailoverReregistrationLogTest {

  @RegisterExtension
  final OneNodeFailover failover = new OneNodeFailover();
  Vertx node;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger agentManagerLog = (Logger) LoggerFactory.getLogger(AgentManager.class);
  final Logger masterLog = (Logger) LoggerFactory.getLogger(MasterVerticle.class);
  Level agentManagerLevel;

  @AfterEach
  void stop() throws Exception {
    agentManagerLog.detachAppender(logs);
    masterLog.detachAppender(logs);
    agentManagerLog.setLevel(agentManagerLevel);
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
    failover.start();
    node = failover.node;
    // What a previous leader (token 0) left: two admitted agents and one it recorded unreachable.
    for (String[] e : new String[][] {{"a1", "ACTIVE"}, {"a2", "ACTIVE"}, {"gone", "UNREACHABLE"}}) {
      failover.leftByPreviousLeader(agent(e[0]), e[1]);
    }
    failover.elect(new MasterOptions(), 60_000);

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

  /**
   * Re-registrations still arriving when the timeout passes (as at thousands of agents, queued
   * behind the election) keep the window open: none of those agents is ever recorded unreachable,
   * while one that never comes is, once they stop.
   */
  @Test
  void theWindowStaysOpenWhileAgentsAreStillComingBack() throws Exception {
    logs.start();
    agentManagerLog.addAppender(logs);
    failover.start();
    node = failover.node;
    int coming = 60;
    for (int i = 0; i < coming; i++) {
      failover.leftByPreviousLeader(agent("slow" + i), "ACTIVE");
    }
    failover.leftByPreviousLeader(agent("never"), "ACTIVE");
    // Every label the registry gives each agent, in order.
    java.util.Map<String, List<String>> labels = new java.util.concurrent.ConcurrentHashMap<>();
    io.meso.cluster.MesoCluster.hazelcast(node).<String, io.meso.ha.Registry.Fenced>getMap(
        "meso.registry." + io.meso.ha.Registry.AGENTS).addEntryListener(
        (com.hazelcast.map.listener.EntryUpdatedListener<String, io.meso.ha.Registry.Fenced>) e ->
            labels.computeIfAbsent(e.getKey(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(RegistryEntries.decode(e.getValue().value()).label()), true);
    long timeoutMillis = 5_000;
    failover.elect(new MasterOptions(), timeoutMillis);
    long elected = System.nanoTime();

    // One agent back every 100 ms or so (each well within the quiet period of a fifth of the
    // timeout, 1 s, after the last), so the last comes a second after the timeout.
    for (int i = 0; i < coming; i++) {
      int n = i;
      await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(5))
          .until(() -> System.nanoTime() - elected >= (n + 1) * 100_000_000L);
      reregister("slow" + n);
    }
    assertThat((System.nanoTime() - elected) / 1_000_000).as("the last came after the timeout")
        .isGreaterThan(timeoutMillis);
    await().atMost(java.time.Duration.ofSeconds(30)).until(() -> labels.getOrDefault("never", List.of())
        .contains("UNREACHABLE"));
    for (int i = 0; i < coming; i++) {
      assertThat(labels.getOrDefault("slow" + i, List.of())).as("labels of slow" + i).doesNotContain("UNREACHABLE");
    }
    assertThat(lines(Level.INFO, "agents still re-registering")).hasSize(1);
    assertThat(lines(Level.WARN, "agents re-registered after the failover: 60 of 61")).hasSize(1);
  }
}
