package io.meso.master;

import io.meso.codecs.TaskDigests;
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

  /** Agent id to framework id to task id to the record the new leader would file. */
  private final Map<String, Map<String, Map<String, TaskRecord>>> agents = new HashMap<>();
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
    String frameworkId = task.getFrameworkId().getValue();
    TaskRecord record = AgentLifecycle.recordOf(task, frameworkId, agentId(agentId), createdAt(task, now));
    TaskRecord replaced = agents.computeIfAbsent(agentId, a -> new HashMap<>())
        .computeIfAbsent(frameworkId, f -> new HashMap<>()).put(record.id(), record);
    if (replaced == null) {
      tasks++;
    }
  }

  private void status(ReplicaStatus change) {
    TaskRecord record = find(change.getAgentId(), change.getFrameworkId(), change.getStatus().getTaskId().getValue());
    if (record != null) {
      record.state = change.getState();
      record.addStatus(change.getStatus());
    }
  }

  private void forgotten(ReplicaTaskKey key) {
    Map<String, Map<String, TaskRecord>> byFramework = agents.get(key.getAgentId());
    Map<String, TaskRecord> byId = byFramework == null ? null : byFramework.get(key.getFrameworkId());
    if (byId != null && byId.remove(key.getTaskId()) != null) {
      tasks--;
      if (byId.isEmpty()) {
        byFramework.remove(key.getFrameworkId());
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
    for (Map<String, Map<String, TaskRecord>> byFramework : agents.values()) {
      Map<String, TaskRecord> byId = byFramework.remove(frameworkId);
      if (byId != null) {
        tasks -= byId.size();
      }
    }
  }

  private void removeAgent(String agentId) {
    Map<String, Map<String, TaskRecord>> byFramework = agents.remove(agentId);
    agentIds.remove(agentId);
    if (byFramework != null) {
      byFramework.values().forEach(byId -> tasks -= byId.size());
    }
  }

  private TaskRecord find(String agentId, String frameworkId, String taskId) {
    Map<String, Map<String, TaskRecord>> byFramework = agents.get(agentId);
    Map<String, TaskRecord> byId = byFramework == null ? null : byFramework.get(frameworkId);
    return byId == null ? null : byId.get(taskId);
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
    TaskDigests.Builder digest = TaskDigests.builder();
    Map<String, Map<String, TaskRecord>> byFramework = agents.get(agentId);
    if (byFramework != null) {
      byFramework.forEach((frameworkId, byId) -> byId.values().forEach(t -> {
        TaskStatus latest = t.latestStatus();
        digest.add(frameworkId, t.id(), t.state, latest == null ? com.google.protobuf.ByteString.EMPTY : latest.getUuid());
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
    Map<String, Map<String, TaskRecord>> byFramework = agents.get(agentId);
    if (byFramework == null || !TaskDigests.same(digest(agentId), digest)) {
      return null;
    }
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

  int agentCount() {
    return agents.size();
  }

  long taskCount() {
    return tasks;
  }

  void clear() {
    agents.clear();
    agentIds.clear();
    tasks = 0;
  }
}
