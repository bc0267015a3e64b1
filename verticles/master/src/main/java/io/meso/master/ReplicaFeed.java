package io.meso.master;

import io.meso.internal.ReplicaAgent;
import io.meso.internal.ReplicaBatch;
import io.meso.internal.ReplicaChange;
import io.meso.internal.ReplicaStatus;
import io.meso.internal.ReplicaTaskKey;
import io.meso.v1.TaskStatus;
import java.util.Map;

/**
 * The leader's side of the standbys' copy of its tasks ({@link Replica}): the changes to its
 * tasks, gathered in the order they happen into a {@link ReplicaBatch} that the master verticle
 * publishes a few times a second ({@link #take}). Off (gathering nothing) unless the master leads
 * with standbys behind it. Plain Java, confined to the master's event loop like the state.
 */
final class ReplicaFeed {

  /** Changes in one batch before it is taken early (so a batch stays a few hundred kilobytes at most). */
  static final int MAX_CHANGES = 2_000;

  private boolean on;
  private String masterId;
  private long fence;
  private long seq;
  private ReplicaBatch.Builder batch;
  private int changes;

  /** Starts a feed for a leader's term: batches numbered from 0 under {@code fence}. */
  void start(String masterId, long fence) {
    this.on = true;
    this.masterId = masterId;
    this.fence = fence;
    this.seq = 0;
    this.batch = null;
    this.changes = 0;
  }

  void stop() {
    on = false;
    batch = null;
    changes = 0;
  }

  boolean isOn() {
    return on;
  }

  /** Whether enough changed that the batch should be taken now rather than at the next tick. */
  boolean full() {
    return changes >= MAX_CHANGES;
  }

  /** The changes since the last batch (numbered next), or null when nothing changed. */
  ReplicaBatch take() {
    if (!on || batch == null) {
      return null;
    }
    ReplicaBatch out = batch.setMasterId(masterId).setFence(fence).setSeq(seq++).build();
    batch = null;
    changes = 0;
    return out;
  }

  private ReplicaBatch.Builder batch() {
    if (batch == null) {
      batch = ReplicaBatch.newBuilder();
    }
    changes++;
    return batch;
  }

  /** {@code proto}: the task's {@link TaskRecord#toProto}, built already. */
  void launched(io.meso.v1.Task proto) {
    if (on) {
      batch().addChanges(ReplicaChange.newBuilder().setLaunched(proto));
    }
  }

  /** {@code status} was recorded on {@code task}, whose state is now its state. */
  void status(TaskRecord task, TaskStatus status) {
    if (on) {
      batch().addChanges(ReplicaChange.newBuilder().setStatus(ReplicaStatus.newBuilder().setFrameworkId(task.frameworkId).setAgentId(task.agentId)
          .setStatus(status.hasData() ? status.toBuilder().clearData().build() : status).setState(task.state)));
    }
  }

  void forgotten(TaskRecord task) {
    if (on) {
      batch().addChanges(ReplicaChange.newBuilder().setForgotten(ReplicaTaskKey.newBuilder().setAgentId(task.agentId)
          .setFrameworkId(task.frameworkId).setTaskId(task.id())));
    }
  }

  /** The agent's tasks as filed after it re-registered with all of them. */
  void agent(AgentRecord agent, Map<String, ? extends Map<String, TaskRecord>> tasksByFramework) {
    if (on) {
      batch().addChanges(agentChange(agent.id, tasksByFramework));
    }
  }

  private static ReplicaChange agentChange(String agentId, Map<String, ? extends Map<String, TaskRecord>> tasks) {
    ReplicaAgent.Builder entry = ReplicaAgent.newBuilder().setAgentId(agentId);
    tasks.values().forEach(byId -> byId.values().forEach(t -> entry.addTasks(t.toProto())));
    return ReplicaChange.newBuilder().setAgent(entry).build();
  }

  /**
   * A part of a copy of everything for one standby (see {@link
   * io.meso.codecs.Addresses#MASTER_REPLICA_SNAPSHOT}): the whole set of tasks of each of {@code
   * agents}, numbered -1 (outside the sequence of batches). Take the pending batch first, so that
   * the standby applies the changes before this part and none twice.
   */
  ReplicaBatch snapshot(Iterable<AgentRecord> agents) {
    ReplicaBatch.Builder part = ReplicaBatch.newBuilder().setMasterId(masterId).setFence(fence).setSeq(-1);
    for (AgentRecord agent : agents) {
      part.addChanges(agentChange(agent.id, agent.tasks));
    }
    return part.build();
  }

  void agentRemoved(String agentId) {
    if (on) {
      batch().addChanges(ReplicaChange.newBuilder().setAgent(ReplicaAgent.newBuilder().setAgentId(agentId).setRemoved(true)));
    }
  }

  void frameworkRemoved(String frameworkId) {
    if (on) {
      batch().addChanges(ReplicaChange.newBuilder().setRemovedFramework(frameworkId));
    }
  }
}
