package io.meso.agent;

import com.google.protobuf.ByteString;
import io.meso.codecs.TaskDigests;
import io.meso.internal.AgentRegisteredMessage;
import io.meso.internal.AgentReregisteredMessage;
import io.meso.internal.ReconcileTasksMessage;
import io.meso.internal.KillTaskMessage;
import io.meso.internal.RegisterAgentMessage;
import io.meso.internal.ReregisterAgentMessage;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskID;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent says when it (re-)registers and what it does with the master's answer, for
 * {@link MasterLink}. A new agent registers; one that recovered its id, or that registered
 * before in this process, re-registers with its tasks, their frameworks and the update in flight
 * of each. Once a master accepted it: the id is checkpointed (after a first registration of a
 * new agent), status updates flow again, and the tasks the master says to kill are killed.
 * While disconnected, status updates are paused. Event-loop confined.
 */
final class AgentRegistration implements MasterLink.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(AgentRegistration.class);

  private final String agentId;
  private final AgentID agentIdProto;
  private final AgentInfo info;
  private final boolean recovered;
  private final AgentTasks tasks;
  private final StatusUpdateManager updates;
  /** Checkpoints the agent id (after a new agent's first registration). */
  private final Runnable checkpointId;
  private final Promise<String> registered;
  private final Consumer<String> gone;
  private final Consumer<String> refused;
  private boolean everRegistered;
  /** Whether the last re-registration sent was by digest (for the log). */
  private boolean lastByDigest;

  /**
   * @param recovered whether the agent recovered its id (then even its first attempt re-registers)
   * @param registered completed with the agent id once a master accepted the agent
   * @param gone called with the master's reason when it refused the agent for good
   */
  AgentRegistration(AgentInfo info, boolean recovered, AgentTasks tasks, StatusUpdateManager updates,
      Runnable checkpointId, Promise<String> registered, Consumer<String> gone) {
    this(info, recovered, tasks, updates, checkpointId, registered, gone, why -> { });
  }

  /** @param refused called with the master's reason when it refused the agent's proof of the cluster secret */
  AgentRegistration(AgentInfo info, boolean recovered, AgentTasks tasks, StatusUpdateManager updates,
      Runnable checkpointId, Promise<String> registered, Consumer<String> gone, Consumer<String> refused) {
    this.agentId = info.getId().getValue();
    this.agentIdProto = info.getId();
    this.info = info;
    this.recovered = recovered;
    this.tasks = tasks;
    this.updates = updates;
    this.checkpointId = checkpointId;
    this.registered = registered;
    this.gone = gone;
    this.refused = refused;
  }

  @Override
  public Object registration(boolean digest) {
    if (!everRegistered && !recovered) {
      return RegisterAgentMessage.newBuilder().setAgentInfo(info).setVersion(AgentVerticle.VERSION).build();
    }
    ReregisterAgentMessage.Builder msg = ReregisterAgentMessage.newBuilder().setAgentInfo(info)
        .setVersion(AgentVerticle.VERSION).setReconciles(true);
    // A task that ended and whose end is not acknowledged yet is in no digest (which counts live
    // tasks only) and may be in no copy (the old leader may have died before publishing its
    // launch): a new leader that took the digest would not know it, and would answer its
    // framework's reconciliation that it is unknown. Such an agent reports its tasks.
    digest = digest && tasks.all().stream().noneMatch(t -> io.meso.codecs.TaskStates.isTerminal(t.state));
    Map<String, FrameworkInfo> frameworks = new HashMap<>();
    TaskDigests.Builder sum = TaskDigests.builder();
    for (AgentTask task : tasks.all()) {
      if (digest) {
        // What toProto would report: the task's state and its latest status.
        sum.add(task.key.frameworkId(), task.info.getTaskId().getValue(), task.state,
            task.latestStatus == null ? ByteString.EMPTY : task.latestStatus.getUuid());
      } else {
        msg.addTasks(task.toProto(agentIdProto, updates.head(task.key)));
      }
      frameworks.put(task.key.frameworkId(), task.framework);
    }
    if (digest) {
      msg.setDigest(sum.build());
    }
    lastByDigest = digest;
    msg.addAllFrameworks(frameworks.values());
    msg.addAllUpdates(updates.heads());
    return msg.build();
  }

  @Override
  public Double registered(Object reply) {
    AgentID id;
    double interval;
    double masterTimeout;
    List<TaskID> toKill = List.of();
    List<KillTaskMessage> killTasks = List.of();
    List<ReconcileTasksMessage> reconciliations = List.of();
    if (reply instanceof AgentRegisteredMessage r) {
      id = r.getAgentId();
      interval = r.getPingIntervalSeconds();
      masterTimeout = r.getPingTimeoutSeconds();
    } else if (reply instanceof AgentReregisteredMessage r) {
      id = r.getAgentId();
      interval = r.getPingIntervalSeconds();
      masterTimeout = r.getPingTimeoutSeconds();
      toKill = r.getKillTaskIdsList();
      killTasks = r.getKillTasksList();
      reconciliations = r.getReconciliationsList();
    } else {
      return null;
    }
    if (!id.getValue().isEmpty() && !id.getValue().equals(agentId)) {
      LOG.warn("master answered with another agent id, keeping ours agent_id={} master_said={}", agentId,
          id.getValue());
    }
    boolean first = !everRegistered;
    everRegistered = true;
    LOG.info("{} with the master agent_id={} ping_interval_s={} master_ping_timeout_s={} tasks={} pending_updates={}{}",
        reply instanceof AgentRegisteredMessage ? "registered" : "re-registered", agentId, interval, masterTimeout,
        tasks.all().size(), updates.pendingCount(),
        lastByDigest ? " by_digest=true (the master's copy of the tasks matched)" : "");
    if (first && !recovered) {
      checkpointId.run();
    }
    updates.resume();
    if (!killTasks.isEmpty()) {
      for (KillTaskMessage k : killTasks) {
        AgentTask task = tasks.find(k.getFrameworkId().getValue(), k.getTaskId().getValue());
        if (task != null) {
          tasks.kill(task, -1);
        }
      }
    } else {
      for (TaskID taskId : toKill) { // an older master: task ids only (ambiguous ones are not killed)
        AgentTask task = tasks.find(null, taskId.getValue());
        if (task != null) {
          tasks.kill(task, -1);
        }
      }
    }
    for (ReconcileTasksMessage reconcile : reconciliations) {
      tasks.reconcile(reconcile);
    }
    registered.tryComplete(agentId);
    // Never give up on the master sooner than it gives up on us (an older master does not say: two intervals).
    return Math.max(interval * 2, masterTimeout);
  }

  @Override
  public void disconnected(String why) {
    updates.pause();
  }

  @Override
  public void gone(String why) {
    gone.accept(why);
  }

  @Override
  public void refused(String why) {
    refused.accept(why);
  }
}
