package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.codecs.Addresses;
import io.meso.internal.AgentRegisteredMessage;
import io.meso.internal.AgentReregisteredMessage;
import io.meso.internal.PingAgentMessage;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.StatusUpdate;
import io.meso.v1.AgentInfo;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.Map;

/**
 * The master's side of the agent protocol: validates registrations, re-registrations and status
 * updates and hands them to the {@link MasterState} ({@link AgentLifecycle}, {@link Launches}),
 * replies to the agent, tracks the agents a new leader awaits after a failover, and runs the
 * ping loop that has silent agents marked unreachable.
 */
final class AgentManager {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AgentManager.class);

  private final MasterVerticle m;
  private final MasterState s;
  /** After a failover: agents admitted before it that have not re-registered yet (see {@link #expectReregistrations}). */
  private final java.util.Set<String> awaited = new java.util.HashSet<>();
  private int awaitedTotal;
  private long awaitedSinceNanos;
  /** When the last awaited agent re-registered (0: none yet), and whether the window was extended for it. */
  private long lastArrivalNanos;
  private boolean windowExtended;

  /** Checks agents' proofs of the cluster secret; null when no secret is configured (every agent is admitted). */
  private final io.meso.security.cluster.AgentProof.Verifier proofs;

  AgentManager(MasterVerticle master) {
    this.m = master;
    this.s = master.state;
    io.meso.security.cluster.ClusterSecret secret = master.options.getClusterSecret();
    this.proofs = secret == null ? null : new io.meso.security.cluster.AgentProof.Verifier(secret,
        master.options.getAgentProofWindowMillis(), System::currentTimeMillis);
  }

  /**
   * With a cluster secret, admits a (re-)registration only with a valid proof of it (see {@link
   * io.meso.security.cluster.AgentProof}); otherwise fails the message with 401 and logs the
   * agent's host and why, never the proof. Returns whether the registration may proceed.
   */
  private boolean admitted(Message<Object> message, com.google.protobuf.Message registration, AgentInfo info) {
    if (proofs == null) {
      return true;
    }
    try {
      proofs.verify(message.headers().get(io.meso.security.cluster.AgentProof.HEADER),
          registration.getClass().getSimpleName(), registration.toByteArray());
      return true;
    } catch (io.meso.security.cluster.AgentProof.Refused e) {
      LOG.warn("refused agent admission hostname={} agent_id={} message={}: {}", info.getHostname(),
          info.hasId() ? info.getId().getValue() : "(new)", registration.getClass().getSimpleName(), e.getMessage());
      if (message.replyAddress() != null) {
        message.fail(UNAUTHENTICATED, "agent admission refused: " + e.getMessage()
            + "; the agent's --cluster-secret-file must hold the same secret as the masters'");
      }
      return false;
    }
  }

  /** The failure code of a registration without a valid proof of the cluster secret (as HTTP 401). */
  static final int UNAUTHENTICATED = 401;

  /**
   * A new leader expects the agents admitted before the failover ({@code entries}: the registry's
   * agents section; those recorded UNREACHABLE are not expected) to re-register all at once.
   * Their re-registrations are logged at DEBUG, one line per agent being too much at thousands of
   * agents, and summed up in one INFO line when the last of them re-registered. The window closes
   * {@code timeoutMillis} after this call, or later while they are still coming (none for a fifth
   * of the timeout closes it: at thousands of agents their re-registrations queue up behind the
   * election, and one read after the timeout was sent well within it); then {@code closed} runs.
   */
  void expectReregistrations(Map<String, byte[]> entries, long timeoutMillis, Runnable closed) {
    entries.forEach((id, value) -> {
      String status;
      try {
        status = io.meso.master.RegistryEntries.decode(value).label();
      } catch (IllegalArgumentException e) {
        status = "";
      }
      if (!"UNREACHABLE".equals(status)) {
        awaited.add(id);
      }
    });
    awaitedTotal = awaited.size();
    awaitedSinceNanos = System.nanoTime();
    lastArrivalNanos = 0;
    long quietMillis = Math.max(1, timeoutMillis / 5);
    closeWindow(timeoutMillis, timeoutMillis, quietMillis, closed);
  }

  /**
   * At {@code delayMillis} from now: if an awaited agent re-registered within the last {@code
   * quietMillis} (the master is still working through re-registrations that queued up behind
   * the election), looks again once that much has passed since it; else closes the window: the
   * agents not back are no longer awaited and {@code closed} runs. Bounded: each extension needs
   * another awaited agent back, so the window is at most the timeout plus one quiet period per
   * awaited agent.
   */
  private void closeWindow(long delayMillis, long timeoutMillis, long quietMillis, Runnable closed) {
    m.vertx().setTimer(Math.max(1, delayMillis), t -> {
      long now = System.nanoTime();
      long sinceArrivalMillis = (now - lastArrivalNanos) / 1_000_000;
      if (!awaited.isEmpty() && lastArrivalNanos != 0 && sinceArrivalMillis < quietMillis) {
        if (!windowExtended) {
          windowExtended = true;
          LOG.info("agents still re-registering {} ms after the failover ({} of {} back): the re-register window "
              + "stays open until none has come for {} ms", (now - awaitedSinceNanos) / 1_000_000,
              awaitedTotal - awaited.size(), awaitedTotal, quietMillis);
        }
        closeWindow(quietMillis - sinceArrivalMillis, timeoutMillis, quietMillis, closed);
        return;
      }
      windowExtended = false;
      long elapsedMillis = (now - awaitedSinceNanos) / 1_000_000;
      if (!awaited.isEmpty()) {
        LOG.warn("agents re-registered after the failover: {} of {} within {} ms (timeout {} ms)",
            awaitedTotal - awaited.size(), awaitedTotal, elapsedMillis, timeoutMillis);
        awaited.clear();
      }
      closed.run();
    });
  }

  /**
   * An agent awaited after a failover will not come back (an operator marked it gone): it no
   * longer counts toward "all agents re-registered".
   */
  void notAwaited(String id) {
    if (awaited.remove(id)) {
      awaitedTotal--;
      if (awaited.isEmpty()) {
        LOG.info("all agents re-registered after the failover agents={} in {} ms", awaitedTotal,
            (System.nanoTime() - awaitedSinceNanos) / 1_000_000);
      }
    }
  }

  /** Agents admitted before the failover and still awaited (for tests and the log). */
  int awaitedCount() {
    return awaited.size();
  }

  private void reregistered(String id, String hostname, int tasks) {
    if (!awaited.remove(id)) {
      s.log("agent re-registered agent={} hostname={} tasks={}", id, hostname, tasks);
      return;
    }
    lastArrivalNanos = System.nanoTime();
    LOG.debug("agent re-registered agent={} hostname={} tasks={}", id, hostname, tasks);
    if (awaited.isEmpty()) {
      LOG.info("all agents re-registered after the failover agents={} in {} ms", awaitedTotal,
          (System.nanoTime() - awaitedSinceNanos) / 1_000_000);
    }
  }

  void handle(Message<Object> message) {
    Object body = message.body();
    try {
      if (body instanceof RegisterAgentMessage register) {
        if (admitted(message, register, register.getAgentInfo())) {
          register(message, register);
        }
      } else if (body instanceof ReregisterAgentMessage reregister) {
        if (admitted(message, reregister, reregister.getAgentInfo())) {
          reregister(message, reregister);
        }
      } else if (body instanceof StatusUpdate update) {
        s.launches.statusUpdate(update);
      } else {
        String type = body == null ? "null" : body.getClass().getSimpleName();
        s.log("ignoring unexpected message on {} type={}", Addresses.MASTER, type);
        if (message.replyAddress() != null) {
          message.fail(400, "unexpected message type " + type + " on " + Addresses.MASTER);
        }
      }
    } catch (CallException e) {
      if (message.replyAddress() != null) {
        MasterVerticle.fail(message, e);
      }
      s.log("refused agent message: {}", e.getMessage());
    }
  }

  // ---- registration --------------------------------------------------------------------

  private Resources validateAgentInfo(AgentInfo info) {
    if (!info.hasHostname() || info.getHostname().isBlank()) {
      throw CallException.invalid("agent_info.hostname is missing; the agent must say which host it runs on");
    }
    try {
      return Resources.fromProto(info.getResourcesList());
    } catch (IllegalArgumentException e) {
      throw CallException.invalid("agent_info.resources: " + e.getMessage());
    }
  }

  private void register(Message<Object> message, RegisterAgentMessage register) {
    AgentInfo info = register.getAgentInfo();
    Resources total = validateAgentInfo(info);
    String id = info.hasId() && !info.getId().getValue().isEmpty() ? info.getId().getValue() : s.newAgentId();
    m.goneAgents.refuseIfGone(id);
    AgentRecord agent = s.agentLifecycle.register(id, info, total);
    message.reply(AgentRegisteredMessage.newBuilder()
        .setAgentId(agent.info.getId())
        .setMasterInfo(s.masterInfo)
        .setPingIntervalSeconds(m.options.getAgentPingIntervalMillis() / 1000.0)
        .setPingTimeoutSeconds(m.options.getAgentPingIntervalMillis() * m.options.getMaxAgentPingTimeouts() / 1000.0)
        .build());
  }

  private void reregister(Message<Object> message, ReregisterAgentMessage reregister) {
    AgentInfo info = reregister.getAgentInfo();
    if (!info.hasId() || info.getId().getValue().isEmpty()) {
      throw CallException.invalid("agent_info.id is missing; an agent re-registers with the id it was given");
    }
    String id = info.getId().getValue();
    m.goneAgents.refuseIfGone(id);
    AgentLifecycle.Reregistered done = s.agentLifecycle.reregister(reregister, validateAgentInfo(info));
    reregistered(id, info.getHostname(), reregister.getTasksCount());
    message.reply(AgentReregisteredMessage.newBuilder()
        .setAgentId(info.getId())
        .setMasterInfo(s.masterInfo)
        .setPingIntervalSeconds(m.options.getAgentPingIntervalMillis() / 1000.0)
        .setPingTimeoutSeconds(m.options.getAgentPingIntervalMillis() * m.options.getMaxAgentPingTimeouts() / 1000.0)
        .addAllKillTaskIds(done.kill())
        .addAllKillTasks(done.killTasks())
        .build());
  }

  // ---- health --------------------------------------------------------------------------

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
