package io.meso.cluster;

import io.meso.codecs.DefaultPorts;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How a Meso node joins its Hazelcast cluster: the cluster name, the address it binds to, the
 * Hazelcast port, the members to join by TCP/IP (multicast is always off), whether it is a lite
 * member (agents: on the event bus, holding no data), and failure-detection timing tuned for
 * seconds rather than Hazelcast's one-minute default.
 */
public class ClusterOptions {

  public static final String DEFAULT_CLUSTER_NAME = "meso";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = DefaultPorts.CLUSTER;
  public static final int DEFAULT_HEARTBEAT_SECONDS = 1;
  public static final int DEFAULT_MAX_NO_HEARTBEAT_SECONDS = 5;
  /** The shortest CP session time-to-live Hazelcast is given (its session heartbeat is every second). */
  public static final int MIN_CP_SESSION_TTL_SECONDS = 2;
  /**
   * How long a CP member (a master) that left the cluster stays in the CP subsystem when
   * {@link #setCpMemberRemovalSeconds} is not given: 30 s, or the CP session time-to-live when
   * that is longer (Hazelcast refuses a removal shorter than the session time-to-live).
   */
  public static final int DEFAULT_CP_MEMBER_REMOVAL_SECONDS = 30;
  /** The longest CP member removal delay accepted (a day; Hazelcast's own default is four hours). */
  public static final int MAX_CP_MEMBER_REMOVAL_SECONDS = 86_400;

  private String clusterName = DEFAULT_CLUSTER_NAME;
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private boolean portAutoIncrement = true;
  private List<String> join = new ArrayList<>();
  private boolean liteMember;
  private int heartbeatSeconds = DEFAULT_HEARTBEAT_SECONDS;
  private int maxNoHeartbeatSeconds = DEFAULT_MAX_NO_HEARTBEAT_SECONDS;
  private int cpMemberCount;
  private int cpSessionTtlSeconds = 10;
  /** Seconds, or 0 while not given: then {@link #DEFAULT_CP_MEMBER_REMOVAL_SECONDS} or the session time-to-live. */
  private int cpMemberRemovalSeconds;
  private io.meso.security.cluster.ClusterSecret clusterSecret;
  private io.meso.security.tls.MutualTls eventBusTls;

  /** Options for a throw-away cluster on loopback with a unique name (tests, benchmarks). */
  public static ClusterOptions loopbackForTest() {
    return new ClusterOptions()
        .setClusterName("meso-test-" + UUID.randomUUID())
        .setHost("127.0.0.1")
        .setPort(0);
  }

