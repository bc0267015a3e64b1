package io.meso.agent;

import io.meso.codecs.Addresses;
import io.meso.internal.PingAgentMessage;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of its relationship with the leading master: (re-)registration requests to
 * {@code Addresses.MASTER}, retried with {@link Backoff} until a master answers (no master yet,
 * a failover in progress, a timeout), and the ping watchdog: without a ping for the ping
 * timeout the master is presumed gone and the agent re-registers. Event-loop confined.
 *
 * <p>A request that times out is sent again with twice the timeout (up to
 * {@value #MAX_TIMEOUT_FACTOR} times the configured one): a master busy admitting thousands of
 * agents after a failover is slow, not gone, and each early retry would only add to its queue a
 * duplicate it has to process in full. A new leader's announcement supersedes any attempt in
 * flight (whose reply, if it ever comes, is ignored) and starts afresh at the configured timeout.
 */
final class MasterLink {

  private static final Logger LOG = LoggerFactory.getLogger(MasterLink.class);
  /** A timed-out request is retried with twice the timeout, up to this many times the configured one (a power of 2). */
  static final int MAX_TIMEOUT_FACTOR = 8;

  /** What the agent provides and hears. */
  interface Listener {
    /**
     * The message for the next attempt: RegisterAgentMessage or ReregisterAgentMessage; with
     * {@code digest}, a re-registration carries the digest of the agent's tasks instead of them
     * (sent to {@link Addresses#MASTER_DIGEST}).
     */
    Object registration(boolean digest);

    /**
     * The master answered; returns how many seconds without a ping mean the master lost us (its
     * own unreachable window, at least two ping intervals), or null if the reply is unusable.
     */
    Double registered(Object reply);

    /** The agent lost the master (ping timeout, or the master says it does not know the agent). */
    void disconnected(String why);

    /**
     * The master refused the agent for good ({@link #GONE_CODE}: an operator marked it gone). The
     * link is closed: nothing is retried.
     */
    default void gone(String why) {
    }

    /**
     * The master refused the agent's proof of the cluster secret ({@link #UNAUTHENTICATED_CODE}):
     * the agent's secret is not the masters'. The link is closed: retrying would not help.
     */
    default void refused(String why) {
    }
  }

  /** The failure code with which a master refuses an agent without a valid proof of the cluster secret (as HTTP 401). */
  static final int UNAUTHENTICATED_CODE = 401;

  /** The failure code with which a master refuses an agent an operator marked gone (as HTTP 410 Gone). */
  static final int GONE_CODE = 410;

  /** The failure code with which a master refuses a re-registration by digest its copy does not match (as HTTP 409). */
  static final int DIGEST_MISMATCH_CODE = 409;

  private final Vertx vertx;
  private final String masterAddress;
  private final String digestAddress;
  private final String agentId;
  private final AgentOptions options;
  private final Listener listener;
  private final Backoff backoff;
  private boolean connected;
  private boolean registering;
  private boolean closed;
  private boolean loggedWaiting;
  private long retryTimer = -1;
  private long watchdog = -1;
  private long pingTimeoutMillis;
  /** The current attempt; completions of earlier (superseded) attempts are ignored. */
  private long attempt;
  /**
   * Whether the next re-registration goes by digest: set when the agent loses its master or
   * hears of a new leader (which may hold a copy of the agent's tasks from its time as a
   * standby), cleared when a master answers (or cannot take one: none holds a copy, or it
   * differs), so that the agent then re-registers with its tasks at once. Only for an agent that
   * reaches the masters as a cluster member (a gateway carries only {@link Addresses#MASTER}).
   */
  private boolean byDigest;
  /** Attempts of this registration that timed out in a row. */
  private int timeouts;
  /** This registration's series, sent with each of its re-registration attempts (see {@code ReregisterAgentMessage.series}). */
  private String series = "";

  MasterLink(Vertx vertx, String agentId, AgentOptions options, Listener listener) {
    this(vertx, agentId, options, Addresses.MASTER, listener);
  }

  /**
   * {@code masterAddress}: where this agent's messages for the master go ({@link Addresses#MASTER}
   * for a cluster member; its gateway link's own address through a gateway).
   */
  MasterLink(Vertx vertx, String agentId, AgentOptions options, String masterAddress, Listener listener) {
    this(vertx, agentId, options, masterAddress, Addresses.MASTER.equals(masterAddress) ? Addresses.MASTER_DIGEST : null,
        listener);
  }

  /**
   * {@code digestAddress}: where a re-registration by digest goes ({@link Addresses#MASTER_DIGEST}
   * for a cluster member, the gateway link's digest address through a gateway), or null to always
   * re-register with the tasks.
   */
  MasterLink(Vertx vertx, String agentId, AgentOptions options, String masterAddress, String digestAddress,
      Listener listener) {
    this.masterAddress = masterAddress;
    this.digestAddress = digestAddress;
    this.vertx = vertx;
    this.agentId = agentId;
    this.options = options;
    this.listener = listener;
    this.backoff = new Backoff(options.getRegistrationBackoffInitialMillis(), options.getRegistrationBackoffMaxMillis());
    this.pingTimeoutMillis = options.getPingTimeoutMillis();
  }

  boolean isConnected() {
    return connected;
  }

  /** Starts registering, unless already registered or registering. */
  void connect() {
    if (closed || connected || registering) {
      return;
    }
    registering = true;
    series = java.util.UUID.randomUUID().toString();
    loggedWaiting = false;
    backoff.reset();
    timeouts = 0;
    attempt();
  }

  /** How long the next registration request waits for the master's answer. */
  long requestTimeoutMillis() {
    long base = options.getRegistrationTimeoutMillis();
    long factor = 1L << Math.min(timeouts, Integer.numberOfTrailingZeros(MAX_TIMEOUT_FACTOR));
    return base > Long.MAX_VALUE / factor ? Long.MAX_VALUE : base * factor;
  }

  /** A ping arrived: re-arm the watchdog, or re-register when the master does not know us. */
  void pinged(PingAgentMessage ping) {
    if (!connected) {
      return;
    }
    if (ping.hasConnected() && !ping.getConnected()) {
      lost("the master pinged as not connected");
      return;
    }
    armWatchdog();
  }

  /**
   * A new leader announced itself: a registered agent re-registers with it at once (with its
   * tasks), and one still waiting for a master retries now instead of after its backoff.
   */
  void masterElected(String address) {
    if (closed) {
      return;
    }
    if (connected) {
      lost("a new leading master was elected at " + address);
    } else if (registering) {
      // Waiting for a retry, or for the answer to a request that may have gone to the old leader.
      cancel(retryTimer);
      retryTimer = -1;
      backoff.reset();
      timeouts = 0;
      byDigest = digestPossible();
      attempt();
    }
  }

  void close() {
    closed = true;
    cancel(retryTimer);
    cancel(watchdog);
    retryTimer = watchdog = -1;
  }

  private void attempt() {
    if (closed) {
      return;
    }
    boolean digest = byDigest;
    Object message = listener.registration(digest);
    if (message instanceof io.meso.internal.ReregisterAgentMessage r) {
      message = r.toBuilder().setSeries(series).build();
    }
    String kind = message.getClass().getSimpleName();
    // (the listener may send its tasks after all: then to the master's usual address)
    String address = digest && message instanceof io.meso.internal.ReregisterAgentMessage r && r.hasDigest()
        ? digestAddress : masterAddress;
    long self = ++attempt;
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(requestTimeoutMillis());
    if (agentId != null) {
      delivery.addHeader(io.meso.codecs.Addresses.AGENT_ID_HEADER, agentId);
    }
    if (options.getClusterSecret() != null && message instanceof com.google.protobuf.Message registration) {
      delivery.addHeader(io.meso.security.cluster.AgentProof.HEADER, io.meso.security.cluster.AgentProof.create(
          options.getClusterSecret(), kind, registration.toByteArray(), System.currentTimeMillis()));
    }
    vertx.eventBus().request(address, message, delivery).onComplete(ar -> {
      if (closed || self != attempt || !registering) {
        return;
      }
      if (address.equals(Addresses.MASTER_DIGEST) && ar.failed() && ar.cause() instanceof ReplyException re
          && (re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS
              || re.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE
                  && re.failureCode() == DIGEST_MISMATCH_CODE)) {
        // No master holds a copy of our tasks, or its copy differs: send them, now.
        LOG.debug("re-registration by digest not taken agent_id={}: {}; re-registering with the tasks", agentId,
            describe(re));
        byDigest = false;
        attempt();
        return;
      }
      if (!(ar.failed() && ar.cause() instanceof ReplyException re
          && re.failureType() == io.vertx.core.eventbus.ReplyFailure.TIMEOUT)) {
        byDigest = false; // (a timed-out digest is sent again: it costs the master little)
      }
      Double silence = ar.succeeded() ? listener.registered(ar.result().body()) : null;
      if (silence != null) {
        registering = false;
        connected = true;
        // Never time out faster than the master's own window for this agent.
        pingTimeoutMillis = Math.max(options.getPingTimeoutMillis(), (long) (silence * 1_000));
        armWatchdog();
        return;
      }
      if (ar.failed() && ar.cause() instanceof ReplyException re
          && re.failureType() == io.vertx.core.eventbus.ReplyFailure.TIMEOUT) {
        timeouts++;
      }
      long delay = backoff.next();
      String why = ar.failed() ? describe(ar.cause()) : "unexpected reply " + ar.result().body().getClass().getSimpleName();
      if (ar.failed() && ar.cause() instanceof ReplyException re
          && re.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE
          && re.failureCode() == GONE_CODE) {
        // Marked gone by the operator: this identity can never register again.
        registering = false;
        close();
        listener.gone(re.getMessage());
        return;
      }
      if (ar.failed() && ar.cause() instanceof ReplyException re
          && re.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE
          && re.failureCode() == UNAUTHENTICATED_CODE) {
        registering = false;
        close();
        LOG.error("the master refused this agent agent_id={}: {}. The agent's cluster secret is not the masters' (or "
            + "it has none): start the agent with --cluster-secret-file naming a copy of the masters' secret file",
            agentId, re.getMessage());
        listener.refused(re.getMessage());
        return;
      }
      if (ar.failed() && ar.cause() instanceof ReplyException re
          && re.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE) {
        LOG.warn("master refused {} agent_id={} error={} retry_ms={}", kind, agentId, why, delay);
      } else if (!loggedWaiting) {
        loggedWaiting = true;
        LOG.info("waiting for a master: {} not answered agent_id={} error={}; retrying with backoff (logged at DEBUG "
            + "from now on)", kind, agentId, why);
      } else {
        LOG.debug("{} not answered agent_id={} error={} retry_ms={}", kind, agentId, why, delay);
      }
      retryTimer = vertx.setTimer(delay, id -> {
        retryTimer = -1;
        attempt();
      });
    });
  }

  private void armWatchdog() {
    cancel(watchdog);
    watchdog = vertx.setTimer(pingTimeoutMillis, id -> {
      watchdog = -1;
      lost("no ping from the master for " + pingTimeoutMillis + " ms");
    });
  }

  private void lost(String why) {
    connected = false;
    cancel(watchdog);
    watchdog = -1;
    LOG.info("lost the master agent_id={} reason={}; re-registering", agentId, why);
    listener.disconnected(why);
    byDigest = digestPossible();
    connect();
  }

  private boolean digestPossible() {
    return digestAddress != null;
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private static String describe(Throwable t) {
    if (t instanceof ReplyException re) {
      return re.failureType() + (re.getMessage() == null ? "" : " (" + re.getMessage() + ")");
    }
    return t.toString();
  }
}
