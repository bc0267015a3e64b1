package io.meso.agent;

import io.meso.codecs.MesoCodecs;
import io.meso.codecs.TaskStates;
import io.meso.executor.LaunchTask;
import io.meso.executor.RecoverTasks;
import io.meso.executor.TaskCheckpoint;
import io.meso.executor.TaskStatusChanged;
import io.meso.internal.StatusUpdate;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery after a restart: takes back the tasks a previous run of this agent checkpointed
 * (see {@link AgentIdentity#tasks()}). Their unacknowledged updates go back in flight (sent once
 * registered); the executor adopts the ones still running and reports the ones that ended
 * meanwhile from their recorded exit status; a task whose process was never recorded as started
 * is reported TASK_DROPPED (TASK_LOST to frameworks that are not partition-aware) with
 * REASON_AGENT_RESTARTED; a task that ended and whose updates were all acknowledged is only
 * removed from disk.
 */
final class TaskRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(TaskRecovery.class);

  private TaskRecovery() {}

  /** Recovers {@code recovered} into {@code tasks}; the executor at {@code executorAddress} adopts the running ones. */
  static void recover(Vertx vertx, String agentId, String executorAddress, List<TaskCheckpoint.Recovered> recovered,
      AgentTasks tasks, TaskCheckpoints checkpoints) {
    if (recovered.isEmpty()) {
      return;
    }
    List<RecoverTasks.Adopt> adopt = new ArrayList<>();
    List<AgentTask> neverStarted = new ArrayList<>();
    int done = 0;
    for (TaskCheckpoint.Recovered r : recovered) {
      String frameworkId = r.framework().getId().getValue();
      String taskId = r.task().getTaskId().getValue();
      TaskKey key = new TaskKey(frameworkId, taskId);
      AgentTask task = new AgentTask(key, r.framework(), r.task(), tasks.sandbox(frameworkId, taskId));
      if (!r.updates().isEmpty()) {
        StatusUpdate last = r.updates().get(r.updates().size() - 1);
        task.state = last.getStatus().getState();
        task.latestStatus = last.getStatus();
      }
      if (TaskStates.isTerminal(task.state) && r.unacknowledged().isEmpty()) {
        done++;
        checkpoints.remove(key, r.dir());
        continue;
      }
      tasks.recovered(task, r.unacknowledged());
      if (TaskStates.isTerminal(task.state)) {
        continue; // ended and reported; waiting for the acknowledgement
      }
      if (r.pid() > 0) {
        adopt.add(new RecoverTasks.Adopt(new LaunchTask(r.framework(), r.task(),
            task.sandbox.toString(), r.dir().toString()), r.pid(), r.startTime()));
      } else {
        neverStarted.add(task);
      }
    }
    LOG.info("recovering tasks agent_id={} running_or_ended={} never_started={} terminal_unacknowledged={} "
        + "already_done={}", agentId, adopt.size(), neverStarted.size(),
        tasks.all().size() - adopt.size() - neverStarted.size(), done);
    vertx.eventBus().send(executorAddress, new RecoverTasks(adopt), MesoCodecs.LOCAL);
    for (AgentTask task : neverStarted) {
      boolean aware = task.framework.getCapabilitiesList().stream()
          .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
      tasks.statusChanged(new TaskStatusChanged(task.key.frameworkId(), TaskStatus.newBuilder()
          .setTaskId(task.info.getTaskId())
          .setState(aware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST)
          .setReason(TaskStatus.Reason.REASON_AGENT_RESTARTED)
          .setSource(TaskStatus.Source.SOURCE_AGENT)
          .setMessage("The agent restarted before the task's process was started")
          .build()));
    }
  }
}
