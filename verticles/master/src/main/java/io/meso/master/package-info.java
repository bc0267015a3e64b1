/**
 * The master: {@link io.meso.master.MasterVerticle} admits agents, subscribes frameworks, turns
 * the allocator's decisions into offers, launches and kills tasks on agents and delivers status
 * updates to frameworks. Calls arrive as event-bus messages whatever door they came through:
 * {@code SchedulerCalls} (framework calls, validated by {@code LaunchValidator} and
 * {@code InputLimits} before anything changes), {@code OperatorCalls} and {@code RoleCalls}
 * (operator calls), {@code AgentManager} (the agent protocol). {@code GoneAgents},
 * {@code Policies} and {@code Reservations} are what a new leader restores from the registry of
 * {@link io.meso.ha}; {@code CompletedHistory} bounds what it remembers of ended tasks and
 * frameworks; {@code StandbyRehearsal} warms a standby up for the failover.
 */
package io.meso.master;
