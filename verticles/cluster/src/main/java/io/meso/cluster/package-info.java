/**
 * How a node joins the cluster: {@link io.meso.cluster.MesoCluster} starts a Vert.x whose event
 * bus is clustered with Hazelcast (multicast off, TCP/IP join, tuned failure detection, the
 * first free port from 5701 unless one is given), or a local one for a single JVM.
 * {@link io.meso.cluster.ClusterOptions} are its settings. Modules that keep their own types in
 * Hazelcast add their serializers through the {@link io.meso.cluster.ClusterConfigurer} service,
 * so this module depends on none of them.
 */
package io.meso.cluster;
