package io.meso.master;

import com.google.protobuf.ByteString;
import io.meso.codecs.TaskDigests;
import io.meso.codecs.TaskStates;
import io.meso.internal.ReplicaAgent;
import io.meso.internal.ReplicaBatch;
import io.meso.internal.ReplicaChange;
import io.meso.internal.ReplicaStatus;
import io.meso.internal.ReplicaTaskKey;
import io.meso.internal.TaskDigest;
import io.meso.v1.AgentID;
import io.meso.v1.Task;
import io.meso.v1.TaskStatus;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standby's copy of the leader's tasks, per agent, kept from the leader's {@link ReplicaBatch}es
 * ({@link ReplicaFeed}). Once the standby is elected, an agent re-registering with only a
 * {@link TaskDigest} of its tasks is re-admitted from this copy when the digest matches it
 * ({@link #take}): the new leader then neither receives nor decodes nor builds that agent's tasks,
 * which at a million tasks is what a failover used to spend its time on. The copy is a hint that
 * the digest checks, never the truth: what a standby missed (it started after the tasks were
 * launched, a batch was lost, the leader died before publishing its last changes) only makes the
 * digests of the agents concerned differ, and those agents re-register with their tasks.
 *
 * <p>Confined to the master's event loop. A batch missing in a leader's sequence drops the whole
 * copy (which agents it concerned is unknown); later batches fill it again.
 */
final class Replica {

  private static final Logger LOG = LoggerFactory.getLogger(Replica.class);

  /** Agent id to its copy: framework id to task id to the record the new leader would file, and their digest. */
  private final Map<String, AgentCopy> agents = new HashMap<>();
  /**
   * One string per framework id, shared by its records (as a leader's are): decoded afresh for each
   * task, a million records held a million copies of a few ids (120 MB more on a new leader).
   */
  private final Map<String, String> frameworkIds = new HashMap<>();
  /** One AgentID per agent, shared by its records (as a leader's records share their agent's). */
  private final Map<String, AgentID> agentIds = new HashMap<>();
  private String masterId = "";
  private long fence = Long.MIN_VALUE;
  private long nextSeq;
  private long tasks;
  long batchesApplied;
  long gaps;
  long snapshotParts;
  /** Runs when the copy was dropped for a missing batch (the standby then asks the leader for all of it). */
  private Runnable onDropped = () -> { };

  /**
   * One agent's tasks, and their {@link TaskDigest} kept up to date as they change (each change
   * takes out the task's part and adds it again), so that a new leader compares an agent's digest
   * at once instead of hashing the agent's tasks while thousands of agents wait to re-register.
   */
  private static final class AgentCopy {
    final Map<String, Map<String, TaskRecord>> byFramework = new HashMap<>();
    /** Live (non-terminal) tasks and the sum of their hashes, as {@link TaskDigests.Builder} counts them. */
    int live;
    long hash;

    void count(TaskRecord record, int sign) {
      if (!TaskStates.isTerminal(record.state)) {
        TaskStatus latest = record.latestStatus();
        live += sign;
        hash += sign * TaskDigests.hash(record.frameworkId, record.id(), record.state,
            latest == null ? ByteString.EMPTY : latest.getUuid());
      }
    }

    TaskDigest digest() {
      return TaskDigest.newBuilder().setTasks(live).setHash(hash).build();
    }
  }

  void onDropped(Runnable action) {
    this.onDropped = action;
  }

  /** Applies a leader's batch: in order, skipping one from an older term than the last seen. */
  void apply(ReplicaBatch batch) {
    if (batch.getFence() < fence) {
      return;
    }
    if (batch.getSeq() < 0) {
      // A part of a copy of everything, sent to this standby alone, between two batches of the
      // leader's sequence (which it neither starts nor continues).
      snapshotParts++;
      applyChanges(batch);
      return;
    }
    if (batch.getFence() != fence || !batch.getMasterId().equals(masterId)) {
      // A new leader's feed (or the first this standby hears): it goes on from this batch.
      fence = batch.getFence();
      masterId = batch.getMasterId();
    } else if (batch.getSeq() != nextSeq) {
      if (batch.getSeq() < nextSeq) {
        return; // seen already
      }
      gaps++;
      LOG.warn("copy of the leader's tasks dropped: batches {} to {} of master {} (fence {}) never arrived; agents "
          + "whose tasks the copy does not have re-register with their tasks", nextSeq, batch.getSeq() - 1, masterId,
          fence);
      clear();
      nextSeq = batch.getSeq() + 1;
      batchesApplied++;
      applyChanges(batch);
      onDropped.run();
      return;
    }
    nextSeq = batch.getSeq() + 1;
    batchesApplied++;
    applyChanges(batch);
  }

  private void applyChanges(ReplicaBatch batch) {
    double now = Tasks.nowSeconds();
    for (ReplicaChange change : batch.getChangesList()) {
      switch (change.getChangeCase()) {
        case LAUNCHED -> launched(change.getLaunched(), now);
        case STATUS -> status(change.getStatus());
        case FORGOTTEN -> forgotten(change.getForgotten());
        case AGENT -> agent(change.getAgent(), now);
        case REMOVED_FRAMEWORK -> frameworkRemoved(change.getRemovedFramework());
        default -> { }
      }
    }
  }

  private void launched(Task task, double now) {
    String agentId = task.getAgentId().getValue();
    String frameworkId = frameworkIds.computeIfAbsent(task.getFrameworkId().getValue(), f -> f);
    TaskRecord record = AgentLifecycle.recordOf(task, frameworkId, agentId(agentId), createdAt(task, now));
    AgentCopy copy = agents.computeIfAbsent(agentId, a -> new AgentCopy());
    TaskRecord replaced = copy.byFramework.computeIfAbsent(frameworkId, f -> new HashMap<>()).put(record.id(), record);
    if (replaced == null) {
      tasks++;
    } else {
      copy.count(replaced, -1);
    }
    copy.count(record, 1);
  }

  private void status(ReplicaStatus change) {
    AgentCopy copy = agents.get(change.getAgentId());
    Map<String, TaskRecord> byId = copy == null ? null : copy.byFramework.get(change.getFrameworkId());
    TaskRecord record = byId == null ? null : byId.get(change.getStatus().getTaskId().getValue());
    if (record != null) {
      copy.count(record, -1);
      record.state = change.getState();
      record.addStatus(change.getStatus());
      copy.count(record, 1);
    }
  }

  private void forgotten(ReplicaTaskKey key) {
    AgentCopy copy = agents.get(key.getAgentId());
    Map<String, TaskRecord> byId = copy == null ? null : copy.byFramework.get(key.getFrameworkId());
    TaskRecord removed = byId == null ? null : byId.remove(key.getTaskId());
    if (removed != null) {
      tasks--;
      copy.count(removed, -1);
      if (byId.isEmpty()) {
        copy.byFramework.remove(key.getFrameworkId());
      }
    }
  }

  private void agent(ReplicaAgent change, double now) {
    removeAgent(change.getAgentId());
    if (!change.getRemoved()) {
      for (Task task : change.getTasksList()) {
        launched(task.toBuilder().setAgentId(AgentID.newBuilder().setValue(change.getAgentId())).build(), now);
      }
    }
  }

  private void frameworkRemoved(String frameworkId) {
    for (AgentCopy copy : agents.values()) {
      Map<String, TaskRecord> byId = copy.byFramework.remove(frameworkId);
      frameworkIds.remove(frameworkId);
      if (byId != null) {
        tasks -= byId.size();
        byId.values().forEach(record -> copy.count(record, -1));
      }
    }
  }

  private void removeAgent(String agentId) {
    AgentCopy copy = agents.remove(agentId);
    agentIds.remove(agentId);
    if (copy != null) {
      copy.byFramework.values().forEach(byId -> tasks -= byId.size());
    }
  }

  private AgentID agentId(String id) {
    return agentIds.computeIfAbsent(id, v -> AgentID.newBuilder().setValue(v).build());
  }

  /** When the task was launched: its first status's time (the leader's TASK_STAGING), else now. */
  private static double createdAt(Task task, double now) {
    return task.getStatusesCount() > 0 && task.getStatuses(0).hasTimestamp() ? task.getStatuses(0).getTimestamp() : now;
  }

  /** The digest of the copy of agent {@code agentId}'s tasks (of none, when the copy has no such agent). */
  TaskDigest digest(String agentId) {
    AgentCopy copy = agents.get(agentId);
    return copy == null ? TaskDigests.builder().build() : copy.digest();
  }

  /** {@link #digest}, worked out afresh from the copy's tasks (what the kept digest must equal; for tests). */
  TaskDigest digestOfTasks(String agentId) {
    TaskDigests.Builder digest = TaskDigests.builder();
    AgentCopy copy = agents.get(agentId);
    if (copy != null) {
      copy.byFramework.forEach((frameworkId, byId) -> byId.values().forEach(t -> {
        TaskStatus latest = t.latestStatus();
        digest.add(frameworkId, t.id(), t.state, latest == null ? ByteString.EMPTY : latest.getUuid());
      }));
    }
    return digest.build();
  }

  /**
   * When the copy of agent {@code agentId}'s tasks matches {@code digest} (what the agent says it
   * runs): the copy's records, handed over (the copy forgets the agent), as a re-registration's
   * prepared tasks. Otherwise null, and the copy is kept (the agent re-registers with its tasks).
   */
  AgentLifecycle.PreparedTasks take(String agentId, TaskDigest digest) {
    AgentCopy copy = agents.get(agentId);
    if (copy == null || !TaskDigests.same(copy.digest(), digest)) {
      return null;
    }
    Map<String, Map<String, TaskRecord>> byFramework = copy.byFramework;
    int n = 0;
    for (Map<String, TaskRecord> byId : byFramework.values()) {
      n += byId.size();
    }
    String[] frameworkIds = new String[n];
    String[] taskIds = new String[n];
    TaskRecord[] records = new TaskRecord[n];
    int i = 0;
    for (Map<String, TaskRecord> byId : byFramework.values()) {
      for (TaskRecord record : byId.values()) {
        frameworkIds[i] = record.frameworkId;
        taskIds[i] = record.id();
        records[i++] = record;
      }
    }
    removeAgent(agentId);
    return new AgentLifecycle.PreparedTasks(frameworkIds, taskIds, records);
  }

  /** Whether the copy has any agent (a leader elected with an empty copy expects no digest). */
  boolean isEmpty() {
    return agents.isEmpty();
  }

  /** The ids of the agents the copy has (for tests). */
  java.util.Set<String> agentIdSet() {
    return java.util.Collections.unmodifiableSet(agents.keySet());
  }

  int agentCount() {
    return agents.size();
  }

  long taskCount() {
    return tasks;
  }

  void clear() {
    agents.clear();
    frameworkIds.clear();
    agentIds.clear();
    tasks = 0;
  }
}
