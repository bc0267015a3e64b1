package io.meso.master;

import io.meso.codecs.DefaultPorts;
import io.vertx.core.json.JsonObject;

/**
 * Settings of a master: how often agents are pinged and how many missed pongs make an agent
 * unreachable, the heartbeat interval for frameworks, the allocation interval, how many
 * completed tasks are remembered, and what the master advertises as its address.
 */
public class MasterOptions {

  public static final long DEFAULT_AGENT_PING_INTERVAL_MILLIS = 2_000;
  public static final int DEFAULT_MAX_AGENT_PING_TIMEOUTS = 5;
  public static final long DEFAULT_HEARTBEAT_INTERVAL_MILLIS = 15_000;
  public static final long DEFAULT_ALLOCATION_INTERVAL_MILLIS = 1_000;
  /**
   * Completed tasks remembered across the whole master (all frameworks, active and removed),
   * newest kept: enough history for the UI and `meso tasks --all` while GET_STATE stays around a
   * megabyte. (Mesos keeps 1,000 per framework for 50 removed frameworks; a global bound means
   * churn of empty frameworks cannot push real history out.)
   */
  public static final int DEFAULT_MAX_COMPLETED_TASKS = 1_000;
  /** Removed frameworks remembered (Mesos's --max_completed_frameworks default). */
  public static final int DEFAULT_MAX_COMPLETED_FRAMEWORKS = 50;
  /** Completed tasks and removed frameworks older than this are forgotten; 0 = no age limit. */
  public static final long DEFAULT_MAX_COMPLETED_AGE_MILLIS = 24L * 3600 * 1000;
  public static final String DEFAULT_HOSTNAME = "127.0.0.1";
  public static final int DEFAULT_PORT = DefaultPorts.MASTER;
  /**
   * An offer nobody answers within a minute is rescinded and its resources offered again (to
   * others first, by DRF), so one idle framework cannot hold the cluster. Mesos has no default
   * timeout; 60 s is 60 allocation intervals and four heartbeats: far longer than any live
   * framework takes to answer, short enough that a stuck one delays others by a minute at most.
   * 0 turns it off.
   */
  public static final long DEFAULT_OFFER_TIMEOUT_MILLIS = 60_000;

  private long agentPingIntervalMillis = DEFAULT_AGENT_PING_INTERVAL_MILLIS;
  private int maxAgentPingTimeouts = DEFAULT_MAX_AGENT_PING_TIMEOUTS;
  private long heartbeatIntervalMillis = DEFAULT_HEARTBEAT_INTERVAL_MILLIS;
  private long allocationIntervalMillis = DEFAULT_ALLOCATION_INTERVAL_MILLIS;
  private int maxCompletedTasks = DEFAULT_MAX_COMPLETED_TASKS;
  private int maxCompletedFrameworks = DEFAULT_MAX_COMPLETED_FRAMEWORKS;
  private long maxCompletedAgeMillis = DEFAULT_MAX_COMPLETED_AGE_MILLIS;
  private String hostname = DEFAULT_HOSTNAME;
  private int port = DEFAULT_PORT;
  private long offerTimeoutMillis = DEFAULT_OFFER_TIMEOUT_MILLIS;
  private io.meso.allocator.AllocatorOptions.FrameworkSorter frameworkSorter =
      io.meso.allocator.AllocatorOptions.DEFAULT_FRAMEWORK_SORTER;
  private io.meso.allocator.AllocatorOptions.FrameworkSorter roleSorter =
      io.meso.allocator.AllocatorOptions.DEFAULT_FRAMEWORK_SORTER;

  /** Maximum of {@link #setRehearsalAgents}. */
  public static final int MAX_REHEARSAL_AGENTS = 100_000;
  private int rehearsalAgents;

  /**
   * A standby that is not elected within a few seconds of starting rehearses re-admitting this
   * many agents (with 10 tasks each) on a private master (see {@link StandbyRehearsal}), so that a
   * failover runs compiled code; 0 (the default) rehearses nothing.
   */
  public MasterOptions setRehearsalAgents(int agents) {
    if (agents < 0 || agents > MAX_REHEARSAL_AGENTS) {
      throw new IllegalArgumentException("rehearsalAgents is " + agents + "; expected 0 (off) to " + MAX_REHEARSAL_AGENTS);
    }
    rehearsalAgents = agents;
    return this;
  }

