package io.meso.agent;

import com.google.protobuf.ByteString;
import io.meso.codecs.MesoCodecs;
import io.meso.codecs.TaskStates;
import io.meso.executor.FileNames;
import io.meso.executor.KillTask;
import io.meso.executor.LaunchTask;
import io.meso.executor.TaskStatusChanged;
import io.meso.internal.KillTaskMessage;
import io.meso.internal.ReconcileTasksMessage;
import io.meso.internal.RunTaskMessage;
import io.meso.internal.StatusUpdate;
import io.meso.internal.StatusUpdateAcknowledgementMessage;
import io.meso.v1.AgentID;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's tasks, from RunTaskMessage until their terminal update is acknowledged: launches
 * (or rejects, with TASK_ERROR) what the master sends, asks the executor to kill, turns the
 * executor's state changes into status updates for {@link StatusUpdateManager} (checkpointed
 * first when {@link TaskCheckpoints#enabled()}), and forgets a task once its terminal update was
 * acknowledged (its sandbox stays browsable through {@link SandboxRequests}). Sandboxes:
 * {@code <workDir>/frameworks/<fw>/tasks/<task>}. Event-loop confined.
 */
final class AgentTasks {

  private static final Logger LOG = LoggerFactory.getLogger(AgentTasks.class);

  private final Vertx vertx;
  private final AgentOptions options;
  private final String agentId;
  private final AgentID agentIdProto;
  private final Path workDir;
  private final String executorAddress;
  private final StatusUpdateManager updates;
  private final SandboxRequests files;
  private final TaskCheckpoints checkpoints;
  private final Map<TaskKey, AgentTask> tasks = new LinkedHashMap<>();
  private final Map<TaskState, Long> ended = new java.util.EnumMap<>(TaskState.class);
  /** Once the agent stops forwarding updates (marked gone): run when every task has ended; else null. */
  private Runnable onAllEnded;

  AgentTasks(Vertx vertx, AgentOptions options, String agentId, Path workDir, String executorAddress,
      StatusUpdateManager updates, SandboxRequests files, TaskCheckpoints checkpoints) {
    this.vertx = vertx;
    this.options = options;
    this.agentId = agentId;
    this.agentIdProto = AgentID.newBuilder().setValue(agentId).build();
    this.workDir = workDir;
    this.executorAddress = executorAddress;
    this.updates = updates;
    this.files = files;
    this.checkpoints = checkpoints;
  }

  /** Every task the agent knows (live, or ended with its terminal update unacknowledged). */
  Collection<AgentTask> all() {
    return Collections.unmodifiableCollection(tasks.values());
  }

  /** How many tasks ended since the agent started, by terminal state (for the agent's metrics). */
  Map<TaskState, Long> ended() {
    return Collections.unmodifiableMap(ended);
  }

  void run(RunTaskMessage run) {
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
        checkpoints.enabled() ? checkpoints.dir(key).toString() : null), MesoCodecs.LOCAL);
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
    updates.addOwnStream(new TaskKey(frameworkId, task.getTaskId().getValue()), newUpdate(frameworkId, status));
  }

  /**
   * The master's reconciliation after a re-registration: each task it named that this agent does
   * not know (its launch never arrived, or the agent restarted before checkpointing it) ends with
   * a reliable update of its own, TASK_DROPPED for a partition-aware framework and TASK_LOST for
   * another, REASON_RECONCILIATION, as a Mesos agent answers. A task the agent knows needs nothing
   * (its own updates tell the master), nor one already answered (a repeated answer of the master).
   */
  void reconcile(ReconcileTasksMessage reconcile) {
    String frameworkId = reconcile.getFrameworkId().getValue();
    boolean partitionAware = reconcile.getFramework().getCapabilitiesList().stream()
        .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
    TaskState state = partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
    for (TaskStatus asked : reconcile.getStatusesList()) {
      TaskKey key = new TaskKey(frameworkId, asked.getTaskId().getValue());
      if (frameworkId.isEmpty() || tasks.containsKey(key) || updates.hasOwnStream(key)) {
        continue;
      }
      LOG.warn("reconciling task {} as {}: unknown to agent {}", key, state, agentId);
      updates.addOwnStream(key, newUpdate(frameworkId, TaskStatus.newBuilder()
          .setTaskId(asked.getTaskId())
          .setState(state)
          .setReason(TaskStatus.Reason.REASON_RECONCILIATION)
          .setSource(TaskStatus.Source.SOURCE_AGENT)
          .setMessage("Reconciliation: task unknown to the agent")
          .build()));
    }
  }

  void kill(KillTaskMessage kill) {
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
  void kill(AgentTask task, long graceMillis) {
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

  void shutdownFramework(String frameworkId) {
    LOG.info("shutting down framework agent_id={} framework_id={}", agentId, frameworkId);
    for (AgentTask task : new ArrayList<>(tasks.values())) {
      if (task.key.frameworkId().equals(frameworkId)) {
        kill(task, -1);
      }
    }
  }

  void acknowledge(StatusUpdateAcknowledgementMessage ack) {
    TaskKey key = new TaskKey(ack.getFrameworkId().getValue(), ack.getTaskId().getValue());
    StatusUpdate acked = updates.acknowledge(key, ack.getUuid());
    if (acked == null) {
      if (updates.acknowledgeOwnStream(ack.getUuid()) == null) {
        LOG.debug("acknowledgement for no update in flight ignored {} ", key);
      }
      return;
    }
    boolean done = TaskStates.isTerminal(acked.getStatus().getState()) && updates.head(key) == null;
    if (checkpoints.enabled()) {
      checkpoints.acknowledged(key, ack.getUuid(), done);
    }
    if (done) {
      AgentTask task = tasks.remove(key);
      if (task != null) {
        files.completed(key, task.sandbox);
        LOG.debug("task forgotten after its terminal update was acknowledged {} state={}", key, task.state);
      }
    }
  }

  /** A task's state changed in the executor: record it and send the update (unless no longer forwarding). */
  void statusChanged(TaskStatusChanged changed) {
    TaskKey key = new TaskKey(changed.frameworkId(), changed.taskId());
    AgentTask task = tasks.get(key);
    if (task == null) {
      LOG.warn("status from the executor for an unknown task ignored {} state={}", key, changed.status().getState());
      return;
    }
    StatusUpdate update = newUpdate(changed.frameworkId(), changed.status());
    if (!TaskStates.isTerminal(task.state) && TaskStates.isTerminal(changed.status().getState())) {
      ended.merge(changed.status().getState(), 1L, Long::sum);
    }
    task.state = changed.status().getState();
    task.latestStatus = update.getStatus();
    if (onAllEnded != null) {
      // Marked gone: the master ignores this agent's updates; wait for the last task to end.
      LOG.info("task ended while the agent shuts down (marked gone) {} state={}", key, task.state);
      if (tasks.values().stream().allMatch(t -> TaskStates.isTerminal(t.state))) {
        onAllEnded.run();
      }
      return;
    }
    LOG.debug("status update {} state={} message={}", key, task.state, changed.status().getMessage());
    addUpdate(key, update);
  }

  /**
   * From now on (the agent was marked gone) state changes are not sent to the master: the
   * agent runs {@code onAllEnded} (perhaps more than once) when a change leaves every task ended.
   */
  void stopForwarding(Runnable onAllEnded) {
    this.onAllEnded = onAllEnded;
  }

  /** Takes back a task a previous run of the agent checkpointed, with its unacknowledged updates. */
  void recovered(AgentTask task, List<StatusUpdate> unacknowledged) {
    tasks.put(task.key, task);
    updates.restore(task.key, unacknowledged);
  }

  /** Queues an update for reliable delivery; when checkpointing, only once it is in the task's log. */
  private void addUpdate(TaskKey key, StatusUpdate update) {
    if (!checkpoints.enabled()) {
      updates.add(key, update);
      return;
    }
    checkpoints.appendUpdate(key, update).onComplete(ar -> updates.add(key, update));
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
  AgentTask find(String frameworkId, String taskId) {
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

  /** The sandbox of the task: {@code <workDir>/frameworks/<fw>/tasks/<task>}. */
  Path sandbox(String frameworkId, String taskId) {
    return workDir.resolve("frameworks").resolve(FileNames.sanitize(frameworkId))
        .resolve("tasks").resolve(FileNames.sanitize(taskId));
  }
}
