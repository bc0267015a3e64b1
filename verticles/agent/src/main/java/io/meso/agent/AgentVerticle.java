package io.meso.agent;

import com.google.protobuf.ByteString;
import io.meso.allocator.Resources;
import io.meso.proto.ListFilesRequest;
import io.meso.proto.ReadFileRequest;
import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.codecs.TaskStates;
import io.meso.executor.ExecutorVerticle;
import io.meso.executor.FileNames;
import io.meso.executor.KillTask;
import io.meso.executor.LaunchTask;
import io.meso.executor.SimulatedExecutorVerticle;
import io.meso.executor.TaskCheckpoint;
import io.meso.executor.TaskStatusChanged;
import io.meso.internal.AgentRegisteredMessage;
import io.meso.internal.AgentReregisteredMessage;
import io.meso.internal.KillTaskMessage;
import io.meso.internal.PingAgentMessage;
import io.meso.internal.PongAgentMessage;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.internal.RunTaskMessage;
import io.meso.internal.ShutdownFrameworkMessage;
import io.meso.internal.StatusUpdate;
import io.meso.internal.StatusUpdateAcknowledgementMessage;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Meso agent: offers this machine's resources to the leading master and runs the tasks it is
 * sent, through its executor (real processes, or simulated for benchmarks).
 *
 * <p>Start-up: resolve the work dir, recover the agent id from {@code <workDir>/meta/agent_id}
 * (else a fresh {@code <uuid>-S0}), detect resources, deploy the executor, subscribe to
 * {@code Addresses.agent(id)} and wait until the subscription is in place, then register with
 * the master (see {@link MasterLink}); {@link #registered()} completes once a master answered.
 * The id is checkpointed after the first registration; an agent that recovered it, or that
 * registered before in this process, sends ReregisterAgentMessage with its tasks, their
 * frameworks and the update in flight of each.
 *
 * <p>Messages on its inbox: RunTaskMessage, KillTaskMessage, ShutdownFrameworkMessage,
 * StatusUpdateAcknowledgementMessage (send); PingAgentMessage, ReadFileRequest,
 * ListFilesRequest (request/reply). A message it cannot handle is logged and ignored, or, if it
 * is a request, failed with 400. Status updates are delivered reliably by
 * {@link StatusUpdateManager}. Sandboxes: {@code <workDir>/frameworks/<fw>/tasks/<task>}.
 */
public class AgentVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AgentVerticle.class);
  public static final String VERSION = "0.1.0";

  private final AgentOptions options;
  private final Promise<String> registered = Promise.promise();
  private final Map<TaskKey, AgentTask> tasks = new LinkedHashMap<>();
  private String agentId;
  private AgentID agentIdProto;
  private AgentInfo agentInfo;
  private Path workDir;
  private boolean recovered;
  private boolean everRegistered;
  private String executorAddress;
  private StatusUpdateManager updates;
  private MasterLink master;
  private SandboxRequests files;
  private SandboxIo sandboxIo;
  /** Whether tasks are checkpointed (process executor and {@link AgentOptions#isCheckpoint()}). */
  private boolean checkpointing;
  /** One thread, so that a task's checkpoint records are written in the order they happened. */
  private io.vertx.core.WorkerExecutor checkpointer;
  private List<TaskCheckpoint.Recovered> recoveredTasks = List.of();

  public AgentVerticle(AgentOptions options) {
    this.options = new AgentOptions(options);
  }

  private final Promise<String> gone = Promise.promise();
  /** Why the agent is shutting down for good (an operator marked it gone); null while it is not. */
  private String goneReason;
  private long goneTimer = -1;

  /**
   * Completes, with what the master said, once the agent was marked gone by an operator (its
   * re-registration refused for good, or a ShutdownAgentMessage) and has killed its tasks,
   * removed its checkpointed identity and undeployed itself. A process running the agent should
   * then exit (non-zero): a restart with the same work dir joins as a new agent.
   */
  public Future<String> gone() {
    return gone.future();
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

  /** Whether the agent is registered with a live master right now. */
  public boolean isConnected() {
    return master != null && master.isConnected();
  }

  private record Prepared(Path workDir, String agentId, boolean recovered, AgentInfo info,
      List<TaskCheckpoint.Recovered> tasks) {}

  @Override
  public Future<?> start() {
    checkpointing = options.isCheckpoint() && options.getExecutorMode() == ExecutorMode.PROCESS;
    return vertx.executeBlocking(this::prepare, false).compose(p -> {
      workDir = p.workDir();
      agentId = p.agentId();
      agentIdProto = AgentID.newBuilder().setValue(agentId).build();
      agentInfo = p.info();
      recovered = p.recovered();
      recoveredTasks = p.tasks();
      if (checkpointing) {
        checkpointer = vertx.createSharedWorkerExecutor("meso-checkpoint-" + agentId, 1);
      }
      executorAddress = Addresses.executor(agentId);
      updates = new StatusUpdateManager(vertx, options.getStatusUpdateRetryInitialMillis(),
          options.getStatusUpdateRetryMaxMillis(), update -> vertx.eventBus().send(Addresses.MASTER, update));
      master = new MasterLink(vertx, agentId, options, new MasterListener());
      sandboxIo = new SandboxIo(vertx, agentId, SandboxIo.DEFAULT_THREADS, SandboxIo.DEFAULT_QUEUE,
          options.getSandboxReadTimeoutMillis());
      files = new SandboxRequests(sandboxIo, agentId, (frameworkId, taskId) -> {
        AgentTask task = find(frameworkId, taskId);
        return task == null ? null : task.sandbox;
      });
      return vertx.eventBus().<TaskStatusChanged>localConsumer(Addresses.executorStatus(agentId),
          msg -> onExecutorStatus(msg.body())).completion();
    }).compose(v -> vertx.deployVerticle(options.getExecutorMode() == ExecutorMode.SIMULATED
        ? new SimulatedExecutorVerticle(agentId, options.toExecutorOptions())
        : new ExecutorVerticle(agentId, options.toExecutorOptions())))
        .compose(v -> vertx.eventBus().consumer(Addresses.agent(agentId), this::onMessage).completion())
        // A newly elected master announces itself: re-register now rather than after a ping timeout.
        .compose(v -> LeaderAnnouncements.subscribe(vertx, address -> master.masterElected(address)))
        .onSuccess(v -> {
          recoverTasks();
          LOG.info("agent started agent_id={} hostname={} port={} work_dir={} recovered={} resources={}", agentId,
              agentInfo.getHostname(), agentInfo.getPort(), workDir, recovered,
              Resources.fromProto(agentInfo.getResourcesList()));
          master.connect();
        });
  }

  @Override
  public Future<?> stop() {
    if (master != null) {
      master.close();
    }
    if (updates != null) {
      updates.close();
    }
    if (sandboxIo != null) {
      sandboxIo.close();
    }
    return checkpointer == null ? Future.succeededFuture() : checkpointer.close();
  }

  /** Blocking start-up work: work dir, agent id checkpoint, host name, resources, attributes. */
  private Prepared prepare() throws Exception {
    Path dir = Path.of(options.getWorkDir()).toAbsolutePath().normalize();
    Files.createDirectories(dir);
    Path checkpoint = dir.resolve("meta").resolve("agent_id");
    String id = Files.isRegularFile(checkpoint) ? Files.readString(checkpoint).trim() : "";
    boolean recoveredId = !id.isEmpty();
    if (!recoveredId) {
      id = UUID.randomUUID() + "-S0";
    }
    String hostname = options.getHostname();
    if (hostname == null || hostname.isBlank()) {
      try {
        hostname = InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        hostname = "localhost";
      }
    }
    AgentInfo info = AgentInfo.newBuilder()
        .setId(AgentID.newBuilder().setValue(id))
        .setHostname(hostname)
        .setPort(options.getPort())
        .addAllResources(ResourceDetector.detect(options.getResources(), dir).toProto())
        .addAllAttributes(AgentAttributes.parse(options.getAttributes()))
        .build();
    List<TaskCheckpoint.Recovered> tasks = List.of();
    if (checkpointing && recoveredId) {
      tasks = TaskCheckpoint.recoverAll(dir);
    } else if (!recoveredId) {
      // Without its id the agent is a new one: tasks checkpointed under an old identity belong to
      // no master's view of this agent. Kill what is left of them, as Mesos does on a fresh start.
      for (TaskCheckpoint.Recovered stale : TaskCheckpoint.recoverAll(dir)) {
        if (TaskCheckpoint.killLeftovers(stale)) {
          LOG.info("killed a task left by a previous agent identity task_id={} pid={}",
              stale.task().getTaskId().getValue(), stale.pid());
        }
        TaskCheckpoint.remove(stale.dir());
      }
    }
    return new Prepared(dir, id, recoveredId, info, tasks);
  }

  // ---- inbox ----

  private void onMessage(Message<Object> msg) {
    Object body = null;
    try {
      body = msg.body();
      if (body instanceof RunTaskMessage run) {
        runTask(run);
      } else if (body instanceof KillTaskMessage kill) {
        killTask(kill);
      } else if (body instanceof StatusUpdateAcknowledgementMessage ack) {
        acknowledge(ack);
      } else if (body instanceof PingAgentMessage ping) {
        PongAgentMessage.Builder pong = PongAgentMessage.newBuilder().setAgentId(agentIdProto);
        String notReady = notReadyReason();
        if (notReady != null) {
          pong.setNotReadyReason(notReady);
        }
        msg.reply(pong.build());
        master.pinged(ping);
      } else if (body instanceof ShutdownFrameworkMessage shutdown) {
        shutdownFramework(shutdown.getFrameworkId().getValue());
      } else if (body instanceof io.meso.internal.ShutdownAgentMessage shutdown) {
        shutdownAsGone(shutdown.getMessage().isEmpty() ? "the master told the agent to shut down"
            : shutdown.getMessage());
      } else if (body instanceof ReadFileRequest read) {
        files.read(msg, read);
      } else if (body instanceof ListFilesRequest list) {
        files.list(msg, list);
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

  private void runTask(RunTaskMessage run) {
    FrameworkInfo framework = run.getFramework();
    TaskInfo task = run.getTask();
    String frameworkId = framework.getId().getValue();
    String taskId = task.getTaskId().getValue();
    if (frameworkId.isEmpty() || taskId.isEmpty()) {
      LOG.warn("ignoring RunTaskMessage without framework.id or task.task_id agent_id={} framework_id='{}' "
          + "task_id='{}'", agentId, frameworkId, taskId);
      return;
    }
    TaskKey key = new TaskKey(frameworkId, taskId);
    AgentTask existing = tasks.get(key);
    if (existing != null) {
      reject(frameworkId, task, "Task '" + taskId + "' of framework " + frameworkId + " is already "
          + (TaskStates.isTerminal(existing.state) ? "known to agent " + agentId + " (" + existing.state
          + ", not yet acknowledged)" : "running on agent " + agentId + " (" + existing.state + ")")
          + ": task ids must be unique within a framework");
      return;
    }
    if (options.getExecutorMode() == ExecutorMode.PROCESS && task.getCommand().getValue().isEmpty()) {
      reject(frameworkId, task, "Task '" + taskId + "' has no command: set command.value");
      return;
    }
    Path sandbox = sandbox(frameworkId, taskId);
    tasks.put(key, new AgentTask(key, framework, task, sandbox));
    files.relaunched(key);
    LOG.debug("launching task {} sandbox={}", key, sandbox);
    vertx.eventBus().send(executorAddress, new LaunchTask(framework, task, sandbox.toString(),
        checkpointing ? TaskCheckpoint.dir(workDir, frameworkId, taskId).toString() : null), MesoCodecs.LOCAL);
  }

  private void reject(String frameworkId, TaskInfo task, String message) {
    LOG.info("rejecting task framework_id={} task_id={} reason={}", frameworkId, task.getTaskId().getValue(), message);
    TaskStatus status = TaskStatus.newBuilder()
        .setTaskId(task.getTaskId())
        .setState(TaskState.TASK_ERROR)
        .setReason(TaskStatus.Reason.REASON_TASK_INVALID)
        .setSource(TaskStatus.Source.SOURCE_AGENT)
        .setMessage(message)
        .build();
    updates.addRejection(newUpdate(frameworkId, status));
  }

  private void killTask(KillTaskMessage kill) {
    AgentTask task = find(kill.hasFrameworkId() ? kill.getFrameworkId().getValue() : null, kill.getTaskId().getValue());
    if (task == null) {
      LOG.info("kill for an unknown task ignored (the master handles unknown tasks) agent_id={} framework_id={} "
          + "task_id={}", agentId, kill.getFrameworkId().getValue(), kill.getTaskId().getValue());
      return;
    }
    long grace = kill.hasKillPolicy() && kill.getKillPolicy().hasGracePeriod()
        ? kill.getKillPolicy().getGracePeriod().getNanoseconds() / 1_000_000 : -1;
    kill(task, grace);
  }

  /** Kills a task; {@code graceMillis < 0} means the task's own kill policy, else the agent's default. */
  private void kill(AgentTask task, long graceMillis) {
    if (TaskStates.isTerminal(task.state)) {
      LOG.info("kill for a task that already ended ignored {} state={}", task.key, task.state);
      return;
    }
    long grace = graceMillis >= 0 ? graceMillis
        : task.info.hasKillPolicy() && task.info.getKillPolicy().hasGracePeriod()
            ? task.info.getKillPolicy().getGracePeriod().getNanoseconds() / 1_000_000
            : options.getKillGracePeriodMillis();
    boolean reportKilling = task.framework.getCapabilitiesList().stream()
        .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.TASK_KILLING_STATE);
    LOG.info("killing task {} grace_period_ms={}", task.key, grace);
    vertx.eventBus().send(executorAddress,
        new KillTask(task.key.frameworkId(), task.key.taskId(), Math.max(0, grace), reportKilling), MesoCodecs.LOCAL);
  }

  private void shutdownFramework(String frameworkId) {
    LOG.info("shutting down framework agent_id={} framework_id={}", agentId, frameworkId);
    for (AgentTask task : new ArrayList<>(tasks.values())) {
      if (task.key.frameworkId().equals(frameworkId)) {
        kill(task, -1);
      }
    }
  }

  private void acknowledge(StatusUpdateAcknowledgementMessage ack) {
    TaskKey key = new TaskKey(ack.getFrameworkId().getValue(), ack.getTaskId().getValue());
    StatusUpdate acked = updates.acknowledge(key, ack.getUuid());
    if (acked == null) {
      if (updates.acknowledgeRejection(ack.getUuid()) == null) {
        LOG.debug("acknowledgement for no update in flight ignored {} ", key);
      }
      return;
    }
    boolean done = TaskStates.isTerminal(acked.getStatus().getState()) && updates.head(key) == null;
    if (checkpointing) {
      Path dir = TaskCheckpoint.dir(workDir, key.frameworkId(), key.taskId());
      checkpoint(() -> {
        if (done) {
          TaskCheckpoint.remove(dir);
        } else {
          TaskCheckpoint.appendAck(dir, ack.getUuid());
        }
      }, key);
    }
    if (done) {
      AgentTask task = tasks.remove(key);
      if (task != null) {
        files.completed(key, task.sandbox);
        LOG.debug("task forgotten after its terminal update was acknowledged {} state={}", key, task.state);
      }
    }
  }

  // ---- executor ----

  private void onExecutorStatus(TaskStatusChanged changed) {
    TaskKey key = new TaskKey(changed.frameworkId(), changed.taskId());
    AgentTask task = tasks.get(key);
    if (task == null) {
      LOG.warn("status from the executor for an unknown task ignored {} state={}", key, changed.status().getState());
      return;
    }
    StatusUpdate update = newUpdate(changed.frameworkId(), changed.status());
    task.state = changed.status().getState();
    task.latestStatus = update.getStatus();
    if (goneReason != null) {
      // Marked gone: the master ignores this agent's updates; wait for the last task to end.
      LOG.info("task ended while the agent shuts down (marked gone) {} state={}", key, task.state);
      if (tasks.values().stream().allMatch(t -> TaskStates.isTerminal(t.state))) {
        finishGone();
      }
      return;
    }
    LOG.debug("status update {} state={} message={}", key, task.state, changed.status().getMessage());
    addUpdate(key, update);
  }

  /** Queues an update for reliable delivery; when checkpointing, only once it is in the task's log. */
  private void addUpdate(TaskKey key, StatusUpdate update) {
    if (!checkpointing) {
      updates.add(key, update);
      return;
    }
    Path dir = TaskCheckpoint.dir(workDir, key.frameworkId(), key.taskId());
    checkpoint(() -> TaskCheckpoint.appendUpdate(dir, update), key).onComplete(ar -> updates.add(key, update));
  }

  private interface CheckpointWrite {
    void write() throws Exception;
  }

  /** Runs a checkpoint write on the agent's single checkpoint thread, in order; a failure is logged, not fatal. */
  private Future<Void> checkpoint(CheckpointWrite write, TaskKey key) {
    return checkpointer.<Void>executeBlocking(() -> {
      write.write();
      return null;
    }, true).onFailure(e -> LOG.warn("cannot checkpoint task {} work_dir={} error={}: a restarted agent may not "
        + "recover it", key, workDir, e.toString()));
  }

  // ---- recovery ----

  /**
   * Takes back the tasks a previous run of this agent checkpointed: their unacknowledged updates
   * go back in flight (sent once registered); the executor adopts the ones still running and
   * reports the ones that ended meanwhile from their recorded exit status; a task whose process
   * was never recorded as started is reported TASK_DROPPED (TASK_LOST to frameworks that are not
   * partition-aware) with REASON_AGENT_RESTARTED.
   */
  private void recoverTasks() {
    if (recoveredTasks.isEmpty()) {
      return;
    }
    List<io.meso.executor.RecoverTasks.Adopt> adopt = new ArrayList<>();
    List<AgentTask> neverStarted = new ArrayList<>();
    int done = 0;
    for (TaskCheckpoint.Recovered r : recoveredTasks) {
      String frameworkId = r.framework().getId().getValue();
      String taskId = r.task().getTaskId().getValue();
      TaskKey key = new TaskKey(frameworkId, taskId);
      AgentTask task = new AgentTask(key, r.framework(), r.task(), sandbox(frameworkId, taskId));
      if (!r.updates().isEmpty()) {
        StatusUpdate last = r.updates().get(r.updates().size() - 1);
        task.state = last.getStatus().getState();
        task.latestStatus = last.getStatus();
      }
      if (TaskStates.isTerminal(task.state) && r.unacknowledged().isEmpty()) {
        done++;
        checkpoint(() -> TaskCheckpoint.remove(r.dir()), key);
        continue;
      }
      tasks.put(key, task);
      updates.restore(key, r.unacknowledged());
      if (TaskStates.isTerminal(task.state)) {
        continue; // ended and reported; waiting for the acknowledgement
      }
      if (r.pid() > 0) {
        adopt.add(new io.meso.executor.RecoverTasks.Adopt(new LaunchTask(r.framework(), r.task(),
            task.sandbox.toString(), r.dir().toString()), r.pid(), r.startTime()));
      } else {
        neverStarted.add(task);
      }
    }
    LOG.info("recovering tasks agent_id={} running_or_ended={} never_started={} terminal_unacknowledged={} "
        + "already_done={}", agentId, adopt.size(), neverStarted.size(),
        tasks.size() - adopt.size() - neverStarted.size(), done);
    recoveredTasks = List.of();
    vertx.eventBus().send(executorAddress, new io.meso.executor.RecoverTasks(adopt), MesoCodecs.LOCAL);
    for (AgentTask task : neverStarted) {
      boolean aware = task.framework.getCapabilitiesList().stream()
          .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
      onExecutorStatus(new TaskStatusChanged(task.key.frameworkId(), TaskStatus.newBuilder()
          .setTaskId(task.info.getTaskId())
          .setState(aware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST)
          .setReason(TaskStatus.Reason.REASON_AGENT_RESTARTED)
          .setSource(TaskStatus.Source.SOURCE_AGENT)
          .setMessage("The agent restarted before the task's process was started")
          .build()));
    }
  }

  private StatusUpdate newUpdate(String frameworkId, TaskStatus status) {
    UUID uuid = UUID.randomUUID();
    ByteString bytes = ByteString.copyFrom(ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).flip());
    double now = System.currentTimeMillis() / 1000.0;
    TaskStatus stamped = status.toBuilder().setAgentId(agentIdProto).setTimestamp(now).setUuid(bytes).build();
    return StatusUpdate.newBuilder()
        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
        .setStatus(stamped)
        .setTimestamp(now)
        .setUuid(bytes)
        .setAgentId(agentIdProto)
        .setLatestState(stamped.getState())
        .build();
  }

  /**
   * The task with this id of this framework; without a framework id, the one task with this id,
   * or null when several frameworks' tasks share it (task ids are unique per framework only, so
   * acting on the first one found could kill or serve another framework's task).
   */
  private AgentTask find(String frameworkId, String taskId) {
    if (frameworkId != null && !frameworkId.isEmpty()) {
      return tasks.get(new TaskKey(frameworkId, taskId));
    }
    AgentTask found = null;
    for (AgentTask task : tasks.values()) {
      if (task.key.taskId().equals(taskId)) {
        if (found != null) {
          LOG.warn("task id used by several frameworks and no framework id given: nothing done agent_id={} "
              + "task_id={} framework_ids={},{}", agentId, taskId, found.key.frameworkId(), task.key.frameworkId());
          return null;
        }
        found = task;
      }
    }
    return found;
  }

  private Path sandbox(String frameworkId, String taskId) {
    return workDir.resolve("frameworks").resolve(FileNames.sanitize(frameworkId))
        .resolve("tasks").resolve(FileNames.sanitize(taskId));
  }

  // ---- master ----

  private final class MasterListener implements MasterLink.Listener {

    @Override
    public Object registration() {
      AgentInfo info = agentInfo;
      if (!everRegistered && !recovered) {
        return RegisterAgentMessage.newBuilder().setAgentInfo(info).setVersion(VERSION).build();
      }
      ReregisterAgentMessage.Builder msg = ReregisterAgentMessage.newBuilder().setAgentInfo(info).setVersion(VERSION);
      Map<String, FrameworkInfo> frameworks = new HashMap<>();
      for (AgentTask task : tasks.values()) {
        msg.addTasks(task.toProto(agentIdProto, updates.head(task.key)));
        frameworks.put(task.key.frameworkId(), task.framework);
      }
      msg.addAllFrameworks(frameworks.values());
      msg.addAllUpdates(updates.heads());
      return msg.build();
    }

    @Override
    public Double registered(Object reply) {
      AgentID id;
      double interval;
      List<TaskID> toKill = List.of();
      List<KillTaskMessage> killTasks = List.of();
      if (reply instanceof AgentRegisteredMessage r) {
        id = r.getAgentId();
        interval = r.getPingIntervalSeconds();
      } else if (reply instanceof AgentReregisteredMessage r) {
        id = r.getAgentId();
        interval = r.getPingIntervalSeconds();
        toKill = r.getKillTaskIdsList();
        killTasks = r.getKillTasksList();
      } else {
        return null;
      }
      if (!id.getValue().isEmpty() && !id.getValue().equals(agentId)) {
        LOG.warn("master answered with another agent id, keeping ours agent_id={} master_said={}", agentId,
            id.getValue());
      }
      boolean first = !everRegistered;
      everRegistered = true;
      LOG.info("{} with the master agent_id={} ping_interval_s={} tasks={} pending_updates={}",
          reply instanceof AgentRegisteredMessage ? "registered" : "re-registered", agentId, interval, tasks.size(),
          updates.pendingCount());
      if (first && !recovered) {
        checkpointAgentId();
      }
      updates.resume();
      if (!killTasks.isEmpty()) {
        for (KillTaskMessage k : killTasks) {
          AgentTask task = find(k.getFrameworkId().getValue(), k.getTaskId().getValue());
          if (task != null) {
            kill(task, -1);
          }
        }
      } else {
        for (TaskID taskId : toKill) { // an older master: task ids only (ambiguous ones are not killed)
          AgentTask task = find(null, taskId.getValue());
          if (task != null) {
            kill(task, -1);
          }
        }
      }
      registered.tryComplete(agentId);
      return interval;
    }

    @Override
    public void disconnected(String why) {
      updates.pause();
    }

    @Override
    public void gone(String why) {
      shutdownAsGone(why);
    }
  }

  // ---- marked gone ----

  /**
   * An operator marked this agent gone (Mesos MARK_AGENT_GONE): it can never register under its
   * id again. Stops talking to the master, kills every task, and once they ended (or after
   * their grace periods) removes the checkpointed identity and task checkpoints and undeploys.
   */
  private void shutdownAsGone(String why) {
    if (goneReason != null) {
      return;
    }
    goneReason = why;
    master.close();
    updates.pause();
    List<AgentTask> running = tasks.values().stream().filter(t -> !TaskStates.isTerminal(t.state)).toList();
    LOG.error("agent {} was marked gone by the operator and must stop: {}. It kills its {} task(s), removes its "
        + "identity ({}) and stops. To rejoin the cluster, start it again (the same --work-dir is fine): it will "
        + "register as a NEW agent with a new id", agentId, why, running.size(), workDir.resolve("meta")
        .resolve("agent_id"));
    long grace = options.getKillGracePeriodMillis();
    for (AgentTask task : running) {
      kill(task, -1);
      if (task.info.hasKillPolicy() && task.info.getKillPolicy().hasGracePeriod()) {
        grace = Math.max(grace, task.info.getKillPolicy().getGracePeriod().getNanoseconds() / 1_000_000);
      }
    }
    if (running.isEmpty()) {
      finishGone();
    } else {
      // Whatever has not ended by then is killed from its checkpoint (or left to the executor's stop).
      goneTimer = vertx.setTimer(grace + 5_000, t -> {
        goneTimer = -1;
        finishGone();
      });
    }
  }

  private boolean goneFinished;

  private void finishGone() {
    if (goneFinished) {
      return;
    }
    goneFinished = true;
    if (goneTimer >= 0) {
      vertx.cancelTimer(goneTimer);
      goneTimer = -1;
    }
    updates.close();
    Path dir = workDir;
    io.vertx.core.Future<Void> forgotten = checkpointing
        ? checkpointer.executeBlocking(() -> forgetIdentity(dir), true)
        : vertx.executeBlocking(() -> forgetIdentity(dir), false);
    forgotten.onFailure(e -> LOG.error("agent {} could not remove its identity under {}: {}; remove {} by hand before "
            + "restarting it, or it will be refused again", agentId, dir, e.toString(),
            dir.resolve("meta").resolve("agent_id")))
        .onComplete(ar -> {
          LOG.error("agent {} stopped: it was marked gone by the operator ({})", agentId, goneReason);
          String deployment = context.deploymentID();
          vertx.undeploy(deployment).onComplete(u -> gone.tryComplete(goneReason));
        });
  }

  /** Blocking: removes the agent id checkpoint and every task checkpoint (killing what is left of their tasks). */
  private static Void forgetIdentity(Path dir) throws Exception {
    for (TaskCheckpoint.Recovered stale : TaskCheckpoint.recoverAll(dir)) {
      if (TaskCheckpoint.killLeftovers(stale)) {
        LOG.warn("killed a task still running after the agent was marked gone task_id={} pid={}",
            stale.task().getTaskId().getValue(), stale.pid());
      }
      TaskCheckpoint.remove(stale.dir());
    }
    TaskCheckpoint.forgetAgentId(dir);
    return null;
  }

  private void checkpointAgentId() {
    Path meta = workDir.resolve("meta");
    vertx.fileSystem().mkdirs(meta.toString())
        .compose(v -> vertx.fileSystem().writeFile(meta.resolve("agent_id").toString(),
            io.vertx.core.buffer.Buffer.buffer(agentId + "\n", StandardCharsets.UTF_8.name())))
        .onFailure(e -> LOG.warn("cannot checkpoint the agent id agent_id={} work_dir={} error={}", agentId, workDir,
            e.toString()));
  }
}
