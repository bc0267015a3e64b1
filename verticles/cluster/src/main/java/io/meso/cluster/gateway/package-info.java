/**
 * The agent gateway: how an agent reaches the masters' event bus without being a Hazelcast
 * member. Every master may run an {@link io.meso.cluster.gateway.AgentGateway} (a TCP or mutual
 * TLS port); an agent started with gateways instead of {@code --join} runs a local Vert.x and a
 * link ({@code io.meso.agent.GatewayLink}) that connects to one of them and carries the
 * agent's traffic ({@code Addresses.MASTER} out; its inbox and the leader's announcements in) as
 * {@code io.meso.codecs.gateway} frames. The masters cannot tell such an agent from a
 * member one: the same messages reach the same addresses. What it saves is membership: an
 * agent's arrival or loss is one event-bus subscription on its gateway's node, not a member
 * joining every member's view, heartbeats and connection mesh.
 */
package io.meso.cluster.gateway;
