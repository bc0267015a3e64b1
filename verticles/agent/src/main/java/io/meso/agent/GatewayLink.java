package io.meso.agent;

import io.meso.codecs.gateway.GatewayChannel;
import io.meso.codecs.gateway.GatewayWire;
import io.meso.codecs.gateway.GatewayWire.Frame;
import io.meso.codecs.Addresses;
import io.meso.security.cluster.AgentProof;
import io.meso.security.cluster.ClusterSecret;
import io.meso.security.tls.MutualTls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's end of the agent gateway ({@code io.meso.cluster.gateway.AgentGateway}, on the masters): deployed on the agent's own (not clustered)
 * Vert.x, it makes that Vert.x's event bus behave, for the agent, like the cluster's. While
 * connected and admitted it consumes the agent's {@link #masterAddress} locally and carries what
 * the agent sends there to the gateway (as sent to {@code Addresses.MASTER}); what the gateway
 * forwards for {@code Addresses.agent(id)} it delivers locally, and the leader's announcements to its agent alone.
 * While not connected the agent's requests for the master fail at once with NO_HANDLERS, as on a cluster without a leader, and
 * its registration backoff carries on as it would there; one-way messages (status updates) are
 * kept, up to {@value #MAX_HELD} (the oldest dropped first: the agent resends every update until
 * acknowledged), and sent as soon as a gateway admits the agent again, so that a gateway's loss
 * does not delay them by the agent's status-update retry interval. {@link #admitted()} completes
 * on the first admission: the agent registers then.
 *
 * <p>It keeps one connection, to one of the gateways given (the first tried is picked from the
 * agent id, spreading agents over the masters), and moves to the next one when the connection
 * fails or goes silent, with exponential backoff between full rounds. A new connection's WELCOME
 * names the last leader its gateway heard elected: if that is not the leader this agent last
 * heard of, the agent missed an announcement while it was cut off, and the link replays one
 * locally so that the agent re-registers at once. A gateway that refuses the agent's proof of the
 * cluster secret (401) ends the link: every later registration is answered with that refusal,
 * which stops the agent as a member agent is stopped.
 */
