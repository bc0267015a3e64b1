/**
 * The cluster secret: what lets a Meso node tell the cluster's own members from a stranger who
 * merely reached the Hazelcast port and knows the cluster name (open-source Hazelcast has no
 * member authentication). {@link ClusterSecret} reads it from a file and derives one HMAC-SHA256
 * key per purpose; {@link AgentProof} is what an agent attaches to its (re-)registration and the
 * master checks before admitting it; {@link RegistrySeal} authenticates every value the masters'
 * registry stores. The secret itself is never logged, printed or sent.
 */
package io.meso.security.cluster;
