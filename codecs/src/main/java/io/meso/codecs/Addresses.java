package io.meso.codecs;

/**
 * Every event-bus address Meso uses, in one place.
 *
 * <p>Clustered addresses (any node may send):
 * <ul>
 *   <li>{@link #MASTER}: the leading master's inbox for agents. Bodies: RegisterAgentMessage and
 *       ReregisterAgentMessage (request/reply), StatusUpdate (send).</li>
 *   <li>{@link #SCHEDULER}: the leading master's inbox for scheduler calls from every transport.
 *       Body: a {@code Call}; reply: empty on success, or a failure whose code is an HTTP-style
 *       status (400 invalid, 403 not subscribed, 404 unknown, 503 not leading) and whose
 *       message says what was wrong. A SUBSCRIBE names, in header {@link #EVENTS_HEADER}, the
 *       address where the subscriber receives its events.</li>
 *   <li>{@link #OPERATOR}: the leading master's operator inbox (state, tasks, kill, files).</li>
 *   <li>{@link #agent(String)}: one agent's inbox: RunTaskMessage, KillTaskMessage,
 *       ShutdownFrameworkMessage, StatusUpdateAcknowledgementMessage (send); PingAgentMessage,
 *       meso.api ReadFileRequest, ListFilesRequest, GetTaskUsageRequest (request/reply).</li>
 * </ul>
 * <p>Local-only addresses (one JVM, local consumers): {@link #ALLOCATOR} and
 * {@link #ALLOCATIONS} between the master and its allocator; {@link #executor(String)} and
 * {@link #executorStatus(String)} between an agent and its executor.
 */
public final class Addresses {

  public static final String MASTER = "meso.master";
  public static final String SCHEDULER = "meso.master.scheduler";
  public static final String OPERATOR = "meso.master.operator";
  /**
   * Published by a newly elected leading master (body: its HTTP host:port); agents re-register
   * with it at once instead of waiting for their next leader lookup.
   */
  public static final String MASTER_ELECTED = "meso.master.elected";
  /**
   * Published (never sent) by the leading master as the cluster changes: a
   * {@code meso.api.MasterEvent} per task added or updated, agent added or removed, framework
   * added, updated or removed. The operator API's SUBSCRIBE and the web UI consume it.
   */
  public static final String MASTER_EVENTS = "meso.master.events";
  /**
   * An agent's re-registration without its tasks, only their {@code TaskDigest} (request/reply,
   * consumed by the leader like {@link #MASTER}): answered as on {@link #MASTER} when the leader's
   * copy of the agent's tasks matches the digest, failed with 409 when it does not (the agent
   * then re-registers on {@link #MASTER} with its tasks). A master without this consumer (older,
   * or none leading yet) fails it with NO_HANDLERS, and the agent re-registers in full.
   */
  public static final String MASTER_DIGEST = "meso.master.digest";
  /**
   * Published by the leading master a few times a second: a {@code meso.internal.ReplicaBatch}
   * with the changes to its tasks, from which every standby keeps a copy of every agent's tasks.
   */
  public static final String MASTER_REPLICA = "meso.master.replica";
  /**
   * A standby whose copy of the leader's tasks is empty (it just started) or was dropped asks the
   * leader here for all of it (request/reply; body: the address on which the standby takes the
   * copy, {@link #MASTER_REPLICA} + "." + its master id). The leader answers with how many agents
   * it will send, then sends their tasks there, a few agents per {@code ReplicaBatch}.
   */
  public static final String MASTER_REPLICA_SNAPSHOT = "meso.master.replica.snapshot";
  public static final String ALLOCATOR = "meso.allocator";
  public static final String ALLOCATIONS = "meso.allocator.allocations";

  /**
   * gRPC metadata: sent with the Subscribe response's headers and required on every Send, as
   * Mesos's HTTP API does with its {@code Mesos-Stream-Id}: only the current subscription of a
   * framework may act for it.
   */
  public static final String GRPC_STREAM_ID = "mesos-stream-id";

  /** Header on a SUBSCRIBE call: the event-bus address the subscriber consumes events on. */
  public static final String EVENTS_HEADER = "meso-events-address";
  /**
   * Header on every {@link #SCHEDULER} call but SUBSCRIBE: the events address of the subscription
   * the call comes from, which must be the framework's current one (the master refuses the call
   * otherwise). Each transport derives it from what its client presents: the gRPC and HTTP doors
   * from the {@code mesos-stream-id} the Subscribe response carried, the event-bus client from its
   * own subscription.
   */
  public static final String SUBSCRIPTION_HEADER = "meso-subscription";
  /** Header on a {@link #SCHEDULER} message from a transport that lost its subscriber. */
  public static final String DISCONNECTED_HEADER = "meso-disconnected";
  /**
   * Header on a message the master sends to a subscriber's events address when it dropped that
   * subscription (its heartbeat went unanswered): the value says why. Not an event for the
   * framework: the transport ends the stream, without ERROR, so the framework subscribes again.
   */
  public static final String DROPPED_HEADER = "meso-dropped";
  /** Header on an {@link #OPERATOR} message: which operator call the body is. */
  public static final String ACTION_HEADER = "meso-action";
  /**
   * The authenticated principal a door (HTTP, gRPC) forwards a call for, after it checked the
   * caller's credentials; absent when the caller was not authenticated (authentication off). The
   * master authorizes the call against its ACLs as this principal. Doors drop any value a caller
   * sent for it; members of the event bus are trusted to set it (the bus is fenced by mutual TLS
   * and the cluster secret, see {@code io.meso.security}).
   */
  public static final String PRINCIPAL_HEADER = "meso-principal";
  /**
   * Credentials an event-bus client sends with its calls ({@code Basic ...} or {@code Bearer ...},
   * as an HTTP Authorization header): the master verifies them as the HTTP doors do and
   * authorizes the call as the principal they prove.
   */
  public static final String AUTHORIZATION_HEADER = "meso-authorization";

  private Addresses() {}

  public static String agent(String agentId) {
    return "meso.agent." + agentId;
  }

  public static String executor(String agentId) {
    return "meso.agent." + agentId + ".executor";
  }

  public static String executorStatus(String agentId) {
    return "meso.agent." + agentId + ".executor-status";
  }

  public static String framework(String frameworkId) {
    return "meso.framework." + frameworkId;
  }

  /**
   * Header an agent puts on its (re-)registration requests: its id, readable without decoding the
   * message. A master that still holds an earlier re-registration of the same agent, not yet filed
   * (the agent gave up waiting for it and sent this one), files that one only and answers both.
   */
  public static final String AGENT_ID_HEADER = "meso-agent-id";
}