public final class GatewayLink extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayLink.class);
  static final long INITIAL_BACKOFF_MILLIS = 100;
  static final long MAX_BACKOFF_MILLIS = 5_000;
  /** One-way messages to the master kept while no gateway admits the agent. */
  static final int MAX_HELD = 10_000;

  /** A gateway's address. */
  public record Endpoint(String host, int port) {
    /** Parses {@code HOST:PORT}, naming the flag in the error. */
    public static Endpoint parse(String flag, String value) {
      int colon = value == null ? -1 : value.lastIndexOf(':');
      if (colon <= 0 || colon == value.length() - 1) {
        throw new IllegalArgumentException(flag + " '" + value + "' is not HOST:PORT; e.g. " + flag + " 10.0.0.1:5052");
      }
      int port;
      try {
        port = Integer.parseInt(value.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException(flag + " '" + value + "' has port " + value.substring(colon + 1)
            + "; expected 1 to 65535");
      }
      return new Endpoint(value.substring(0, colon), port);
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private final String agentId;
  private final List<Endpoint> endpoints;
  private final ClusterSecret secret;
  private final MutualTls tls;
  private final long keepaliveMillis;
  private NetClient client;
  private GatewayChannel channel;
  private MessageConsumer<Object> masterInbox;
  /** The agent's re-registrations by digest, carried to the gateway as sent to {@link Addresses#MASTER_DIGEST}. */
  private MessageConsumer<Object> digestInbox;
  private int next;
  private int failuresInRound;
  private long backoffMillis = INITIAL_BACKOFF_MILLIS;
  private long retryTimer = -1;
  private boolean stopped;
  private boolean refused;
  private String lastLeader;
  private boolean loggedWaiting;
  private long sequence;
  private final java.util.ArrayDeque<io.vertx.core.eventbus.Message<Object>> held = new java.util.ArrayDeque<>();
  private final io.vertx.core.Promise<Void> admitted = io.vertx.core.Promise.promise();
  private volatile Endpoint connectedTo;
  private volatile int welcomes;

  public GatewayLink(String agentId, List<Endpoint> endpoints, ClusterSecret secret, MutualTls tls,
      long keepaliveMillis) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no agent gateway given: name at least one master's HOST:GATEWAY_PORT");
    }
    this.agentId = agentId;
    this.endpoints = List.copyOf(endpoints);
    this.secret = secret;
    this.tls = tls;
    this.keepaliveMillis = keepaliveMillis;
    this.next = Math.floorMod(agentId.hashCode(), endpoints.size());
  }

  /** The gateway this agent is admitted through right now, or null. */
  public Endpoint connectedTo() {
    return connectedTo;
  }

  /** Completes when a gateway first admits the agent. */
  public Future<Void> admitted() {
    return admitted.future();
  }

  /** How many times a gateway admitted this agent (1 after the first connection; each move adds one). */
  public int welcomes() {
    return welcomes;
  }

  /**
   * How many one-way messages for the master this link holds until a gateway admits the agent
   * again (read on the link's context; a test's view otherwise).
   */
  public int held() {
    return held.size();
  }

  @Override
  public Future<?> start() {
    NetClientOptions options = new NetClientOptions().setConnectTimeout(2_000).setTcpNoDelay(true)
        .setTcpKeepAlive(true);
    if (tls != null) {
      // As on the event bus: the cluster's CA is what is trusted (each side shows a certificate it
      // signed), not host names, which a node's certificate need not carry.
      options.setSsl(true).setKeyCertOptions(tls.keyCertOptions()).setTrustOptions(tls.trustOptions())
          .setHostnameVerificationAlgorithm("");
    }
    client = vertx.createNetClient(options);
    connect();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    if (channel != null) {
      channel.close();
    }
    return client.close();
  }

  private void connect() {
    retryTimer = -1;
    if (stopped || refused) {
      return;
    }
    Endpoint endpoint = endpoints.get(next % endpoints.size());
    client.connect(endpoint.port(), endpoint.host()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.debug("agent gateway {} not reachable: {}", endpoint, ar.cause().toString());
        moveOn(endpoint, "not reachable: " + ar.cause().getMessage());
        return;
      }
      attach(ar.result(), endpoint);
    });
  }

  private void attach(NetSocket socket, Endpoint endpoint) {
    if (stopped) {
      socket.close();
      return;
    }
    GatewayChannel ch = new GatewayChannel(vertx, socket, endpoint.toString(), keepaliveMillis,
        address -> address.equals(Addresses.agent(agentId)), frame -> control(endpoint, frame));
    channel = ch;
    ch.onClose(() -> closed(ch, endpoint));
    // Increasing across connections and restarts of this agent (from the clock, in microseconds).
    sequence = Math.max(sequence + 1, System.currentTimeMillis() * 1_000);
    String proof = secret == null ? "" : AgentProof.create(secret, GatewayWire.HELLO_KIND,
        GatewayWire.helloBytes(agentId, sequence), System.currentTimeMillis());
    ch.write(Frame.hello(agentId, proof, sequence));
  }

  private void control(Endpoint endpoint, Frame f) {
    switch (f.kind()) {
      case WELCOME -> welcomed(endpoint, f.address());
      case PUBLISH -> {
        if (Addresses.MASTER_ELECTED.equals(f.address())) {
          lastLeader = String.valueOf(f.body());
          announce(lastLeader);
        }
      }
      case REFUSED -> {
        if (f.code() == 401) {
          LOG.error("agent gateway {} refused agent_id={}: {}. The agent's cluster secret is not the masters' (or it "
              + "has none): start the agent with --cluster-secret-file naming a copy of the masters' secret file",
              endpoint, agentId, f.text());
          refused = true;
          refuseEverything(f.text());
          // The agent asks now, and hears the refusal as from a master: it stops as a refused member agent does.
          admitted.tryComplete();
        } else {
          LOG.error("agent gateway {} refused agent_id={} ({}): {}", endpoint, agentId, f.code(), f.text());
        }
      }
      default -> {
        LOG.warn("agent gateway {} sent an unexpected {} frame; reconnecting", endpoint, f.kind());
        if (channel != null) {
          channel.close();
        }
      }
    }
  }

  private void welcomed(Endpoint endpoint, String leader) {
    connectedTo = endpoint;
    welcomes++;
    failuresInRound = 0;
    backoffMillis = INITIAL_BACKOFF_MILLIS;
    loggedWaiting = false;
    LOG.info("connected to the cluster through agent gateway {} agent_id={} leader={}", endpoint, agentId, leader);
    if (masterInbox == null) {
      masterInbox = vertx.eventBus().localConsumer(masterAddress(agentId), this::toMaster);
    }
    if (digestInbox == null) {
      digestInbox = vertx.eventBus().localConsumer(digestAddress(agentId), this::toMasterByDigest);
    }
    while (!held.isEmpty() && channel != null) {
      channel.forward(Addresses.MASTER, held.poll());
    }
    // An election missed while cut off: the agent re-registers now rather than at its ping timeout.
    if (leader != null && lastLeader != null && !leader.equals(lastLeader)) {
      announce(leader);
    }
    if (leader != null) {
      lastLeader = leader;
    }
    admitted.tryComplete();
  }

  /**
   * Tells this link's agent (only: agents sharing a Vert.x, as a benchmark's simulated agents do,
   * each hear their own link) that a new leader was elected. Announced Vert.x-wide, every link's
   * copy of one election reached every agent of the Vert.x: at 500 agents a Vert.x, copies that
   * arrived more than a few seconds apart (agents of a dead gateway reconnecting elsewhere) made
   * every agent re-register again, in waves, after a failover.
   */
  private void announce(String leader) {
    vertx.eventBus().publish(electedAddress(agentId), leader, LOCAL_ONLY);
  }

  private static final io.vertx.core.eventbus.DeliveryOptions LOCAL_ONLY =
      new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true);

  /** The local address on which the link of the agent {@code agentId} announces a new leader (body: its host:port). */
  public static String electedAddress(String agentId) {
    return Addresses.MASTER_ELECTED + ".via-gateway." + agentId;
  }

  /**
   * The local address the agent {@code agentId} sends its messages for the master to; its link
   * carries them to the gateway as sent to {@link Addresses#MASTER}. One per agent, so that agents
   * sharing a Vert.x never send through each other's links.
   */
  public static String masterAddress(String agentId) {
    return Addresses.MASTER + ".via-gateway." + agentId;
  }

  /**
   * The local address the agent {@code agentId} sends its re-registrations by digest to; its link
   * carries them to the gateway as sent to {@link Addresses#MASTER_DIGEST}.
   */
  public static String digestAddress(String agentId) {
    return masterAddress(agentId) + ".digest";
  }

  /** A re-registration by digest: only while connected (the agent re-registers with its tasks otherwise). */
  private void toMasterByDigest(io.vertx.core.eventbus.Message<Object> msg) {
    if (channel != null && connectedTo != null) {
      channel.forward(Addresses.MASTER_DIGEST, msg);
    } else if (msg.replyAddress() != null) {
      msg.reply(new ReplyException(ReplyFailure.NO_HANDLERS, "not connected to an agent gateway"));
    }
  }

  private void toMaster(io.vertx.core.eventbus.Message<Object> msg) {
    if (channel != null && connectedTo != null) {
      channel.forward(Addresses.MASTER, msg);
    } else if (msg.replyAddress() != null) {
      msg.reply(new ReplyException(ReplyFailure.NO_HANDLERS, "not connected to an agent gateway"));
    } else {
      if (held.size() >= MAX_HELD) {
        held.poll();
      }
      held.add(msg);
    }
  }

  private void closed(GatewayChannel ch, Endpoint endpoint) {
    if (channel != ch) {
      return;
    }
    boolean wasAdmitted = connectedTo != null;
    channel = null;
    connectedTo = null;
    if (wasAdmitted) {
      LOG.info("lost agent gateway {} agent_id={}; trying the next one", endpoint, agentId);
    }
    moveOn(endpoint, "connection closed");
  }

  private void moveOn(Endpoint endpoint, String why) {
    if (stopped || refused) {
      return;
    }
    next++;
    long delay = 0;
    if (++failuresInRound >= endpoints.size()) {
      // Every gateway tried: wait before the next round.
      failuresInRound = 0;
      if (!loggedWaiting) {
        loggedWaiting = true;
        LOG.info("no agent gateway admits agent_id={} yet (tried {}; last: {} {}); retrying with backoff (logged at "
            + "DEBUG from now on). Check that the masters run with --agent-gateway-port and that the addresses are "
            + "theirs", agentId, endpoints, endpoint, why);
      }
      delay = backoffMillis + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
      backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
      LOG.debug("no agent gateway admitted agent_id={} (last: {} {}); retrying in {} ms", agentId, endpoint, why,
          delay);
    }
    retryTimer = vertx.setTimer(Math.max(1, delay), id -> connect());
  }

  private void refuseEverything(String why) {
    if (digestInbox != null) {
      digestInbox.unregister();
      digestInbox = null;
    }
    if (masterInbox != null) {
      masterInbox.unregister();
    }
    masterInbox = vertx.eventBus().localConsumer(masterAddress(agentId), msg -> {
      if (msg.replyAddress() != null) {
        msg.fail(401, why);
      }
    });
  }
}
