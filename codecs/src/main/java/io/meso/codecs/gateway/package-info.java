/**
 * The agent gateway's wire and connection handling, shared by its two ends: the gateway on the
 * masters ({@code io.meso.cluster.gateway.AgentGateway}) and the agent's link
 * ({@code io.meso.agent.GatewayLink}). {@link io.meso.codecs.gateway.GatewayWire} is the frame
 * format; {@link io.meso.codecs.gateway.GatewayChannel} carries event-bus messages, requests and
 * their replies across one connection.
 */
package io.meso.codecs.gateway;
