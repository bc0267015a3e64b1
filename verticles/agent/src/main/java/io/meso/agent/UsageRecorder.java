package io.meso.agent;

import io.meso.codecs.MesoCodecs;
import io.meso.executor.TaskUsage;
import io.meso.executor.UsageRequest;
import io.meso.proto.GetTaskUsageRequest;
import io.meso.proto.GetTaskUsageResponse;
import io.meso.v1.AgentID;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each task's usage over time on its own agent ({@link TaskUsageHistory}) and answers the
 * master's GetTaskUsageRequest from it. Why here and not on the master: the agent already
 * samples its tasks (the executor's {@link UsageRequest}, read off the event loop), a ring per
 * task costs the agent a few KB, and the master then does nothing for usage until an operator
 * asks about one task, when it forwards one request to one agent; no agent is polled and
 * nothing flows to the master in the background.
 *
 * <p>Every {@code intervalMillis} (the next sample is scheduled when the previous one is done,
 * so a slow sample never piles up) the executor is asked for its running tasks' usage and each
 * is appended to its ring. Runs on the agent's event loop.
 */
final class UsageRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);
  /** Ended tasks whose ring is kept (each for one window at most). */
  static final int MAX_ENDED = 256;

  private final Vertx vertx;
  private final String agentId;
  private final String executorAddress;
  private final long intervalMillis;
  private final TaskUsageHistory history;
  private long timer = -1;
  private boolean closed;

  /** @param intervalMillis 0: no sampling (every answer is empty) */
  UsageRecorder(Vertx vertx, String agentId, String executorAddress, long intervalMillis, int samples) {
    this.vertx = vertx;
    this.agentId = agentId;
    this.executorAddress = executorAddress;
    this.intervalMillis = intervalMillis;
    this.history = new TaskUsageHistory(samples, MAX_ENDED);
  }

  void start() {
    if (intervalMillis > 0) {
      schedule();
    }
  }

  void close() {
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void schedule() {
    if (!closed) {
      timer = vertx.setTimer(intervalMillis, id -> sample());
    }
  }

  private void sample() {
    timer = -1;
    vertx.eventBus().<List<TaskUsage>>request(executorAddress, new UsageRequest(),
            new DeliveryOptions(MesoCodecs.LOCAL).setSendTimeout(Math.max(30_000, intervalMillis)))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            history.record(ar.result().body(), System.currentTimeMillis() / 1000.0, windowSeconds());
          } else {
            LOG.debug("usage sample failed agent_id={} error={}", agentId, ar.cause().toString());
          }
          schedule();
        });
  }

  private double windowSeconds() {
    return history.capacity() * intervalMillis / 1000.0;
  }

  /** Answers the master's request for one task's samples (empty when it has none). */
  void answer(Message<Object> msg, GetTaskUsageRequest request) {
    if (!request.hasTaskId() || request.getTaskId().getValue().isEmpty()) {
      msg.fail(400, "task_id is missing; name the task");
      return;
    }
    GetTaskUsageResponse.Builder response = GetTaskUsageResponse.newBuilder()
        .setTaskId(request.getTaskId())
        .setAgentId(AgentID.newBuilder().setValue(agentId))
        .setIntervalSeconds(intervalMillis / 1000.0)
        .setMaxSamples(history.capacity())
        .addAllSamples(history.samples(request.getFrameworkId().getValue(), request.getTaskId().getValue()));
    if (request.hasFrameworkId()) {
      response.setFrameworkId(request.getFrameworkId());
    }
    msg.reply(response.build());
  }
}
