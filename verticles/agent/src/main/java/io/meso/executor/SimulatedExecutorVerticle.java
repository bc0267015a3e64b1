package io.meso.executor;

import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor without processes, for benchmarks with many agents in one JVM: same messages as
 * {@link ExecutorVerticle}; on launch it reports TASK_STARTING and TASK_RUNNING at once and
 * TASK_FINISHED after the task's duration: the task's {@code data} as UTF-8 decimal
 * milliseconds when it parses, else {@link ExecutorOptions#getSimulatedTaskDurationMillis()}
 * (0: immediately). A kill reports TASK_KILLING (when asked) and TASK_KILLED at once. Creates
 * no sandbox. Runs no health checks: a task that has one is reported healthy once, right after
 * TASK_RUNNING (so a services framework that waits for health can be benchmarked).
 */
public class SimulatedExecutorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedExecutorVerticle.class);

  private final String agentId;
  private final ExecutorOptions options;
  private final String statusAddress;
  /** Running tasks by key; the value is the finish timer id, or -1 when the task runs until killed. */
  private final Map<String, Long> running = new HashMap<>();

  public SimulatedExecutorVerticle(String agentId, ExecutorOptions options) {
    this.agentId = agentId;
    this.options = new ExecutorOptions(options);
    this.statusAddress = Addresses.executorStatus(agentId);
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().localConsumer(Addresses.executor(agentId), this::onMessage).completion();
  }

  @Override
  public Future<?> stop() {
    running.values().stream().filter(id -> id >= 0).forEach(vertx::cancelTimer);
    running.clear();
    return Future.succeededFuture();
  }

  private void onMessage(Message<Object> msg) {
    Object body = msg.body();
    if (body instanceof LaunchTask launch) {
      launch(launch);
    } else if (body instanceof KillTask kill) {
      kill(kill);
    } else if (body instanceof UsageRequest) {
      msg.reply(java.util.List.<TaskUsage>of(), io.meso.codecs.MesoCodecs.LOCAL); // nothing runs: no usage
    } else {
      LOG.warn("simulated executor ignores unexpected message agent_id={} type={}", agentId,
          body == null ? "null" : body.getClass().getName());
    }
  }

  private void launch(LaunchTask launch) {
    String key = ExecutorVerticle.key(launch.frameworkId(), launch.taskId());
    if (running.containsKey(key)) {
      LOG.warn("ignoring second launch of a running task framework_id={} task_id={}", launch.frameworkId(),
          launch.taskId());
      return;
    }
    report(launch.frameworkId(), launch.taskId(), TaskState.TASK_STARTING, null);
    report(launch.frameworkId(), launch.taskId(), TaskState.TASK_RUNNING, null);
    if (launch.task().hasHealthCheck()) {
      TaskStatus healthy = status(launch.taskId(), TaskState.TASK_RUNNING, null).setHealthy(true)
          .setReason(TaskStatus.Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED).build();
      vertx.eventBus().send(statusAddress, new TaskStatusChanged(launch.frameworkId(), healthy), MesoCodecs.LOCAL);
    }
    long duration = duration(launch);
    if (duration == 0) {
      report(launch.frameworkId(), launch.taskId(), TaskState.TASK_FINISHED, "Command exited with status 0");
      return;
    }
    long timer = vertx.setTimer(duration, id -> {
      running.remove(key);
      report(launch.frameworkId(), launch.taskId(), TaskState.TASK_FINISHED, "Command exited with status 0");
    });
    running.put(key, timer);
  }

  private void kill(KillTask kill) {
    Long timer = running.remove(ExecutorVerticle.key(kill.frameworkId(), kill.taskId()));
    if (timer == null) {
      LOG.info("kill for a task this executor does not run framework_id={} task_id={}", kill.frameworkId(),
          kill.taskId());
      return;
    }
    vertx.cancelTimer(timer);
    if (kill.reportKilling()) {
      report(kill.frameworkId(), kill.taskId(), TaskState.TASK_KILLING, "Kill requested");
    }
    report(kill.frameworkId(), kill.taskId(), TaskState.TASK_KILLED, "Simulated task killed");
  }

  private long duration(LaunchTask launch) {
    if (!launch.task().getData().isEmpty()) {
      try {
        return Math.max(0, Long.parseLong(launch.task().getData().toString(StandardCharsets.UTF_8).trim()));
      } catch (NumberFormatException e) {
        LOG.debug("task data is not a duration, using the default task_id={}", launch.taskId());
      }
    }
    return options.getSimulatedTaskDurationMillis();
  }

  private void report(String frameworkId, String taskId, TaskState state, String message) {
    vertx.eventBus().send(statusAddress, new TaskStatusChanged(frameworkId, status(taskId, state, message).build()),
        MesoCodecs.LOCAL);
  }

  private static TaskStatus.Builder status(String taskId, TaskState state, String message) {
    TaskStatus.Builder status = TaskStatus.newBuilder()
        .setTaskId(io.meso.v1.TaskID.newBuilder().setValue(taskId))
        .setState(state)
        .setSource(TaskStatus.Source.SOURCE_EXECUTOR);
    if (message != null) {
      status.setMessage(message);
    }
    return status;
  }
}