  public int getRehearsalAgents() { return rehearsalAgents; }

  /** How far an agent's admission proof may be from the master's clock, either way (ms). */
  public static final long DEFAULT_AGENT_PROOF_WINDOW_MILLIS = 60_000;
  private io.meso.security.cluster.ClusterSecret clusterSecret;
  private long agentProofWindowMillis = DEFAULT_AGENT_PROOF_WINDOW_MILLIS;

  /**
   * The cluster secret ({@code --cluster-secret-file}): when set, an agent is admitted only with a
   * valid {@link io.meso.security.cluster.AgentProof} on its (re-)registration. Never serialized.
   */
  public io.meso.security.cluster.ClusterSecret getClusterSecret() { return clusterSecret; }
  public MasterOptions setClusterSecret(io.meso.security.cluster.ClusterSecret secret) {
    this.clusterSecret = secret;
    return this;
  }
  public long getAgentProofWindowMillis() { return agentProofWindowMillis; }
  public MasterOptions setAgentProofWindowMillis(long v) {
    agentProofWindowMillis = positive("agentProofWindowMillis", v);
    return this;
  }

  /** Checks {@code Addresses.AUTHORIZATION_HEADER} on scheduler and operator messages; null: not checked. Not in the JSON form. */
  private io.meso.security.authn.Authenticator authenticator;

  /**
   * Who verifies the credentials an event-bus client sends with its scheduler and operator calls
   * ({@code Addresses.AUTHORIZATION_HEADER}); a message with bad ones is failed 401 and changes
   * nothing (see {@link BusAuthentication}). Null (the default): the header is not checked.
   */
  public MasterOptions setAuthenticator(io.meso.security.authn.Authenticator authenticator) {
    this.authenticator = authenticator;
    return this;
  }

  public io.meso.security.authn.Authenticator getAuthenticator() { return authenticator; }

  public MasterOptions() {}

  public MasterOptions(JsonObject json) {
    agentPingIntervalMillis = json.getLong("agentPingIntervalMillis", DEFAULT_AGENT_PING_INTERVAL_MILLIS);
    maxAgentPingTimeouts = json.getInteger("maxAgentPingTimeouts", DEFAULT_MAX_AGENT_PING_TIMEOUTS);
    heartbeatIntervalMillis = json.getLong("heartbeatIntervalMillis", DEFAULT_HEARTBEAT_INTERVAL_MILLIS);
    allocationIntervalMillis = json.getLong("allocationIntervalMillis", DEFAULT_ALLOCATION_INTERVAL_MILLIS);
    maxCompletedTasks = json.getInteger("maxCompletedTasks", DEFAULT_MAX_COMPLETED_TASKS);
    maxCompletedFrameworks = json.getInteger("maxCompletedFrameworks", DEFAULT_MAX_COMPLETED_FRAMEWORKS);
    maxCompletedAgeMillis = json.getLong("maxCompletedAgeMillis", DEFAULT_MAX_COMPLETED_AGE_MILLIS);
    hostname = json.getString("hostname", DEFAULT_HOSTNAME);
    port = json.getInteger("port", DEFAULT_PORT);
    offerTimeoutMillis = json.getLong("offerTimeoutMillis", DEFAULT_OFFER_TIMEOUT_MILLIS);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("agentPingIntervalMillis", agentPingIntervalMillis)
        .put("maxAgentPingTimeouts", maxAgentPingTimeouts)
        .put("heartbeatIntervalMillis", heartbeatIntervalMillis)
        .put("allocationIntervalMillis", allocationIntervalMillis)
        .put("maxCompletedTasks", maxCompletedTasks)
        .put("maxCompletedFrameworks", maxCompletedFrameworks)
        .put("maxCompletedAgeMillis", maxCompletedAgeMillis)
        .put("hostname", hostname)
        .put("port", port)
        .put("offerTimeoutMillis", offerTimeoutMillis);
  }

