package io.meso.master;

import io.meso.codecs.Addresses;
import io.meso.internal.ReplicaBatch;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-bus side of the standbys' copy of the leader's tasks: a standby keeps its {@link
 * Replica} from the leader's batches ({@link Addresses#MASTER_REPLICA}) and asks for a copy of
 * everything when it has none ({@link Addresses#MASTER_REPLICA_SNAPSHOT}); once elected it stops
 * listening and publishes its own {@link ReplicaFeed} every {@value #INTERVAL_MILLIS} ms, and
 * sends the copy of everything to a standby that asks. Only for a master that is a standby
 * (HA); confined to the master's event loop.
 */
final class Replication {

  /** The master's lines keep the category they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(MasterVerticle.class);

  /** How often a leader with standbys publishes the changes to its tasks. */
  static final long INTERVAL_MILLIS = 100;
  /** Agents per part of a copy of everything: a few hundred kilobytes at 200 tasks an agent. */
  static final int SNAPSHOT_AGENTS_AT_ONCE = 20;

  private final MasterVerticle m;
  private MessageConsumer<ReplicaBatch> batches;
  private MessageConsumer<ReplicaBatch> parts;

  Replication(MasterVerticle master) {
    this.m = master;
  }

  /** A standby starts listening (its consumers go into {@code consumers}, for the verticle's stop). */
  void standby(List<MessageConsumer<?>> consumers) {
    batches = m.bus.consumer(Addresses.MASTER_REPLICA, msg -> m.replica.apply(msg.body()));
    consumers.add(batches);
    // The parts of a copy of everything this standby asked the leader for.
    parts = m.bus.consumer(snapshotAddress(), msg -> {
      if (batches != null) {
        m.replica.apply(msg.body());
      }
      msg.reply(Boolean.TRUE); // the leader sends the next part then
    });
    consumers.add(parts);
    // A leader elected while this standby's copy is empty (it started before any): ask it.
    consumers.add(m.bus.consumer(Addresses.MASTER_ELECTED, msg -> {
      if (m.replica.isEmpty()) {
        requestSnapshot("a new leader was elected at " + msg.body());
      }
    }));
    m.replica.onDropped(() -> requestSnapshot("a batch of the leader's changes never arrived"));
    m.vertx().setPeriodic(INTERVAL_MILLIS, id -> publish());
  }

  /**
   * Once listening (the leader's batches and the parts of a copy: a part sent before the cluster
   * knows where to would be lost), asks the leader (if any) for the copy of everything.
   */
  Future<Void> started() {
    return Future.all(batches.completion(), parts.completion()).<Void>mapEmpty()
        .onSuccess(v -> requestSnapshot("this master started"));
  }

  /**
   * Elected: the copy of the old leader's tasks is no longer fed (it is what agents re-register
   * against now), and this master feeds its own standbys from now on, under {@code fence}.
   */
  void lead(long fence) {
    if (batches != null) {
      batches.unregister();
      batches = null;
    }
    Replica copy = m.replica;
    LOG.info("copy of the previous leader's tasks: {} agents, {} tasks ({} batches applied, {} dropped for a gap)",
        copy.agentCount(), copy.taskCount(), copy.batchesApplied, copy.gaps);
    m.state.replicaFeed.start(m.state.masterId, fence);
  }

  private String snapshotAddress() {
    return Addresses.MASTER_REPLICA + "." + m.state.masterId;
  }

  /** A standby asks the leader for all of its tasks (when there is a leader; otherwise when one is elected). */
  private void requestSnapshot(String why) {
    if (batches == null || m.isLeading()) {
      return;
    }
    m.bus.request(Addresses.MASTER_REPLICA_SNAPSHOT, snapshotAddress(), new DeliveryOptions().setSendTimeout(30_000))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            LOG.info("copying the leader's tasks ({}): {} agents to come", why, ar.result().body());
          } else {
            LOG.debug("could not ask for a copy of the leader's tasks ({}): {}", why, ar.cause().getMessage());
          }
        });
  }

  /** The leader sends a standby that asked ({@code request}'s body: where to) all of its agents' tasks, a part per turn. */
  void sendSnapshot(Message<String> request) {
    String to = request.body();
    if (to == null || !to.startsWith(Addresses.MASTER_REPLICA + ".")) {
      request.fail(400, "body: " + to + " is not a standby's copy address (" + Addresses.MASTER_REPLICA
          + ".<master id>)");
      return;
    }
    List<String> ids = List.copyOf(m.state.agents.keySet());
    request.reply(ids.size());
    sendSnapshotPart(to, ids, 0, 0);
  }

  /** Times a part is sent again while the standby's address is not known on this node yet (five seconds in all). */
  static final int PART_ATTEMPTS = 100;

  /** Sends the part from agent {@code from} on; the next one once the standby took it. */
  private void sendSnapshotPart(String to, List<String> ids, int from, int attempt) {
    if (!m.isLeading() || !m.state.replicaFeed.isOn()) {
      return;
    }
    // The changes made before this part reach the standby before it (same connection, same order).
    publish();
    int end = Math.min(ids.size(), from + SNAPSHOT_AGENTS_AT_ONCE);
    List<AgentRecord> part = new ArrayList<>();
    for (String id : ids.subList(from, end)) {
      AgentRecord agent = m.state.agents.get(id);
      if (agent != null) {
        part.add(agent);
      }
    }
    m.bus.request(to, m.state.replicaFeed.snapshot(part), new DeliveryOptions().setSendTimeout(30_000))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            if (end < ids.size()) {
              sendSnapshotPart(to, ids, end, 0);
            }
          } else if (ar.cause() instanceof io.vertx.core.eventbus.ReplyException re
              && re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS && attempt < PART_ATTEMPTS) {
            // The standby's consumer is registered, but the cluster has not told this node yet.
            m.vertx().setTimer(50, t -> sendSnapshotPart(to, ids, from, attempt + 1));
          } else {
            LOG.warn("stopped sending a copy of the tasks to {} at agent {} of {}: {}", to, from, ids.size(),
                ar.cause().getMessage());
          }
        });
  }

  private void publish() {
    ReplicaBatch batch = m.state.replicaFeed.take();
    if (batch != null) {
      m.bus.publish(Addresses.MASTER_REPLICA, batch);
    }
  }
}
