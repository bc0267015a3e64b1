package io.meso.master;

import io.meso.codecs.Addresses;
import io.meso.internal.PingAgentMessage;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;

/**
 * The master's ping loop: every active agent is pinged each interval; after too many missed
 * pongs in a row it is marked unreachable. Pongs also carry what an agent says about its
 * readiness. On the master's event loop.
 */
final class AgentPings {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AgentManager.class);

  private final MasterVerticle m;
  private final MasterState s;

  AgentPings(MasterVerticle master) {
    this.m = master;
    this.s = master.state;
  }

  /** Pings every active agent; after too many missed pongs an agent is marked unreachable. */
  void pingAgents() {
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(m.options.getAgentPingIntervalMillis());
    PingAgentMessage ping = PingAgentMessage.newBuilder().setConnected(true).build();
    for (AgentRecord agent : List.copyOf(s.agents.values())) {
      if (agent.status != AgentRecord.Status.ACTIVE || agent.pingInFlight) {
        continue;
      }
      agent.pingInFlight = true;
      m.bus.request(Addresses.agent(agent.id), ping, opts).onComplete(ar -> {
        agent.pingInFlight = false;
        if (s.agents.get(agent.id) != agent || agent.status != AgentRecord.Status.ACTIVE) {
          return;
        }
        if (ar.succeeded()) {
          agent.missedPings = 0;
          notReady(agent, ar.result().body() instanceof io.meso.internal.PongAgentMessage pong
              && pong.hasNotReadyReason() ? pong.getNotReadyReason() : null);
        } else if (++agent.missedPings >= m.options.getMaxAgentPingTimeouts()) {
          s.agentLifecycle.markUnreachable(agent, "it did not answer " + agent.missedPings + " pings in a row ("
              + ar.cause().getMessage() + ")");
        }
      });
    }
  }

  /** Records (and logs when it changes) what an agent says about its readiness in its pongs. */
  private static void notReady(AgentRecord agent, String reason) {
    if (java.util.Objects.equals(reason, agent.notReadyReason)) {
      return;
    }
    if (reason != null) {
      LOG.warn("agent reports it is not ready agent_id={} reason={}", agent.id, reason);
    } else {
      LOG.info("agent reports it is ready again agent_id={}", agent.id);
    }
    agent.notReadyReason = reason;
  }
}