  public String getClusterName() { return clusterName; }
  public ClusterOptions setClusterName(String clusterName) { this.clusterName = clusterName; return this; }
  public String getHost() { return host; }
  public ClusterOptions setHost(String host) { this.host = host; return this; }
  /** The Hazelcast member port; 0 lets the system choose a free one. */
  public int getPort() { return port; }
  public ClusterOptions setPort(int port) { this.port = port; return this; }
  public boolean isPortAutoIncrement() { return portAutoIncrement; }
  public ClusterOptions setPortAutoIncrement(boolean v) { this.portAutoIncrement = v; return this; }
  /** Members to join, as host:port; empty starts a new cluster. */
  public List<String> getJoin() { return join; }
  public ClusterOptions setJoin(List<String> join) { this.join = new ArrayList<>(join); return this; }
  public boolean isLiteMember() { return liteMember; }
  public ClusterOptions setLiteMember(boolean liteMember) { this.liteMember = liteMember; return this; }
  public int getHeartbeatSeconds() { return heartbeatSeconds; }
  public ClusterOptions setHeartbeatSeconds(int s) { this.heartbeatSeconds = s; return this; }
  public int getMaxNoHeartbeatSeconds() { return maxNoHeartbeatSeconds; }
  public ClusterOptions setMaxNoHeartbeatSeconds(int s) { this.maxNoHeartbeatSeconds = s; return this; }
  /**
   * Members of the CP subsystem (the masters; agents are lite members and never are): 3 or more
   * for a leader election that survives failures safely, 0 for Hazelcast's unsafe single-member
   * mode (one master). Values 1 and 2 are refused: Raft needs 3 to tolerate a failure.
   */
  public int getCpMemberCount() { return cpMemberCount; }
  public ClusterOptions setCpMemberCount(int n) {
    if (n != 0 && n < 3 || n > 7) {
      throw new IllegalArgumentException("CP member count is " + n + "; expected 0 (unsafe, one master) or 3 to 7");
    }
    this.cpMemberCount = n;
    return this;
  }
  /** How long a dead leader's lock session lives before another master may lead (seconds). */
  public int getCpSessionTtlSeconds() { return cpSessionTtlSeconds; }
  public ClusterOptions setCpSessionTtlSeconds(int s) { this.cpSessionTtlSeconds = s; return this; }
  /**
   * How long a CP member (a master) that left the cluster, dead or cut off, keeps its place in the
   * CP subsystem before the others remove it (seconds). Until then it counts in every CP group's
   * majority: of five masters, a third one lost before the first two are removed leaves no
   * majority and no leader. Shorter lets the survivors take a further loss sooner; longer keeps
   * the vote of a member cut off for a while (removed, it is back without one when the link
   * heals: Hazelcast does not make it a CP member again by itself). Not given:
   * {@link #DEFAULT_CP_MEMBER_REMOVAL_SECONDS}, or the session time-to-live when that is longer;
   * given, it must be at least the session time-to-live (checked when the Hazelcast configuration
   * is made, {@link MesoCluster#hazelcastConfig}).
   */
  public int getCpMemberRemovalSeconds() {
    return cpMemberRemovalSeconds > 0 ? cpMemberRemovalSeconds
        : Math.max(DEFAULT_CP_MEMBER_REMOVAL_SECONDS, effectiveCpSessionTtlSeconds());
  }
  public ClusterOptions setCpMemberRemovalSeconds(int s) {
    if (s < MIN_CP_SESSION_TTL_SECONDS || s > MAX_CP_MEMBER_REMOVAL_SECONDS) {
      throw new IllegalArgumentException("CP member removal is " + s + " s; expected whole seconds from "
          + MIN_CP_SESSION_TTL_SECONDS + " to " + MAX_CP_MEMBER_REMOVAL_SECONDS
          + ", and at least the CP session time-to-live");
    }
    this.cpMemberRemovalSeconds = s;
    return this;
  }
  /** The CP session time-to-live Hazelcast is given: the one set, at least {@link #MIN_CP_SESSION_TTL_SECONDS}. */
  public int effectiveCpSessionTtlSeconds() { return Math.max(MIN_CP_SESSION_TTL_SECONDS, cpSessionTtlSeconds); }
  /**
   * The cluster secret ({@code --cluster-secret-file}), or null: with one, the Hazelcast cluster
   * name is derived from it and the cluster name given, and the registry's values are sealed.
   */
  public io.meso.security.cluster.ClusterSecret getClusterSecret() { return clusterSecret; }
  public ClusterOptions setClusterSecret(io.meso.security.cluster.ClusterSecret secret) {
    this.clusterSecret = secret;
    return this;
  }
  /** The name Hazelcast is given: the cluster name, or with a secret, a name derived from both. */
  public String effectiveClusterName() {
    return clusterSecret == null ? clusterName : clusterSecret.clusterName(clusterName);
  }
  /**
   * Mutual TLS on the event bus between nodes (see {@link io.meso.security.tls.MutualTls}); null:
   * cleartext. Every node of a cluster needs it, with certificates from the same CA.
   */
  public io.meso.security.tls.MutualTls getEventBusTls() { return eventBusTls; }
  public ClusterOptions setEventBusTls(io.meso.security.tls.MutualTls tls) { this.eventBusTls = tls; return this; }
}
