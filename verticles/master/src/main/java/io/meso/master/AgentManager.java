package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.codecs.Addresses;
import io.meso.internal.AgentRegisteredMessage;
import io.meso.internal.AgentReregisteredMessage;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.StatusUpdate;
import io.meso.v1.AgentInfo;
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
      refused(message, registration, info, e.getMessage());
      return false;
    }
  }

  private static void refused(Message<Object> message, com.google.protobuf.Message registration, AgentInfo info,
      String why) {
    LOG.warn("refused agent admission hostname={} agent_id={} message={}: {}", info.getHostname(),
        info.hasId() ? info.getId().getValue() : "(new)", registration.getClass().getSimpleName(), why);
    if (message.replyAddress() != null) {
      message.fail(UNAUTHENTICATED, "agent admission refused: " + why
          + "; the agent's --cluster-secret-file must hold the same secret as the masters'");
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
      LOG.info("all agents re-registered after the failover agents={} in {} ms (from this master's copy of their "
          + "tasks: {}; later attempts answered with an earlier one's: {})", awaitedTotal,
          (System.nanoTime() - awaitedSinceNanos) / 1_000_000, s.metrics.agentsReregisteredFromCopy,
          laterAttemptsAnswered);
    }
  }

  /**
   * Messages on {@link Addresses#MASTER} in arrival order while a re-registration ahead of them is
   * still waiting to be, or being, decoded and prepared on a worker thread: they are handled in
   * that order (an agent's status update must never overtake its re-registration). Empty in
   * steady state.
   */
  private final java.util.ArrayDeque<Turn> turns = new java.util.ArrayDeque<>();
  /** Per agent (its {@link Addresses#AGENT_ID_HEADER}): its re-registration among {@link #turns}. */
  private final Map<String, Turn> queuedByAgent = new java.util.HashMap<>();
  /** The re-registrations among {@link #turns} whose preparation has not started, in order. */
  private final java.util.ArrayDeque<Turn> unprepared = new java.util.ArrayDeque<>();
  /** Preparations started and not yet filed: at most {@link #PREPARING}. */
  private int preparing;
  /**
   * How many re-registrations are decoded ahead of the one being filed. Bounded so that a new
   * leader which receives thousands at once keeps the rest as their wire bytes (a few hundred bytes
   * a task) rather than all decoded at once (a few kilobytes a task: a million tasks filled a 6 GB
   * heap and the young collections took half a second each); enough to keep every core busy.
   */
  static final int PREPARING = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
  /** Turns taken in one go before the event loop sees to its other work. */
  static final int TURNS_AT_ONCE = 256;
  private boolean takeScheduled;
  /** Re-registration requests answered with an earlier attempt's filing (the agent's earlier request timed out). */
  long laterAttemptsAnswered;

  /** One message waiting its turn; {@code undecoded} (then {@code prepared}) only for a re-registration from the wire. */
  private static final class Turn {
    final Message<Object> message;
    final io.meso.codecs.Undecoded<?> undecoded;
    final String agentId;
    io.vertx.core.Future<PreparedReregistration> prepared;
    /** The same agent's later re-registration requests, answered with this one's answer. */
    final List<Message<Object>> laterAttempts = new java.util.ArrayList<>(0);

    /** This message and the later attempts: every request waiting for this turn's answer. */
    List<Message<Object>> requests() {
      if (laterAttempts.isEmpty()) {
        return List.of(message);
      }
      List<Message<Object>> all = new java.util.ArrayList<>(laterAttempts.size() + 1);
      all.add(message);
      all.addAll(laterAttempts);
      return all;
    }

    Turn(Message<Object> message, io.meso.codecs.Undecoded<?> undecoded, String agentId) {
      this.message = message;
      this.undecoded = undecoded;
      this.agentId = agentId;
    }
  }

  /** A re-registration decoded off the event loop, its proof checked and its tasks prepared. */
  private record PreparedReregistration(ReregisterAgentMessage message, String refusal,
      AgentLifecycle.PreparedTasks tasks) {}

  void handle(Message<Object> message) {
    if (message.body() instanceof io.meso.codecs.Undecoded<?> undecoded) {
      // A re-registration from the wire, still bytes: decoded, checked and prepared on a worker
      // (after a failover thousands arrive at once, a million tasks between them).
      String agentId = message.headers().get(Addresses.AGENT_ID_HEADER);
      Turn earlier = agentId == null ? null : queuedByAgent.get(agentId);
      if (earlier != null) {
        // The agent gave up waiting for that one (its request timed out behind the others) and
        // sent this. Filing both would re-admit it twice, and queueing this one last make it wait
        // twice: the earlier one is filed in its place, and its answer goes to this request too.
        // Nothing is lost: until the master files an agent, only the agent's status updates can
        // change what it reports, and those are queued after the earlier attempt. Should the
        // earlier one not be filed (refused, unreadable), this one gets a turn of its own.
        earlier.laterAttempts.add(message);
        laterAttemptsAnswered++;
        return;
      }
      Turn turn = new Turn(message, undecoded, agentId);
      if (agentId != null) {
        queuedByAgent.put(agentId, turn);
      }
      turns.add(turn);
      unprepared.add(turn);
      startPreparations();
      return;
    }
    if (!turns.isEmpty()) {
      turns.add(new Turn(message, null, null));
      return;
    }
    dispatch(message, message.body());
  }

  /**
   * A re-registration by digest ({@link Addresses#MASTER_DIGEST}): a few hundred bytes, so decoded,
   * checked and filed at once on the event loop, ahead of full re-registrations still being
   * prepared (an agent's own later messages follow its answer). One from this JVM (not bytes) goes
   * the way of {@link #handle}.
   */
  void handleDigest(Message<Object> message) {
    if (!(message.body() instanceof io.meso.codecs.Undecoded<?> undecoded)) {
      handle(message);
      return;
    }
    Turn turn = new Turn(message, undecoded, message.headers().get(Addresses.AGENT_ID_HEADER));
    PreparedReregistration prepared;
    try {
      prepared = prepare(undecoded, message.headers().get(io.meso.security.cluster.AgentProof.HEADER));
      if (!prepared.message().hasDigest()) {
        throw new IllegalArgumentException("digest: missing; " + Addresses.MASTER_DIGEST + " takes re-registrations "
            + "by digest only (send one with the tasks to " + Addresses.MASTER + ")");
      }
    } catch (RuntimeException e) {
      s.log("refused agent message: {}", e.getMessage());
      message.fail(400, String.valueOf(e.getMessage()));
      return;
    }
    if (!m.isLeading()) {
      message.fail(503, "this master is no longer the leader; the agent retries with the new one");
      return;
    }
    reregisterPrepared(turn, prepared);
  }

  private void startPreparations() {
    while (preparing < PREPARING && !unprepared.isEmpty()) {
      Turn turn = unprepared.poll();
      String proof = turn.message.headers().get(io.meso.security.cluster.AgentProof.HEADER);
      preparing++;
      turn.prepared = m.vertx().executeBlocking(() -> prepare(turn.undecoded, proof), false);
      turn.prepared.onComplete(done -> takeTurns());
    }
  }

  private PreparedReregistration prepare(io.meso.codecs.Undecoded<?> undecoded, String proof) {
    if (!undecoded.name().equals(ReregisterAgentMessage.getDescriptor().getFullName())) {
      throw new IllegalArgumentException("unexpected message type " + undecoded.name() + " on " + Addresses.MASTER);
    }
    ReregisterAgentMessage reregister = (ReregisterAgentMessage) undecoded.decode();
    if (proofs != null) {
      try {
        // The bytes the agent signed, as it sent them.
        proofs.verify(proof, ReregisterAgentMessage.class.getSimpleName(), undecoded.bytes());
      } catch (io.meso.security.cluster.AgentProof.Refused e) {
        return new PreparedReregistration(reregister, e.getMessage(), null);
      }
    }
    return new PreparedReregistration(reregister, null, AgentLifecycle.prepare(reregister));
  }

  /**
   * Handles the waiting messages in arrival order, up to the first re-registration not prepared
   * yet; after {@value #TURNS_AT_ONCE} it lets the event loop see to its other work first.
   */
  private void takeTurns() {
    int taken = 0;
    while (!turns.isEmpty()) {
      Turn turn = turns.peek();
      if (turn.undecoded != null && (turn.prepared == null || !turn.prepared.isComplete())) {
        break;
      }
      if (taken++ == TURNS_AT_ONCE) {
        if (!takeScheduled) {
          takeScheduled = true;
          m.vertx().runOnContext(v -> {
            takeScheduled = false;
            takeTurns();
          });
        }
        break;
      }
      turns.poll();
      if (turn.prepared != null) {
        preparing--;
      }
      if (turn.agentId != null) {
        queuedByAgent.remove(turn.agentId, turn);
      }
      if (!m.isLeading()) {
        // Deposed while it waited: another master answers the agent's next attempt.
        for (Message<Object> request : turn.requests()) {
          if (request.replyAddress() != null) {
            request.fail(503, "this master is no longer the leader; the agent retries with the new one");
          }
        }
      } else if (turn.undecoded == null) {
        dispatch(turn.message, turn.message.body());
      } else if (turn.prepared.failed()) {
        String why = String.valueOf(turn.prepared.cause().getMessage());
        s.log("refused agent message: {}", why);
        if (turn.message.replyAddress() != null) {
          turn.message.fail(400, why);
        }
        laterAttemptsInTurn(turn);
      } else if (!reregisterPrepared(turn, turn.prepared.result())) {
        laterAttemptsInTurn(turn);
      }
    }
    startPreparations();
  }

  /**
   * Files a prepared re-registration and answers it, and the same agent's later attempts when it
   * was filed. Returns whether it was: an attempt that was refused answers only itself (a forged
   * or broken one must not take a genuine later one down with it).
   */
  private boolean reregisterPrepared(Turn turn, PreparedReregistration prepared) {
    ReregisterAgentMessage reregister = prepared.message();
    if (prepared.refusal() != null) {
      refused(turn.message, reregister, reregister.getAgentInfo(), prepared.refusal());
      return false;
    }
    try {
      AgentReregisteredMessage answer = reregister(reregister, prepared.tasks());
      for (Message<Object> request : turn.requests()) {
        request.reply(answer);
      }
      return true;
    } catch (CallException e) {
      if (turn.message.replyAddress() != null) {
        MasterVerticle.fail(turn.message, e);
      }
      s.log("refused agent message: {}", e.getMessage());
      return false;
    }
  }

  /** The later attempts of a turn that was not filed: the next of them takes the head of the line. */
  private void laterAttemptsInTurn(Turn refused) {
    if (refused.laterAttempts.isEmpty()) {
      return;
    }
    Message<Object> next = refused.laterAttempts.get(0);
    Turn turn = new Turn(next, (io.meso.codecs.Undecoded<?>) next.body(), refused.agentId);
    turn.laterAttempts.addAll(refused.laterAttempts.subList(1, refused.laterAttempts.size()));
    turns.addFirst(turn);
    unprepared.addFirst(turn);
    queuedByAgent.put(refused.agentId, turn);
  }

  private void dispatch(Message<Object> message, Object body) {
    try {
      if (body instanceof RegisterAgentMessage register) {
        if (admitted(message, register, register.getAgentInfo())) {
          register(message, register);
        }
      } else if (body instanceof ReregisterAgentMessage reregister) {
        if (admitted(message, reregister, reregister.getAgentInfo())) {
          message.reply(reregister(reregister, null));
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

  /** {@code prepared}: its tasks {@link AgentLifecycle#prepare prepared} already, or null. */
  private AgentReregisteredMessage reregister(ReregisterAgentMessage reregister,
      AgentLifecycle.PreparedTasks prepared) {
    AgentInfo info = reregister.getAgentInfo();
    if (!info.hasId() || info.getId().getValue().isEmpty()) {
      throw CallException.invalid("agent_info.id is missing; an agent re-registers with the id it was given");
    }
    String id = info.getId().getValue();
    m.goneAgents.refuseIfGone(id);
    Filed earlier = filed.get(id);
    AgentRecord known = s.agents.get(id);
    if (!reregister.getSeries().isEmpty() && earlier != null && earlier.series().equals(reregister.getSeries())
        && earlier.agent() == known && known.status == AgentRecord.Status.ACTIVE) {
      // A later attempt of a re-registration filed already (the agent retried before our answer
      // reached it): what it lists may predate tasks launched since, so it is answered, not filed.
      s.metrics.reregistrationsRepeated++;
      s.logger.debug("re-registration attempt answered as its series' earlier one was agent={} series={}", id,
          reregister.getSeries());
      return earlier.answer();
    }
    Resources total = validateAgentInfo(info);
    boolean fromCopy = reregister.hasDigest(); // (then the tasks are what this master holds, if they match)
    prepared = fromCopy ? DigestReadmission.tasks(s, m.replica, reregister) : prepared;
    AgentLifecycle.Reregistered done = prepared == null ? s.agentLifecycle.reregister(reregister, total)
        : s.agentLifecycle.reregister(reregister, total, prepared, fromCopy);
    reregistered(id, info.getHostname(), prepared == null ? reregister.getTasksCount() : prepared.taskIds().length);
    AgentReregisteredMessage answer = AgentReregisteredMessage.newBuilder()
        .setAgentId(info.getId())
        .setMasterInfo(s.masterInfo)
        .setPingIntervalSeconds(m.options.getAgentPingIntervalMillis() / 1000.0)
        .setPingTimeoutSeconds(m.options.getAgentPingIntervalMillis() * m.options.getMaxAgentPingTimeouts() / 1000.0)
        .addAllKillTaskIds(done.kill())
        .addAllKillTasks(done.killTasks())
        .addAllReconciliations(done.reconciliations())
        .build();
    if (reregister.getSeries().isEmpty()) {
      filed.remove(id);
    } else {
      filed.put(id, new Filed(reregister.getSeries(), done.agent(), answer));
    }
    return answer;
  }

  /**
   * The last re-registration filed for an agent: its series, the record it filed, and the answer.
   * A later attempt of that series is answered the same while the record is still the agent's
   * and active (not after the agent was marked unreachable or removed).
   */
  private record Filed(String series, AgentRecord agent, AgentReregisteredMessage answer) {}

  /** Per agent, the last re-registration filed (by this master, this term). */
  private final Map<String, Filed> filed = new java.util.HashMap<>();
}
