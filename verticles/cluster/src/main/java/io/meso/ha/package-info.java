/**
 * High availability of the masters: {@link io.meso.ha.LeaderElection} picks the leading master
 * with a fenced lock of Hazelcast's CP subsystem; {@link io.meso.ha.Registry} is the replicated
 * registry (frameworks, agents, roles, gone agents) that a new leader claims under its fence and
 * restores from; {@link io.meso.ha.RaftLeadership} keeps the Raft leadership off the leading
 * master so its death costs no Raft election; {@link io.meso.ha.RegistrySerializers} are the
 * Hazelcast serializers of what these store.
 */
package io.meso.ha;
