package io.meso.cli;

import io.meso.codecs.DefaultPorts;
import picocli.CommandLine.Option;

/** Options shared by the commands that start a node and join a cluster. */
final class NodeOptions {

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to bind and advertise (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--cluster-name", defaultValue = "meso",
      description = "Hazelcast cluster name; nodes only join a cluster of the same name (default: ${DEFAULT-VALUE}).")
  String clusterName;

  @Option(names = "--cluster-port",
      description = "Hazelcast member port. Given, it must be free; left out, the first free port from "
          + DefaultPorts.CLUSTER + " is taken.")
  Integer clusterPort;

  @Option(names = "--join", split = ",", paramLabel = "HOST:PORT",
      description = "Cluster members to join (their --cluster-port), comma separated.")
  java.util.List<String> join = new java.util.ArrayList<>();

  @Option(names = "--cluster-secret-file", paramLabel = "FILE",
      description = "A file holding the secret every master and agent of the cluster shares (at least 32 random "
          + "bytes: head -c 32 /dev/urandom > FILE). Agents prove it before a master admits them, registry values "
          + "are authenticated with it, and the Hazelcast cluster name is derived from it and --cluster-name.")
  java.nio.file.Path clusterSecretFile;
  private io.meso.security.cluster.ClusterSecret clusterSecret;

  /** The cluster secret read from --cluster-secret-file (once), or null without one; refused if weak or unreadable. */
  io.meso.security.cluster.ClusterSecret clusterSecret() {
    if (clusterSecret == null && clusterSecretFile != null) {
      clusterSecret = io.meso.security.cluster.ClusterSecret.fromFile(clusterSecretFile);
    }
    return clusterSecret;
  }
  @Option(names = "--cluster-tls-cert", paramLabel = "FILE", description = "PEM certificate of this node on the "
      + "event bus; with --cluster-tls-key and --cluster-tls-ca, nodes talk mutual TLS and a node without a "
      + "certificate the CA signed neither sends nor receives event-bus messages. Give all three on every node.")
  java.nio.file.Path clusterTlsCert;

  @Option(names = "--cluster-tls-key", paramLabel = "FILE", description = "PEM private key (unencrypted) of "
      + "--cluster-tls-cert.")
  java.nio.file.Path clusterTlsKey;

  @Option(names = "--cluster-tls-ca", paramLabel = "FILE", description = "PEM CA that signs every node's "
      + "--cluster-tls-cert.")
  java.nio.file.Path clusterTlsCa;

  io.meso.cluster.ClusterOptions toClusterOptions(boolean lite) {
    for (String member : join) {
      if (!member.matches("[^:\\s]+:\\d{1,5}")) {
        throw new IllegalArgumentException("--join '" + member + "' is not HOST:PORT; e.g. --join 127.0.0.1:"
            + DefaultPorts.CLUSTER);
      }
    }
    if (clusterPort != null && (clusterPort < 0 || clusterPort > 65535)) {
      throw new IllegalArgumentException("--cluster-port is " + clusterPort + "; expected 0 (any free port) to 65535");
    }
    io.meso.security.tls.MutualTls eventBusTls = clusterTlsCert == null && clusterTlsKey == null && clusterTlsCa == null
        ? null : io.meso.security.tls.MutualTls.load(clusterTlsCert, clusterTlsKey, clusterTlsCa);
    return new io.meso.cluster.ClusterOptions()
        .setEventBusTls(eventBusTls)
        .setClusterName(clusterName)
        .setHost(host)
        .setPort(clusterPort == null ? io.meso.cluster.ClusterOptions.DEFAULT_PORT : clusterPort)
        .setPortAutoIncrement(clusterPort == null)
        .setJoin(join)
        .setLiteMember(lite)
        .setClusterSecret(clusterSecret());
  }

  /** The one line a command prints when it could not join; names the flag when the port was the trouble. */
  static String joinFailure(String command, Throwable cause) {
    if (cause instanceof io.meso.cluster.MesoCluster.PortInUseException busy) {
      return command + ": --cluster-port " + busy.port() + " is in use on " + busy.host()
          + "; give a free port, or leave --cluster-port out to take the first free one from "
          + io.meso.cluster.ClusterOptions.DEFAULT_PORT;
    }
    return null;
  }
}
