package io.meso.agent;

import io.meso.v1.AgentInfo;
import io.meso.v1.TaskState;
import java.util.Collection;
import java.util.Map;

/**
 * What the agent's HTTP endpoints read of the agent: who it is, its tasks, whether a master
 * registered it, when it started, and where its executor listens. Read on the agent's event loop.
 */
interface AgentView {

  String agentId();

  /** What the agent advertises (with the port its HTTP server bound). */
  AgentInfo info();

  /** The tasks the agent knows: running, or ended with their terminal update not yet acknowledged. */
  Collection<AgentTask> tasks();

  /** How many tasks ended on this agent since it started, by terminal state. */
  Map<TaskState, Long> ended();

  boolean registered();

  /** When the agent started, in milliseconds since the Epoch. */
  long startMillis();

  /** The local event-bus address of the agent's executor. */
  String executorAddress();
}