  public long getAgentPingIntervalMillis() { return agentPingIntervalMillis; }
  public MasterOptions setAgentPingIntervalMillis(long v) { agentPingIntervalMillis = positive("agentPingIntervalMillis", v); return this; }
  public int getMaxAgentPingTimeouts() { return maxAgentPingTimeouts; }
  public MasterOptions setMaxAgentPingTimeouts(int v) { maxAgentPingTimeouts = (int) positive("maxAgentPingTimeouts", v); return this; }
  public long getHeartbeatIntervalMillis() { return heartbeatIntervalMillis; }
  public MasterOptions setHeartbeatIntervalMillis(long v) { heartbeatIntervalMillis = positive("heartbeatIntervalMillis", v); return this; }
  public long getAllocationIntervalMillis() { return allocationIntervalMillis; }
  public MasterOptions setAllocationIntervalMillis(long v) { allocationIntervalMillis = positive("allocationIntervalMillis", v); return this; }
  public int getMaxCompletedTasks() { return maxCompletedTasks; }
  /** Completed tasks remembered across the master, newest kept (see {@link #DEFAULT_MAX_COMPLETED_TASKS}). */
  public MasterOptions setMaxCompletedTasks(int v) { maxCompletedTasks = (int) positive("maxCompletedTasks", v); return this; }
  public int getMaxCompletedFrameworks() { return maxCompletedFrameworks; }
  /** Removed frameworks remembered; those without remembered tasks are forgotten first. */
  public MasterOptions setMaxCompletedFrameworks(int v) {
    maxCompletedFrameworks = (int) positive("maxCompletedFrameworks", v);
    return this;
  }
  public long getMaxCompletedAgeMillis() { return maxCompletedAgeMillis; }
  /** Completed tasks and removed frameworks older than this are forgotten; 0 = kept until the count bounds. */
  public MasterOptions setMaxCompletedAgeMillis(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("maxCompletedAgeMillis is " + v + "; expected 0 (no age limit) or a positive number");
    }
    maxCompletedAgeMillis = v;
    return this;
  }
  public String getHostname() { return hostname; }
  public MasterOptions setHostname(String hostname) { this.hostname = hostname; return this; }
  /** The HTTP/gRPC port the master advertises in MasterInfo. */
  public int getPort() { return port; }
  public MasterOptions setPort(int port) { this.port = port; return this; }

  /** How long an offer may stay unanswered before the master rescinds it; 0 = no limit. */
  public long getOfferTimeoutMillis() { return offerTimeoutMillis; }
  public MasterOptions setOfferTimeoutMillis(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("offerTimeoutMillis is " + v + "; expected 0 (no timeout) or a positive number");
    }
    offerTimeoutMillis = v;
    return this;
  }

  /** How frameworks within a role are ordered for offers: DRF (default) or weighted random. */
  public io.meso.allocator.AllocatorOptions.FrameworkSorter getFrameworkSorter() { return frameworkSorter; }
  public MasterOptions setFrameworkSorter(io.meso.allocator.AllocatorOptions.FrameworkSorter v) {
    if (v == null) {
      throw new IllegalArgumentException("frameworkSorter is null; expected DRF or RANDOM");
    }
    frameworkSorter = v;
    return this;
  }

  /** How sibling roles are ordered for offers: DRF (default) or weighted random. */
  public io.meso.allocator.AllocatorOptions.FrameworkSorter getRoleSorter() { return roleSorter; }
  public MasterOptions setRoleSorter(io.meso.allocator.AllocatorOptions.FrameworkSorter v) {
    if (v == null) {
      throw new IllegalArgumentException("roleSorter is null; expected DRF or RANDOM");
    }
    roleSorter = v;
    return this;
  }

  private io.meso.security.acl.Acls acls = io.meso.security.acl.Acls.allowAll();

  /**
   * The ACLs every scheduler and operator call is authorized against (cli flag {@code --acls
   * FILE}); by default everything is allowed. Not part of {@link #toJson}: give them in code.
   */
  public io.meso.security.acl.Acls getAcls() { return acls; }
  public MasterOptions setAcls(io.meso.security.acl.Acls v) {
    if (v == null) {
      throw new IllegalArgumentException("acls is null; expected Acls.allowAll() or Acls.load(file)");
    }
    acls = v;
    return this;
  }

  private static long positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " is " + value + "; expected a positive number");
    }
    return value;
  }
}
