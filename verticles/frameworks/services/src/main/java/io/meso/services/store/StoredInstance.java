package io.meso.services.store;

import io.meso.services.app.PathId;
import io.meso.services.placement.AgentFacts;
import io.meso.v1.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An instance as stored: the one task it launched (written before the launch leaves, so a new
 * leader knows every task the old one started), where, with which app version and host ports, and
 * the last state and health the framework saw. Times are null when unknown.
 *
 * @param killGoal why the framework asked for its kill: NONE, RESTART or DECOMMISSION
 * @param inactive unreachable for longer than the app allows: replaced, no longer counted
 */
public record StoredInstance(String instanceId, String taskId, PathId appId, Instant appVersion, String agentId,
    AgentFacts agent, List<Integer> hostPorts, Instant stagedAt, TaskState state, Instant startedAt, Instant since,
    Boolean healthy, Instant firstSuccess, Instant lastSuccess, Instant lastFailure, String lastFailureCause,
    int consecutiveFailures, String killGoal, boolean inactive) {

  public StoredInstance {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(appVersion, "appVersion");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(stagedAt, "stagedAt");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(killGoal, "killGoal");
    hostPorts = List.copyOf(hostPorts);
  }
}
