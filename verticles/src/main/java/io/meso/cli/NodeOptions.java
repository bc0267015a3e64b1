package io.meso.cli;

import picocli.CommandLine.Option;

/** Options shared by the commands that start a node and join a cluster. */
final class NodeOptions {

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to bind and advertise (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--cluster-name", defaultValue = "meso",
      description = "Hazelcast cluster name; nodes only join a cluster of the same name (default: ${DEFAULT-VALUE}).")
  String clusterName;

  @Option(names = "--cluster-port", defaultValue = "5701",
      description = "Hazelcast member port; the next free one is taken if it is busy (default: ${DEFAULT-VALUE}).")
  int clusterPort;

  @Option(names = "--join", split = ",", paramLabel = "HOST:PORT",
      description = "Cluster members to join (their --cluster-port), comma separated.")
  java.util.List<String> join = new java.util.ArrayList<>();

  io.meso.cluster.ClusterOptions toClusterOptions(boolean lite) {
    for (String member : join) {
      if (!member.matches("[^:\\s]+:\\d{1,5}")) {
        throw new IllegalArgumentException("--join '" + member + "' is not HOST:PORT; e.g. --join 127.0.0.1:5701");
      }
    }
    return new io.meso.cluster.ClusterOptions()
        .setClusterName(clusterName)
        .setHost(host)
        .setPort(clusterPort)
        .setJoin(join)
        .setLiteMember(lite);
  }
}
