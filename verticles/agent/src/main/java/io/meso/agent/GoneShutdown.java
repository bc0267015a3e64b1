package io.meso.agent;

import io.meso.codecs.TaskStates;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator marked this agent gone (Mesos MARK_AGENT_GONE): it can never register under its
 * id again. Stops talking to the master, kills every task, and once they ended (or after their
 * grace periods) removes the checkpointed identity and task checkpoints and undeploys the agent;
 * a restart with the same work dir then joins as a new agent. Event-loop confined.
 */
final class GoneShutdown {

  private static final Logger LOG = LoggerFactory.getLogger(GoneShutdown.class);
  /** How long after the longest grace period whatever has not ended is left to the checkpoint's kill. */
  private static final long SLACK_MILLIS = 5_000;

  private final Vertx vertx;
  private final AgentOptions options;
  private final String agentId;
  private final Path workDir;
  private final MasterLink master;
  private final StatusUpdateManager updates;
  private final AgentTasks tasks;
  private final TaskCheckpoints checkpoints;
  /** Undeploys the agent. */
  private final Supplier<Future<?>> undeploy;
  private final Promise<String> gone;
  /** Why the agent is shutting down for good; null while it is not. */
  private String reason;
  private long timer = -1;
  private boolean finished;

  /** {@code gone} is completed with the reason once the agent is undeployed. */
  GoneShutdown(Vertx vertx, AgentOptions options, String agentId, Path workDir, MasterLink master,
      StatusUpdateManager updates, AgentTasks tasks, TaskCheckpoints checkpoints, Supplier<Future<?>> undeploy,
      Promise<String> gone) {
    this.vertx = vertx;
    this.options = options;
    this.agentId = agentId;
    this.workDir = workDir;
    this.master = master;
    this.updates = updates;
    this.tasks = tasks;
    this.checkpoints = checkpoints;
    this.undeploy = undeploy;
    this.gone = gone;
  }

  /** Starts shutting down for good ({@code why}: what the master said); idempotent. */
  void start(String why) {
    if (reason != null) {
      return;
    }
    reason = why;
    tasks.stopForwarding(this::finish);
    master.close();
    updates.pause();
    List<AgentTask> running = tasks.all().stream().filter(t -> !TaskStates.isTerminal(t.state)).toList();
    LOG.error("agent {} was marked gone by the operator and must stop: {}. It kills its {} task(s), removes its "
        + "identity ({}) and stops. To rejoin the cluster, start it again (the same --work-dir is fine): it will "
        + "register as a NEW agent with a new id", agentId, why, running.size(), AgentIdentity.idCheckpoint(workDir));
    long grace = options.getKillGracePeriodMillis();
    for (AgentTask task : running) {
      tasks.kill(task, -1);
      if (task.info.hasKillPolicy() && task.info.getKillPolicy().hasGracePeriod()) {
        grace = Math.max(grace, task.info.getKillPolicy().getGracePeriod().getNanoseconds() / 1_000_000);
      }
    }
    if (running.isEmpty()) {
      finish();
    } else {
      // Whatever has not ended by then is killed from its checkpoint (or left to the executor's stop).
      timer = vertx.setTimer(grace + SLACK_MILLIS, t -> {
        timer = -1;
        finish();
      });
    }
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    updates.close();
    checkpoints.forgetIdentity()
        .onFailure(e -> LOG.error("agent {} could not remove its identity under {}: {}; remove {} by hand before "
            + "restarting it, or it will be refused again", agentId, workDir, e.toString(),
            AgentIdentity.idCheckpoint(workDir)))
        .onComplete(ar -> {
          LOG.error("agent {} stopped: it was marked gone by the operator ({})", agentId, reason);
          undeploy.get().onComplete(u -> gone.tryComplete(reason));
        });
  }
}
