/**
 * The master: {@link io.meso.master.MasterVerticle} admits agents, subscribes frameworks, turns
 * the allocator's decisions into offers, launches and kills tasks on agents and delivers status
 * updates to frameworks. Its state and the operations that change it are plain Java, without
 * Vert.x: {@code MasterState} (offers, the framework lifecycle), {@code Launches} (accepting
 * offers into tasks, status updates, acknowledgements, kills) and {@code AgentLifecycle}
 * (registration, re-registration, unreachable, restarted and gone agents); they send nothing
 * but report what must follow through {@code Effects}, which {@code BusEffects} carries out on
 * the event bus (a test harness records them instead). Calls arrive as event-bus messages
 * whatever door they came through and are validated before they become operations on the state:
 * {@code SchedulerCalls} (framework calls, validated by {@code LaunchValidator} and
 * {@code InputLimits} before anything changes), {@code OperatorCalls} and {@code RoleCalls}
 * (operator calls), {@code AgentManager} (the agent protocol). {@code Leadership} takes over
 * from the registry of {@code io.meso.ha} (in the cluster module) and keeps it up to date; {@code GoneAgents},
 * {@code Policies} and {@code Reservations} are what a new leader restores from it;
 * {@code CompletedHistory} bounds what it remembers of ended tasks and frameworks;
 * {@code StandbyRehearsal} warms a standby up for the failover.
 */
package io.meso.master;
