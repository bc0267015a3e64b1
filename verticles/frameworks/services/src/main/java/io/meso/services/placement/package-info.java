/**
 * Placement for the services framework: where one more instance of an app may run, and with which
 * resources, decided the way Marathon decides it. Pure Java: no I/O, no event loop, no clocks of
 * its own (callers pass {@code now}), so every rule is a table-driven unit test.
 *
 * <p>The pipeline for one offer and one instance is a funnel ({@link OfferMatcher}): role, then
 * constraints ({@link ConstraintChecker} over {@link AgentFacts}), reservation, maintenance,
 * scalars (cpus, mem, disk, gpus), ports, scarce GPUs. An offer that fails is a {@link
 * MatchResult.NoMatch} whose first {@link NoOfferMatchReason} in funnel order is what
 * {@code /v2/queue} counts ({@link OfferStatistics}). A {@link MatchResult.Match} carries the
 * exact resources to launch with (cut from the offer so each keeps its role, allocation and
 * reservation), the host ports, the port environment, and the offer's remainder for the next
 * instance.
 *
 * <p>Around the launch: {@link KillSelection} orders instances for scale-down, {@link
 * RollingRestart} is the replace arithmetic of a restart deployment, {@link LaunchBackoff} the
 * per-version launch delay.
 *
 * <p>Vocabulary: an <em>instance spec</em> ({@link InstanceSpec}) is what one instance needs; the
 * app model maps onto it. <em>Placed</em> instances are the app's instances of the current
 * configuration, described by the {@link AgentFacts} of the agent they run on.
 */
package io.meso.services.placement;
