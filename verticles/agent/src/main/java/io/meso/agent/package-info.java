/**
 * The Meso agent: one per machine; offers the machine's resources to the leading master and
 * runs the tasks it is sent. {@link io.meso.agent.AgentVerticle} is the agent (configured by
 * {@link io.meso.agent.AgentOptions}); {@link io.meso.agent.ResourceDetector} and
 * {@link io.meso.agent.AgentAttributes} turn the machine and the operator's specs into what it
 * offers; {@code MasterLink} registers and re-registers with backoff and watches the master's
 * pings; {@code StatusUpdateManager} delivers status updates reliably (one in flight per task,
 * resent until acknowledged); {@code SandboxRequests} and {@code SandboxFiles} serve sandbox
 * files without ever leaving the sandbox. Tasks run in the executor of
 * {@link io.meso.executor}, reached over the local event bus.
 */
package io.meso.agent;
