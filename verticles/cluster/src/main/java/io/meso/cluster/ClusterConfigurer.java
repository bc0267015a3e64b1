package io.meso.cluster;

import com.hazelcast.config.Config;

/**
 * Adds to the Hazelcast configuration of every member {@link MesoCluster} starts. Modules that
 * store their own types in the cluster (the master's registry and election) provide one through
 * {@code META-INF/services/io.meso.cluster.ClusterConfigurer}, so the cluster module needs no
 * dependency on them and every member, master or agent, serializes the same way.
 */
public interface ClusterConfigurer {

  void configure(Config config);
}
