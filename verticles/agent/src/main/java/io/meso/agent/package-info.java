/**
 * The Meso agent: one per machine; offers the machine's resources to the leading master and
 * runs the tasks it is sent. {@link io.meso.agent.AgentVerticle} is the agent (configured by
 * {@link io.meso.agent.AgentOptions}) and wires its event-bus consumers to the parts below:
 * {@code AgentIdentity} finds (or makes) the agent's id on disk; {@code AgentTasks} keeps the
 * tasks from launch until their terminal update is acknowledged, {@code TaskCheckpoints} writes
 * their checkpoints and {@code TaskRecovery} takes them back after a restart;
 * {@code AgentRegistration} says what the agent tells the master and acts on its answers;
 * {@code GoneShutdown} stops an agent an operator marked gone. {@link io.meso.agent.ResourceDetector}
 * and {@link io.meso.agent.AgentAttributes} turn the machine and the operator's specs into what
 * it offers; {@code MasterLink} registers and re-registers with backoff and watches the master's
 * pings; {@code StatusUpdateManager} delivers status updates reliably (one in flight per task,
 * resent until acknowledged); {@code SandboxRequests} and {@code SandboxFiles} serve sandbox
 * files without ever leaving the sandbox; {@code AgentHttpServer} serves the agent's own
 * Mesos-shaped {@code /state}, {@code /monitor/statistics}, {@code /metrics/snapshot},
 * {@code /health} and Prometheus {@code /metrics} on its port ({@code AgentStateJson},
 * {@code AgentMetrics}). Tasks run in the executor of
 * {@link io.meso.executor}, reached over the local event bus.
 */
package io.meso.agent;
