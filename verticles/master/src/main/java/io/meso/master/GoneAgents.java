package io.meso.master;

import io.meso.proto.MarkAgentGoneRequest;
import io.meso.proto.MarkAgentGoneResponse;
import io.meso.ha.Registry;
import io.meso.v1.TimeInfo;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents an operator marked gone (Mesos' MARK_AGENT_GONE): removed for good, never admitted
 * again under their id. Kept in the HA registry section {@link Registry#GONE} (agent id to the
 * time it was marked, a TimeInfo); an operator call is validated, written there first and only
 * then applied, so a failed write fails the call (503) and changes nothing. Applying rescinds
 * the agent's offers, removes it from the allocator and the agents, ends each of its
 * non-terminal tasks TASK_GONE_BY_OPERATOR (TASK_LOST for frameworks that are not
 * partition-aware) with REASON_AGENT_REMOVED_BY_OPERATOR, publishes AGENT_REMOVED and tells the
 * agent to shut down ({@link AgentLifecycle#markGone}). A new leader restores the section before it
 * serves. Lives on the master's event loop.
 */
final class GoneAgents {

  private static final Logger LOG = LoggerFactory.getLogger(GoneAgents.class);
  /** The failure code a gone agent's (re-)registration is refused with ("Gone"). */
  static final int GONE_CODE = 410;

  private final MasterVerticle m;
  /** Agent id to when it was marked gone (seconds since the epoch): the state's. */
  private final Map<String, Double> gone;
  /** Agents whose mark is being written to the registry. */
  private final Set<String> marking = new HashSet<>();

  GoneAgents(MasterVerticle master) {
    this.m = master;
    this.gone = master.state.goneAgents;
  }

  boolean isGone(String agentId) {
    return m.state.isGone(agentId);
  }

  /** The registry value of a mark: when it was made. */
  static byte[] encode(double markedAtSeconds) {
    return TimeInfo.newBuilder().setNanoseconds((long) (markedAtSeconds * 1e9)).build().toByteArray();
  }

  /** Loads what a previous leader stored (an unreadable entry still counts as gone: the id stays refused). */
  void restore(Map<String, byte[]> entries) {
    if (entries == null) {
      return;
    }
    entries.forEach((id, value) -> {
      double at;
      try {
        at = TimeInfo.parseFrom(value).getNanoseconds() / 1e9;
      } catch (com.google.protobuf.InvalidProtocolBufferException | RuntimeException e) {
        LOG.error("registry entry gone/{} is unreadable ({}); the agent is still treated as gone", id, e.getMessage());
        at = 0;
      }
      gone.put(id, at);
    });
    if (!gone.isEmpty()) {
      LOG.info("restored from the registry gone_agents={}", gone.size());
    }
  }

  /** The registry's agents section without the agents marked gone (a new leader does not await those). */
  Map<String, byte[]> without(Map<String, byte[]> agentEntries) {
    if (gone.isEmpty()) {
      return agentEntries;
    }
    Map<String, byte[]> out = new LinkedHashMap<>(agentEntries);
    out.keySet().removeAll(gone.keySet());
    return out;
  }

  /**
   * Refuses the (re-)registration of an agent marked gone: with {@link #GONE_CODE} for good, or
   * with 503 while its mark is being written (if the write fails, the agent may come back).
   */
  void refuseIfGone(String agentId) {
    if (agentId == null || agentId.isEmpty()) {
      return;
    }
    Double at = gone.get(agentId);
    if (at != null) {
      throw new CallException(GONE_CODE, "agent '" + agentId + "' was marked gone by the operator"
          + (at > 0 ? " at " + java.time.Instant.ofEpochMilli((long) (at * 1000)) : "")
          + " (MARK_AGENT_GONE) and can never register again under this id; its tasks were ended "
          + "TASK_GONE_BY_OPERATOR. The agent forgets this identity and stops; started again it joins as a new agent");
    }
    if (marking.contains(agentId)) {
      throw new CallException(503, "agent '" + agentId + "' is being marked gone by the operator; retry later");
    }
  }

  /** Operator action "MarkAgentGone": validate, write the registry, then apply. */
  void mark(Message<Object> message, MarkAgentGoneRequest request, String principal) {
    String id = validate(request);
    m.authz.checkAgent(principal, io.meso.security.acl.AclAction.MARK_AGENTS_GONE, m.state.agents.get(id), id);
    if (gone.containsKey(id)) {
      message.reply(MarkAgentGoneResponse.getDefaultInstance());
      return;
    }
    m.policies.change(() -> {
      if (gone.containsKey(id)) {
        return Future.succeededFuture(MarkAgentGoneResponse.getDefaultInstance());
      }
      double at = Tasks.nowSeconds();
      marking.add(id);
      return m.persist(Registry.GONE, id, encode(at))
          .map(v -> {
            apply(id, at);
            return MarkAgentGoneResponse.getDefaultInstance();
          })
          .onComplete(ar -> marking.remove(id));
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else if (ar.cause() instanceof CallException e) {
        MasterVerticle.fail(message, e);
      } else {
        LOG.warn("marking agent={} gone failed", id, ar.cause());
        message.fail(500, "marking agent '" + id + "' gone failed: " + ar.cause());
      }
    });
  }

  /** The agent id of a valid request (one this master admitted), or a CallException naming the problem. */
  private String validate(MarkAgentGoneRequest request) {
    if (!request.hasAgentId()) {
      throw CallException.invalid("agent_id is missing; name the agent to mark gone, e.g. {\"agent_id\":{\"value\":"
          + "\"<id>\"}} (GET_AGENTS lists the agents)");
    }
    String id = request.getAgentId().getValue();
    if (id.isEmpty()) {
      throw CallException.invalid("agent_id.value is empty; expected the id of an agent (GET_AGENTS lists them)");
    }
    if (!gone.containsKey(id) && !m.state.agents.containsKey(id) && !m.state.recoveringAgents.contains(id)
        && !m.state.unreachableAgents.containsKey(id)) {
      throw CallException.notFound("agent_id '" + id + "' is not an agent this master knows (neither registered, "
          + "unreachable nor awaited after a failover); nothing was marked gone");
    }
    return id;
  }

  /** The mark is stored: remove the agent (no longer awaited nor draining) and end its tasks. */
  private void apply(String id, double at) {
    m.agentManager.notAwaited(id);
    if (m.policies.draining().contains(id)) {
      // Gone for good: no longer under maintenance either.
      m.policies.setDraining(id, false);
      m.allocator.setDraining(id, false);
      m.persist(Registry.MAINTENANCE, id, null).onFailure(e -> LOG.warn("could not remove maintenance/{} of the gone "
          + "agent from the registry: {}", id, e.getMessage()));
    }
    AgentRecord agent = m.state.agents.get(id);
    int ended = m.state.agentLifecycle.markGone(id, at);
    LOG.info("agent marked gone by the operator agent={} hostname={} tasks_ended={}", id,
        agent == null ? "?" : agent.hostname(), ended);
  }
}
