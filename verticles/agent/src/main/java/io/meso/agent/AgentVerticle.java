package io.meso.agent;

import io.meso.allocator.Resources;
import io.meso.codecs.Addresses;
import io.meso.executor.ExecutorVerticle;
import io.meso.executor.SimulatedExecutorVerticle;
import io.meso.executor.TaskStatusChanged;
import io.meso.internal.KillTaskMessage;
import io.meso.internal.PingAgentMessage;
import io.meso.internal.PongAgentMessage;
import io.meso.internal.RunTaskMessage;
import io.meso.internal.ShutdownAgentMessage;
import io.meso.internal.ShutdownFrameworkMessage;
import io.meso.internal.StatusUpdateAcknowledgementMessage;
import io.meso.proto.GetTaskUsageRequest;
import io.meso.proto.ListFilesRequest;
import io.meso.proto.ReadFileRequest;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Meso agent: offers this machine's resources to the leading master and runs the tasks it is
 * sent, through its executor (real processes, or simulated for benchmarks). This class wires
 * the event bus to the parts that decide what to do.
 *
 * <p>Start-up: {@link AgentIdentity} resolves the work dir, recovers the agent id from
 * {@code <workDir>/meta/agent_id} (else a fresh {@code <uuid>-S0}) and detects resources; then
 * the executor is deployed, the agent subscribes to {@code Addresses.agent(id)} and waits until
 * the subscription is in place, {@link TaskRecovery} takes back checkpointed tasks, and the
 * agent registers with the master ({@link MasterLink}, {@link AgentRegistration});
 * {@link #registered()} completes once a master answered. With
 * {@link AgentOptions#isServeHttp()} the agent's HTTP endpoints ({@link AgentHttpServer}) listen
 * before it registers, so that the port it advertises is the bound one (port 0: any free port).
 *
 * <p>Messages on its inbox: RunTaskMessage, KillTaskMessage, ShutdownFrameworkMessage,
 * StatusUpdateAcknowledgementMessage (send; handled by {@link AgentTasks}), ShutdownAgentMessage
 * ({@link GoneShutdown}); PingAgentMessage, ReadFileRequest, ListFilesRequest, GetTaskUsageRequest
 * (request/reply; files by {@link SandboxRequests}, usage over time by {@link UsageRecorder}). A
 * message it cannot handle is logged and ignored, or, if it is a request, failed with 400. Status updates are delivered reliably by
 * {@link StatusUpdateManager}.
 */
public class AgentVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);
  public static final String VERSION = "0.1.0";

  private final AgentOptions options;
  private final Promise<String> registered = Promise.promise();
  private final Promise<String> gone = Promise.promise();
  private final Promise<String> refused = Promise.promise();
  private String agentId;
  private AgentID agentIdProto;
  private AgentInfo agentInfo;
  private StatusUpdateManager updates;
  private MasterLink master;
  private SandboxRequests files;
  private SandboxIo sandboxIo;
  private TaskCheckpoints checkpoints;
  private AgentTasks tasks;
  private GoneShutdown goneShutdown;
  private AgentHttpServer http;
  private UsageRecorder usage;
  private io.meso.agent.GatewayLink link;
  private final long startMillis = System.currentTimeMillis();

  public AgentVerticle(AgentOptions options) {
    this.options = new AgentOptions(options);
  }

  /**
   * Completes, with what the master said, once the agent was marked gone by an operator (its
   * re-registration refused for good, or a ShutdownAgentMessage) and has killed its tasks,
   * removed its checkpointed identity and undeployed itself. A process running the agent should
   * then exit (non-zero): a restart with the same work dir joins as a new agent.
   */
  public Future<String> gone() {
    return gone.future();
  }

  /**
   * Completes, with what the master said, once the master refused the agent's proof of the
   * cluster secret (its secret is not the masters', or it has none). The agent stops trying; its
   * tasks and identity are kept. A process running the agent should then exit (non-zero).
   */
  public Future<String> refused() {
    return refused.future();
  }

  /** Completes with the agent id once a master accepted the agent's first registration. */
  public Future<String> registered() {
    return registered.future();
  }

  /** The agent id (null until started). */
  public String agentId() {
    return agentId;
  }

  /** What the agent tells the master about itself (null until started). */
  public AgentInfo agentInfo() {
    return agentInfo;
  }

  /**
   * Why the agent is not ready to serve, or null when it is: sandbox file IO threads stuck
   * beyond their time bound (a task made an open block), so file reads are refused or slow.
   * The agent also tells the master in every PongAgentMessage.
   */
  public String notReadyReason() {
    return sandboxIo == null ? "the agent is starting" : sandboxIo.stuck();
  }

  /** The agent's sandbox file IO pool (null until started). */
  SandboxIo sandboxIo() {
    return sandboxIo;
  }

  /** How many status updates the agent holds unacknowledged (read on its event loop). */
  public Future<Integer> pendingUpdates() {
    Promise<Integer> count = Promise.promise();
    context.runOnContext(v -> count.complete(updates == null ? 0 : updates.pendingCount()));
    return count.future();
  }

  /** Whether the agent is registered with a live master right now. */
  public boolean isConnected() {
    return master != null && master.isConnected();
  }

  @Override
  public Future<?> start() {
    boolean checkpointing = TaskCheckpoints.enabled(options);
    return vertx.executeBlocking(() -> AgentIdentity.prepare(options, checkpointing), false).compose(identity -> {
      Path workDir = identity.workDir();
      boolean recovered = identity.recovered();
      agentId = identity.agentId();
      agentIdProto = AgentID.newBuilder().setValue(agentId).build();
      agentInfo = identity.info();
      checkpoints = new TaskCheckpoints(vertx, agentId, workDir, checkpointing);
      String executorAddress = Addresses.executor(agentId);
      // Through a gateway, to this agent's own link: agents sharing a Vert.x (a benchmark's) each use theirs.
      String masterAddress = options.getGateways().isEmpty() ? Addresses.MASTER : GatewayLink.masterAddress(agentId);
      updates = new StatusUpdateManager(vertx, options.getStatusUpdateRetryInitialMillis(),
          options.getStatusUpdateRetryMaxMillis(), update -> vertx.eventBus().send(masterAddress, update));
      sandboxIo = new SandboxIo(vertx, agentId, SandboxIo.DEFAULT_THREADS, SandboxIo.DEFAULT_QUEUE,
          options.getSandboxReadTimeoutMillis());
      files = new SandboxRequests(sandboxIo, agentId, (frameworkId, taskId) -> {
        AgentTask task = tasks.find(frameworkId, taskId);
        return task == null ? null : task.sandbox;
      });
      tasks = new AgentTasks(vertx, options, agentId, workDir, executorAddress, updates, files, checkpoints);
      // A simulated executor runs nothing and has no usage to sample.
      usage = new UsageRecorder(vertx, agentId, executorAddress,
          options.getExecutorMode() == ExecutorMode.SIMULATED ? 0 : options.getUsageIntervalMillis(),
          options.getUsageHistorySamples());
      return listen().compose(v -> {
        String digestAddress = options.getGateways().isEmpty() ? Addresses.MASTER_DIGEST
            : GatewayLink.digestAddress(agentId);
        master = new MasterLink(vertx, agentId, options, masterAddress, digestAddress, new AgentRegistration(agentInfo, recovered, tasks, updates,
            () -> AgentIdentity.checkpointId(vertx, workDir, agentId), registered, why -> goneShutdown.start(why), refused::tryComplete));
        goneShutdown = new GoneShutdown(vertx, options, agentId, workDir, master, updates, tasks, checkpoints,
            () -> vertx.undeploy(context.deploymentID()), gone);
        return deploy(identity, workDir, executorAddress);
      });
    });
  }

  /** Starts the HTTP server when asked to; the port it bound is then the one advertised. */
  private Future<Void> listen() {
    if (!options.isServeHttp()) {
      return Future.succeededFuture();
    }
    String host = options.getHostname() == null || options.getHostname().isBlank() ? "0.0.0.0" : options.getHostname();
    http = new AgentHttpServer(vertx, new View(), new io.meso.security.http.HttpGate(vertx,
        new io.meso.security.authn.HostCheck(host, options.getAllowedHosts()), options.getAuthenticator(),
        AgentHttpServer.PROBES), options.getAcls());
    return http.listen(host, options.getPort()).map(port -> {
      agentInfo = agentInfo.toBuilder().setPort(port).build();
      return null;
    });
  }

  /** Deploys the executor, subscribes to the agent's inbox, recovers tasks and registers with the master. */
  private Future<Void> deploy(AgentIdentity identity, Path workDir, String executorAddress) {
    return gatewayLink()
        .compose(v -> vertx.eventBus().<TaskStatusChanged>localConsumer(Addresses.executorStatus(agentId),
            msg -> tasks.statusChanged(msg.body())).completion())
        .compose(v -> vertx.deployVerticle(options.getExecutorMode() == ExecutorMode.SIMULATED
            ? new SimulatedExecutorVerticle(agentId, options.toExecutorOptions())
            : new ExecutorVerticle(agentId, options.toExecutorOptions())))
        .compose(v -> vertx.eventBus().consumer(Addresses.agent(agentId), this::onMessage).completion())
        // A newly elected master announces itself: re-register now rather than after a ping timeout
        // (through a gateway: as this agent's own link hears it).
        .compose(v -> link == null
            ? LeaderAnnouncements.subscribe(vertx, address -> master.masterElected(address)).mapEmpty()
            : vertx.eventBus().<String>localConsumer(GatewayLink.electedAddress(agentId),
                msg -> master.masterElected(msg.body())).completion())
        .onSuccess(v -> {
          TaskRecovery.recover(vertx, agentId, executorAddress, identity.tasks(), tasks, checkpoints);
          LOG.info("agent started agent_id={} hostname={} port={} work_dir={} recovered={} resources={}", agentId,
              agentInfo.getHostname(), agentInfo.getPort(), workDir, identity.recovered(),
              Resources.fromProto(agentInfo.getResourcesList()));
          if (link == null) {
            master.connect();
          } else {
            // Through a gateway: register once one admits the agent (until then there is no master to ask).
            link.admitted().onSuccess(x -> master.connect());
          }
          usage.start();
        }).mapEmpty();
  }

  /**
   * With gateways given, deploys the link that carries this agent's traffic through one of them
   * (the agent's Vert.x is then its own, not a cluster member). Registration starts once a gateway
   * first admits the agent.
   */
  private Future<Void> gatewayLink() {
    if (options.getGateways().isEmpty()) {
      return Future.succeededFuture();
    }
    java.util.List<io.meso.agent.GatewayLink.Endpoint> endpoints = new java.util.ArrayList<>();
    for (String g : options.getGateways()) {
      endpoints.add(io.meso.agent.GatewayLink.Endpoint.parse("--master-gateway", g));
    }
    link = new io.meso.agent.GatewayLink(agentId, endpoints, options.getClusterSecret(),
        options.getGatewayTls(), options.getGatewayKeepaliveMillis());
    return vertx.deployVerticle(link).mapEmpty();
  }

  /** The gateway link (null when the agent is a cluster member). */
  public io.meso.agent.GatewayLink gateway() {
    return link;
  }

  @Override
  public Future<?> stop() {
    if (usage != null) {
      usage.close();
    }
    if (master != null) {
      master.close();
    }
    if (updates != null) {
      updates.close();
    }
    if (sandboxIo != null) {
      sandboxIo.close();
    }
    Future<Void> closed = http == null ? Future.succeededFuture() : http.close();
    return closed.transform(ar -> checkpoints == null ? Future.succeededFuture() : checkpoints.close());
  }

  /** The agent as its HTTP endpoints see it. */
  private final class View implements AgentView {
    @Override
    public String agentId() {
      return agentId;
    }

    @Override
    public AgentInfo info() {
      return agentInfo;
    }

    @Override
    public java.util.Collection<AgentTask> tasks() {
      return tasks.all();
    }

    @Override
    public java.util.Map<io.meso.v1.TaskState, Long> ended() {
      return tasks.ended();
    }

    @Override
    public boolean registered() {
      return isConnected();
    }

    @Override
    public long startMillis() {
      return startMillis;
    }

    @Override
    public String executorAddress() {
      return Addresses.executor(agentId);
    }
  }

  // ---- inbox ----

  private void onMessage(Message<Object> msg) {
    Object body = null;
    try {
      body = msg.body();
      if (body instanceof RunTaskMessage run) {
        tasks.run(run);
      } else if (body instanceof KillTaskMessage kill) {
        tasks.kill(kill);
      } else if (body instanceof StatusUpdateAcknowledgementMessage ack) {
        tasks.acknowledge(ack);
      } else if (body instanceof PingAgentMessage ping) {
        PongAgentMessage.Builder pong = PongAgentMessage.newBuilder().setAgentId(agentIdProto);
        String notReady = notReadyReason();
        if (notReady != null) {
          pong.setNotReadyReason(notReady);
        }
        msg.reply(pong.build());
        master.pinged(ping);
      } else if (body instanceof ShutdownFrameworkMessage shutdown) {
        tasks.shutdownFramework(shutdown.getFrameworkId().getValue());
      } else if (body instanceof ShutdownAgentMessage shutdown) {
        goneShutdown.start(shutdown.getMessage().isEmpty() ? "the master told the agent to shut down"
            : shutdown.getMessage());
      } else if (body instanceof ReadFileRequest read) {
        files.read(msg, read);
      } else if (body instanceof ListFilesRequest list) {
        files.list(msg, list);
      } else if (body instanceof GetTaskUsageRequest request) {
        usage.answer(msg, request);
      } else {
        refuse(msg, "unexpected message type " + (body == null ? "null" : body.getClass().getName()));
      }
    } catch (RuntimeException e) {
      LOG.warn("agent failed to handle a message agent_id={} type={}", agentId,
          body == null ? "?" : body.getClass().getSimpleName(), e);
      refuse(msg, "cannot handle message: " + e);
    }
  }

  private void refuse(Message<Object> msg, String why) {
    if (msg.replyAddress() != null) {
      msg.fail(400, why);
    } else {
      LOG.warn("ignoring message agent_id={} reason={}", agentId, why);
    }
  }
}
