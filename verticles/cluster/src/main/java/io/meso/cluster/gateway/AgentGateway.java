package io.meso.cluster.gateway;

import io.meso.codecs.gateway.GatewayChannel;
import io.meso.codecs.gateway.GatewayWire;
import io.meso.codecs.gateway.GatewayWire.Frame;
import io.meso.codecs.gateway.GatewayWire.Kind;
import io.meso.codecs.Addresses;
import io.meso.security.cluster.AgentProof;
import io.meso.security.cluster.ClusterSecret;
import io.meso.security.tls.MutualTls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's door for agents that are not Hazelcast members: each agent holds one connection
 * to one gateway (every master runs one), and the gateway stands in for it on the clustered
 * event bus. For a connected agent it consumes {@code Addresses.agent(id)} and carries what
 * arrives there down the connection; what the agent sends to {@code Addresses.MASTER} or, to
 * re-register by digest, {@code Addresses.MASTER_DIGEST} (the only addresses it may reach) it puts
 * on the bus; it relays the leader's announcements
 * ({@code Addresses.MASTER_ELECTED}). The masters see the same messages as from a member agent,
 * so registration, pings, status updates and their acknowledgements, failover and recovery work
 * unchanged; only the gateway's node is in the Hazelcast membership, and an agent joining or
 * leaving is one subscription, not a member joining or leaving every member's view.
 *
 * <p>Admission: the first frame must be a HELLO naming the agent; with a cluster secret it must
 * carry a fresh {@link AgentProof} over the agent id (kind {@value GatewayWire#HELLO_KIND}), so nobody
 * without the secret can take an agent's messages; with {@code --cluster-tls-*} the connection
 * is mutual TLS with the event bus's certificates. An agent that connects again (here or through
 * another gateway: a claim is published on {@value #CLAIMS}) supersedes its older connection,
 * which is closed; which is newer is told by the sequence number the agent gives each connection
 * (claims travel asynchronously, and one may arrive after a later one). Event-loop confined.
 */
public final class AgentGateway extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AgentGateway.class);
  /** Published by a gateway that admitted an agent: {@code <agentId> <connection sequence>}. */
  public static final String CLAIMS = "meso.gateway.claims";
  public static final long DEFAULT_KEEPALIVE_MILLIS = GatewayWire.DEFAULT_KEEPALIVE_MILLIS;
  /** How long a new connection has to say HELLO. */
  static final long HELLO_TIMEOUT_MILLIS = 10_000;
  static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,255}");

  private final String host;
  private final int port;
  private final ClusterSecret secret;
  private final long proofWindowMillis;
  private final MutualTls tls;
  private final long keepaliveMillis;
  private final String node = UUID.randomUUID().toString();
  private final Map<String, Connection> byAgent = new HashMap<>();
  private final Set<Connection> connections = new LinkedHashSet<>();
  private AgentProof.Verifier verifier;
  private NetServer server;
  private String lastElected;
  private volatile int boundPort;
  private volatile int admitted;
  /** Contexts the agents' inboxes are registered from (see {@link #control}). */
  private final java.util.List<io.vertx.core.Context> subscribers = new java.util.ArrayList<>();
  static final int SUBSCRIBERS = 8;

  /** One agent's connection. */
  private final class Connection {
    long sequence;
    GatewayChannel channel;
    String agentId;
    MessageConsumer<Object> inbox;
    boolean welcomed;
    long helloTimer = -1;
  }

  /**
   * @param secret the cluster secret agents must prove (null: none asked)
   * @param tls mutual TLS with the event bus's certificates (null: plain TCP)
   */
  public AgentGateway(String host, int port, ClusterSecret secret, long proofWindowMillis, MutualTls tls,
      long keepaliveMillis) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("agent gateway port is " + port + "; expected 0 (any free port) to 65535");
    }
    if (keepaliveMillis < 10) {
      throw new IllegalArgumentException("agent gateway keepalive is " + keepaliveMillis + " ms; expected >= 10");
    }
    this.host = host;
    this.port = port;
    this.secret = secret;
    this.proofWindowMillis = proofWindowMillis;
    this.tls = tls;
    this.keepaliveMillis = keepaliveMillis;
  }

  /** The port the gateway listens on (once started). */
  public int port() {
    return boundPort;
  }

  /** Agents admitted and connected right now. */
  public int admitted() {
    return admitted;
  }

  @Override
  public Future<?> start() {
    verifier = secret == null ? null : new AgentProof.Verifier(secret, proofWindowMillis, System::currentTimeMillis);
    for (int i = 0; i < SUBSCRIBERS; i++) {
      subscribers.add(((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext());
    }
    NetServerOptions options = new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
        .setTcpKeepAlive(true);
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(tls.keyCertOptions()).setTrustOptions(tls.trustOptions())
          .setClientAuth(ClientAuth.REQUIRED);
    }
    MessageConsumer<Object> elected = vertx.eventBus().consumer(Addresses.MASTER_ELECTED, msg -> {
      lastElected = String.valueOf(msg.body());
      for (Connection c : connections) {
        if (c.welcomed) {
          c.channel.write(Frame.publish(Addresses.MASTER_ELECTED, msg.headers(), msg.body()));
        }
      }
    });
    MessageConsumer<String> claims = vertx.eventBus().consumer(CLAIMS, msg -> claimed(msg.body()));
    knowTheLeader();
    server = vertx.createNetServer(options).connectHandler(this::connected);
    return Future.all(elected.completion(), claims.completion())
        .compose(v -> server.listen())
        .onSuccess(s -> {
          boundPort = s.actualPort();
          LOG.info("agent gateway listening on {}:{} tls={} proof={}", host, boundPort, tls != null, secret != null);
        });
  }

  /**
   * Reads the published leader (the election's record in the registry), so that a gateway started
   * after the election (a restarted master) still tells the agents it admits which leader it
   * knows: an agent that moves here after missing an election then re-registers at once.
   */
  private void knowTheLeader() {
    com.hazelcast.core.HazelcastInstance hz = io.meso.cluster.MesoCluster.hazelcast(vertx);
    if (hz == null) {
      return;
    }
    Future.fromCompletionStage(hz.getMap(io.meso.ha.LeaderElection.LEADER_MAP)
            .getAsync(io.meso.ha.LeaderElection.LEADER_KEY), context)
        .onSuccess(r -> {
          if (lastElected == null && r instanceof io.meso.ha.LeaderElection.LeaderRecord record) {
            lastElected = record.address();
          }
        })
        .onFailure(e -> LOG.debug("agent gateway could not read the published leader: {}", e.toString()));
  }

  @Override
  public Future<?> stop() {
    java.util.List<Future<?>> unregistered = new java.util.ArrayList<>();
    for (Connection c : java.util.List.copyOf(connections)) {
      c.channel.close();
      if (c.inbox != null) {
        // Made on a subscriber context, not this verticle's: not removed by its undeployment.
        unregistered.add(c.inbox.unregister());
        c.inbox = null;
      }
    }
    Future<?> closed = server == null ? Future.succeededFuture() : server.close();
    return Future.join(closed, Future.join(unregistered));
  }

  private void connected(NetSocket socket) {
    Connection c = new Connection();
    connections.add(c);
    c.channel = new GatewayChannel(vertx, socket, String.valueOf(socket.remoteAddress()), keepaliveMillis,
        address -> {
          if (!c.welcomed) {
            refuse(c, 400, "a message to " + address + " before the gateway admitted the agent (HELLO first)");
            return false;
          }
          return Addresses.MASTER.equals(address) || Addresses.MASTER_DIGEST.equals(address);
        }, frame -> control(c, frame))
        .onClose(() -> closed(c));
    c.helloTimer = vertx.setTimer(HELLO_TIMEOUT_MILLIS, id -> {
      c.helloTimer = -1;
      if (c.agentId == null) {
        refuse(c, 400, "no HELLO within " + HELLO_TIMEOUT_MILLIS + " ms");
      }
    });
  }

  private void control(Connection c, Frame f) {
    if (f.kind() != Kind.HELLO || c.agentId != null) {
      refuse(c, 400, "unexpected " + f.kind() + " frame" + (c.agentId == null ? " before HELLO" : ""));
      return;
    }
    vertx.cancelTimer(c.helloTimer);
    if (f.version() != GatewayWire.VERSION) {
      refuse(c, 409, "gateway protocol version " + f.version() + " is not supported; this gateway speaks "
          + GatewayWire.VERSION);
      return;
    }
    String agentId = f.address();
    if (agentId == null || !AGENT_ID.matcher(agentId).matches()) {
      refuse(c, 400, "agent id '" + agentId + "' is not 1 to 255 letters, digits, '.', '_' or '-'");
      return;
    }
    if (verifier != null) {
      try {
        verifier.verify(f.text(), GatewayWire.HELLO_KIND, GatewayWire.helloBytes(agentId, f.sequence()));
      } catch (AgentProof.Refused e) {
        LOG.warn("agent gateway refused agent_id={} from {}: {}", agentId, c.channel.peer(), e.getMessage());
        refuse(c, 401, e.getMessage());
        return;
      }
    }
    Connection older = byAgent.get(agentId);
    if (older != null && older.sequence >= f.sequence()) {
      refuse(c, 409, "a newer connection of agent " + agentId + " is open here (sequence " + older.sequence
          + " >= " + f.sequence() + ")");
      return;
    }
    c.agentId = agentId;
    c.sequence = f.sequence();
    byAgent.put(agentId, c);
    if (older != null) {
      LOG.info("agent_id={} connected again from {}; closing its older connection from {}", agentId,
          c.channel.peer(), older.channel.peer());
      older.channel.close();
    }
    // Other gateways drop an older connection they still hold for this agent (it moved here).
    vertx.eventBus().publish(CLAIMS, agentId + " " + c.sequence);
    String inboxAddress = Addresses.agent(agentId);
    // The agent's inbox is a clustered consumer: its registration is a write to the cluster's
    // subscription map, and Vert.x makes the writes of one context one at a time. Made from the
    // gateway's own context, the agents of a dead gateway moving here after a failover were
    // admitted about 200 a second; each is made on one of SUBSCRIBERS contexts, side by side.
    io.vertx.core.Context gateway = vertx.getOrCreateContext();
    io.vertx.core.Context subscriber = subscribers.get(Math.floorMod(agentId.hashCode(), subscribers.size()));
    Promise<MessageConsumer<Object>> subscribed = Promise.promise();
    subscriber.runOnContext(v -> {
      MessageConsumer<Object> inbox = vertx.eventBus().consumer(inboxAddress,
          msg -> gateway.runOnContext(x -> c.channel.forward(inboxAddress, msg)));
      // Back on the gateway's context: the admission below touches its state.
      inbox.completion().map(x -> inbox).onComplete(ar -> gateway.runOnContext(x -> subscribed.handle(ar)));
    });
    subscribed.future().onComplete(ar -> {
      if (ar.succeeded()) {
        c.inbox = ar.result();
      }
      if (c.channel.isClosed()) {
        if (c.inbox != null) {
          c.inbox.unregister(); // closed meanwhile: closed() found no inbox to remove
        }
        return;
      }
      if (ar.failed()) {
        refuse(c, 503, "could not subscribe " + inboxAddress + " on the cluster: " + ar.cause().getMessage());
        return;
      }
      c.welcomed = true;
      admitted++;
      c.channel.write(Frame.welcome(node, lastElected));
      LOG.debug("agent gateway admitted agent_id={} from {}", agentId, c.channel.peer());
    });
  }

  private void claimed(String claim) {
    int space = claim == null ? -1 : claim.indexOf(' ');
    if (space < 0) {
      return;
    }
    long sequence;
    try {
      sequence = Long.parseLong(claim.substring(space + 1));
    } catch (NumberFormatException e) {
      return;
    }
    Connection c = byAgent.get(claim.substring(0, space));
    // Only a newer connection of the agent supersedes one: a claim can arrive after a later one.
    if (c != null && c.sequence < sequence) {
      LOG.info("agent_id={} connected through another gateway; closing its connection here from {}", c.agentId,
          c.channel.peer());
      c.channel.close();
    }
  }

  private void refuse(Connection c, int code, String why) {
    c.channel.write(Frame.refused(code, why));
    c.channel.close();
  }

  private void closed(Connection c) {
    connections.remove(c);
    vertx.cancelTimer(c.helloTimer);
    if (c.welcomed) {
      admitted--;
    }
    if (c.agentId != null && byAgent.get(c.agentId) == c) {
      byAgent.remove(c.agentId);
    }
    if (c.inbox != null) {
      c.inbox.unregister();
    }
  }
}
