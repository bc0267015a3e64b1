package io.meso.master;

import com.google.protobuf.ByteString;
import io.meso.codecs.TaskDigests;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.TaskDigest;
import io.meso.v1.TaskStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Which tasks an agent that re-registers with only a {@link TaskDigest} of them runs, for the
 * master's {@link AgentLifecycle}: the new leader's copy of the agent's tasks ({@link Replica})
 * when it matches the digest, or, for an agent admitted already (an earlier attempt of it was
 * filed, its answer lost), the tasks this master holds on it when they match. Otherwise the
 * re-registration is refused with {@link #MISMATCH} and the agent sends its tasks. Plain Java, on
 * the master's event loop.
 */
final class DigestReadmission {

  /**
   * The failure code of a re-registration by digest that what the master holds does not match
   * (as HTTP 409 Conflict): the agent re-registers with its tasks.
   */
  static final int MISMATCH = 409;

  private DigestReadmission() {}

  /**
   * The tasks the agent re-registering by digest runs, as prepared tasks; throws {@link #MISMATCH}
   * when what the master holds does not match the digest, 400 when the message carries tasks too.
   */
  static AgentLifecycle.PreparedTasks tasks(MasterState s, Replica copy, ReregisterAgentMessage reregister) {
    if (reregister.getTasksCount() > 0) {
      throw CallException.invalid("tasks: " + reregister.getTasksCount() + " given with a digest; a re-registration "
          + "carries either its tasks or their digest, not both");
    }
    String id = reregister.getAgentInfo().getId().getValue();
    TaskDigest digest = reregister.getDigest();
    AgentLifecycle.PreparedTasks prepared = copy.take(id, digest);
    if (prepared == null) {
      prepared = heldIfSame(s, id, digest);
    }
    if (prepared == null) {
      s.metrics.reregistrationDigestMismatches++;
      // What this master holds of the agent: what it filed when it admitted the agent, or its copy.
      TaskDigest held = s.agents.containsKey(id) ? held(s, id) : copy.digest(id);
      String why = "what this master holds of agent " + id + "'s tasks (" + TaskDigests.describe(held)
          + ") does not match the agent's digest (" + TaskDigests.describe(digest) + "); re-register with the tasks";
      s.logger.debug("re-registration by digest refused: {}", why);
      throw new CallException(MISMATCH, why);
    }
    s.metrics.agentsReregisteredFromCopy++;
    return prepared;
  }

  /** The digest of the tasks this master holds on agent {@code id} (of none, when it has no such agent). */
  static TaskDigest held(MasterState s, String id) {
    TaskDigests.Builder own = TaskDigests.builder();
    AgentRecord agent = s.agents.get(id);
    if (agent != null) {
      agent.tasks.forEach((frameworkId, byId) -> byId.values().forEach(t -> {
        TaskStatus latest = t.latestStatus();
        own.add(frameworkId, t.id(), t.state, latest == null ? ByteString.EMPTY : latest.getUuid());
      }));
    }
    return own.build();
  }

  /** The tasks this master holds on agent {@code id} as prepared tasks, when they match {@code digest}; else null. */
  private static AgentLifecycle.PreparedTasks heldIfSame(MasterState s, String id, TaskDigest digest) {
    AgentRecord agent = s.agents.get(id);
    if (agent == null || !TaskDigests.same(held(s, id), digest)) {
      return null;
    }
    List<TaskRecord> records = new ArrayList<>();
    agent.tasks.values().forEach(byId -> records.addAll(byId.values()));
    int n = records.size();
    String[] frameworkIds = new String[n];
    String[] taskIds = new String[n];
    for (int i = 0; i < n; i++) {
      frameworkIds[i] = records.get(i).frameworkId;
      taskIds[i] = records.get(i).id();
    }
    return new AgentLifecycle.PreparedTasks(frameworkIds, taskIds, records.toArray(new TaskRecord[0]));
  }
}
